"""Form tests (``kiosk forms test``): the shipped forms' scenarios, the engine's conformance
suite (tests/forms/conformance), and the runner's own exit codes and diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue
from kiosk.forms.scenarios import find_test_files, run_test_file

CONFORMANCE = Path(__file__).resolve().parents[2] / "forms" / "conformance"


def _catalogue():  # type: ignore[no-untyped-def]
    catalogue, issues = load_catalogue([DEFINITIONS_DIR, CONFORMANCE])
    assert not issues, [str(i) for i in issues]
    return catalogue


FILES = find_test_files([DEFINITIONS_DIR, CONFORMANCE])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenarios_pass(path: Path) -> None:
    failures = [r for r in run_test_file(_catalogue(), path) if not r.ok]
    assert not failures, "\n".join(f"{r.name}:\n  " + "\n  ".join(r.diffs) for r in failures)


def test_every_shipped_form_and_bundle_has_tests() -> None:
    catalogue = _catalogue()
    tested = {p.name.removesuffix(".tests.yaml") for p in find_test_files([DEFINITIONS_DIR])}
    shipped = {fid for fid, _ in catalogue.forms if not fid.startswith("c_")}
    shipped -= {fid for fid, _ in catalogue.forms if fid.startswith("t10_")}
    missing = {fid for fid in shipped if fid not in tested}
    missing |= {bid for bid, _ in catalogue.bundles if bid not in tested}
    assert not missing


def test_the_conformance_suite_is_large_enough() -> None:
    count = sum(len(run_test_file(_catalogue(), p)) for p in find_test_files([CONFORMANCE]))
    assert count >= 150


FORM = """
id: t10_tiny
version: 1
title: 小测试表
short_title: 小测试
description: 测试用。
department: 测试
subject: pid
applicant: pid
routing: [{step: intake, desk: 测试台, does: 受理}]
questions:
  - {type: id_number, name: pid, label: 号码？, required: true}
  - {type: money, name: a, label: 多少？}
  - {type: money, name: b, label: 多少？}
  - {type: calculate, name: total, label: 合计, calculation: "${a} + ${b}"}
"""


def _folder(tmp_path: Path, tests: str) -> tuple[Path, Path]:
    folder = tmp_path / "dept"
    folder.mkdir()
    (folder / "t10_tiny.v1.yaml").write_text(FORM, encoding="utf-8")
    test_file = folder / "t10_tiny.tests.yaml"
    test_file.write_text(tests, encoding="utf-8")
    return folder, test_file


def test_a_passing_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, file = _folder(
        tmp_path,
        """
form: t10_tiny
cases:
  - name: sums money
    steps: [{set: {pid: "500225194103080133", a: 1.5, b: "2"}}]
    expect: {final: {pid: "500225194103080133", a: 1.5, b: 2, total: 3.5}, problems: []}
""",
    )
    assert main(["forms", "test", "--forms-dir", str(folder), str(file)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out


def test_a_differing_case_exits_1_with_expected_and_actual(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, file = _folder(
        tmp_path,
        """
form: t10_tiny
cases:
  - name: wrong total
    steps: [{set: {pid: "500225194103080133", a: 100, b: 9}}]
    expect: {final: {pid: "500225194103080133", a: 100, b: 9, total: 108}}
""",
    )
    assert main(["forms", "test", "--forms-dir", str(folder), str(file)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  t10_tiny.tests.yaml: wrong total" in out
    assert 'final.total: expected 108, got "109.00"' in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("form: [unclosed", "not valid YAML"),
        ("form: no_such_form\ncases: [{name: x}]", "no such form: no_such_form"),
        ("form: t10_tiny\ncases: [{name: x, steps: [{jump: 1}]}]", "unknown step 'jump'"),
        ("form: t10_tiny\ncases: [{name: x, expect: {finale: {}}}]", "finale"),
        ("form: t10_tiny\ncases: []", "cases"),
    ],
)
def test_a_broken_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    folder, file = _folder(tmp_path, text)
    assert main(["forms", "test", "--forms-dir", str(folder), str(file)]) == 2
    out = capsys.readouterr().out
    assert str(file) in out and message in out
