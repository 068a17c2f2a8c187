"""Form tests: scenarios a department writes beside its form, run by ``kiosk forms test``.

A ``<anything>.tests.yaml`` file names a form and lists cases; each case applies steps as
a person on the screens would (set, add, remove, clear; migrate to a newer version) and
states what must come out: the answers finalize would freeze, the visible pages, the
materials, the questions with problems, the answers refused on the way. The format is
in docs/forms.md ("Form tests"); :mod:`kiosk.forms.scenario_match` compares.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.forms.catalogue import Catalogue, UnknownForm
from kiosk.forms.engine import FormFill
from kiosk.forms.loader import read_yaml
from kiosk.forms.migrate import migrate_draft
from kiosk.forms.paths import BadPath, parse_item, parse_path
from kiosk.forms.prefill import ChainedPrefill, IdNumberPrefill, PrefillValue
from kiosk.forms.scenario_match import compare, compare_list, plain
from kiosk.forms.schema import FormDefinition

log = logging.getLogger(__name__)
TESTS_SUFFIX = ".tests.yaml"
STEPS = "set, clear, add, remove, move, answers, migrate"
REGISTRY_LABEL = "登记信息（测试数据）"


class ScenarioFileError(Exception):
    """A test file that cannot be run (exit 2): the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Expect(_Strict):
    final: dict[str, Any] | None = None
    pages: list[str] | None = None
    materials: list[str] | None = None
    problems: list[str] | None = None
    refused: list[str] | None = None  # answers refused by a step (a broken rule)
    forms: list[str] | None = None  # a bundle: the forms that apply
    review: list[str] | None = None  # answers that no longer fit (after `migrate`)


class Case(_Strict):
    name: str
    steps: list[dict[str, Any]] = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)
    today: dt.date | None = None
    resident: str | None = None  # the person identified at the start (prefill @resident)
    # District policy values for this case ({elderly_allowance_min_age: 75}): what a
    # district that sets another value gets. Expressions see them; texts keep the file's.
    policy: dict[str, int | float | str] = Field(default_factory=dict)


class TestFile(_Strict):
    form: str
    version: int | None = None
    today: dt.date | None = None
    resident: str | None = None
    # ID number → registry fields, for prefill ({name: 张德明, village: v03, ...}).
    registry: dict[str, dict[str, Any]] = Field(default_factory=dict)
    policy: dict[str, int | float | str] = Field(default_factory=dict)  # for every case
    cases: list[Case] = Field(min_length=1)


@dataclass
class CaseResult:
    name: str
    diffs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diffs


class _Registry:
    def __init__(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        self.records = records

    def lookup(self, id_number: str, *, today: dt.date) -> Mapping[str, PrefillValue]:
        found = self.records.get(id_number) or {}
        out: dict[str, PrefillValue] = {}
        for key, value in found.items():
            if isinstance(value, dict):  # flags: {dibao: true} is flags.dibao
                for sub, inner in value.items():
                    out[f"{key}.{sub}"] = PrefillValue(plain(inner), REGISTRY_LABEL)
            else:
                out[key] = PrefillValue(plain(value), REGISTRY_LABEL)
        return out


def find_test_files(folders: list[Path]) -> list[Path]:
    """Every ``*.tests.yaml`` in the folders and their ``bundles/`` sub-folders."""
    found: list[Path] = []
    for folder in folders:
        found += sorted(folder.glob(f"*{TESTS_SUFFIX}"))
        found += sorted((folder / "bundles").glob(f"*{TESTS_SUFFIX}"))
    return found


def load_test_file(path: Path) -> TestFile:
    try:
        data = read_yaml(path)
    except Exception as exc:  # FormFileError with file and line
        raise ScenarioFileError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{path}: a test file is a mapping with `form` and `cases`")
    try:
        return TestFile.model_validate(data)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '-'}: {e['msg']}" for e in exc.errors()
        )
        raise ScenarioFileError(f"{path}: {where}") from exc


def with_policy_values(form: FormDefinition, values: Mapping[str, Any]) -> FormDefinition:
    """The form with some policy parameters set to other values (a scenario's ``policy``);
    ScenarioFileError naming an unknown parameter."""
    if not values:
        return form
    policy = form.policy
    known = policy.parameters if policy is not None else {}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ScenarioFileError(f"policy: unknown parameter(s) {', '.join(unknown)}")
    changed = {n: known[n].model_copy(update={"value": v}) for n, v in values.items()}
    new_policy = policy.model_copy(update={"parameters": {**known, **changed}})
    return form.model_copy().with_policy(new_policy, form.policy_names)


def run_test_file(catalogue: Catalogue, path: Path) -> list[CaseResult]:
    """Run every case of a test file; ScenarioFileError when the file cannot be run."""
    spec = load_test_file(path)
    try:
        catalogue.get(spec.form, spec.version)
    except UnknownForm as exc:
        raise ScenarioFileError(f"{path}: {exc}") from exc
    return [_run_case(catalogue, spec, case, path) for case in spec.cases]


class _Run:
    """One case being played: the fill, and what its steps refused."""

    def __init__(self, catalogue: Catalogue, spec: TestFile, case: Case) -> None:
        self.catalogue = catalogue
        self.spec = spec
        self.form = with_policy_values(
            catalogue.get(spec.form, spec.version), {**spec.policy, **case.policy}
        )
        self.today = case.today or spec.today or dt.date.today()
        self.prefill = ChainedPrefill([IdNumberPrefill(), _Registry(spec.registry)])
        self.fill = FormFill(
            self.form,
            catalogue.lists,
            today=self.today,
            prefill=self.prefill,
            resident_id=case.resident or spec.resident,
        )
        self.refused: list[str] = []
        self.messages: list[str] = []

    def set(self, path: str, value: Any) -> None:
        problems = self.fill.set_answer(path, plain(value))
        for p in problems:
            if p.is_error:
                self.refused.append(p.path)
                self.messages.append(f"{p.path}: refused: {p.problem.message_en}")

    def apply(self, step: Mapping[str, Any]) -> None:
        if len(step) != 1:
            raise ScenarioFileError(f"a step has one of {STEPS}: {step}")
        ((kind, arg),) = step.items()
        if kind == "set":
            if not isinstance(arg, dict):
                raise ScenarioFileError(f"set needs a mapping of path: value, got {arg!r}")
            for path, value in arg.items():
                self.set(str(path), value)
        elif kind == "clear":
            for path in arg if isinstance(arg, list) else [arg]:
                self.set(str(path), None)
        elif kind == "add":
            self.add(arg)
        elif kind == "remove":
            try:
                name, outer, index = parse_item(str(arg))
            except BadPath as exc:
                raise ScenarioFileError(f"remove: {exc}") from exc
            repeat_path = _repeat_path(name, outer)
            if index >= len(self.fill.items(repeat_path)):
                self.refused.append(str(arg))
                self.messages.append(f"{arg}: refused: remove: there is no such item")
            else:
                self.fill.remove_item(repeat_path, index)
        elif kind == "migrate":
            self.migrate(int(arg))
        elif kind == "answers":  # a whole answers document, as `kiosk fill` reads it
            if not isinstance(arg, dict):
                raise ScenarioFileError(f"answers needs a mapping of question: answer, got {arg!r}")
            for p in self.fill.apply_answers(plain(arg)):
                if p.is_error:
                    self.refused.append(p.path)
                    self.messages.append(f"{p.path}: refused: {p.problem.message_en}")
        elif kind == "move":
            self.move(arg)
        else:
            raise ScenarioFileError(f"unknown step '{kind}' ({STEPS})")

    def move(self, arg: Any) -> None:
        if not isinstance(arg, dict) or set(arg) != {"from", "to"}:
            raise ScenarioFileError(f'move needs {{from: "heirs[2]", to: 0}}, got {arg!r}')
        try:
            name, outer, index = parse_item(str(arg["from"]))
            self.fill.move_item(_repeat_path(name, outer), index, int(arg["to"]))
        except BadPath as exc:
            raise ScenarioFileError(f"move: {exc}") from exc

    def add(self, arg: Any) -> None:
        targets = {str(arg): {}} if isinstance(arg, str) else arg
        if not isinstance(targets, dict):
            raise ScenarioFileError(f"add needs a repeat path or {{repeat: {{values}}}}: {arg!r}")
        for repeat, values in targets.items():
            try:
                index = self.fill.add_item(str(repeat))
            except BadPath as exc:
                self.refused.append(str(repeat))
                self.messages.append(f"add: {exc}")
                continue
            for name, value in (values or {}).items():
                self.set(f"{repeat}[{index}].{name}", value)

    def migrate(self, version: int) -> None:
        fill = self.fill
        target = self.catalogue.get(self.spec.form, version)
        moved = migrate_draft(
            lambda n: _version(self.catalogue, self.spec.form, n),
            target,
            fill.form.version,
            fill.answers,
            fill.prefilled,
        )
        if moved is None:
            raise ScenarioFileError(
                f"no migration leads from version {fill.form.version} to {version}"
            )
        answers, marks = moved
        self.form = target
        self.fill = FormFill(
            target,
            self.catalogue.lists,
            today=self.today,
            answers=answers,
            prefilled=marks,
            prefill=self.prefill,
        )
        self.fill.normalize_answers()  # as the kiosk does when it opens a migrated draft


def _version(catalogue: Catalogue, form_id: str, n: int) -> Any:
    try:
        return catalogue.get(form_id, n)
    except UnknownForm:
        return None


def _repeat_path(name: str, outer: tuple[tuple[str, int], ...]) -> str:
    return "".join(f"{r}[{i}]." for r, i in outer) + name


def _problem_diffs(expected: list[str], actual: list[str], what: str = "problems") -> list[str]:
    """Problems match by path, or by question name for every item of a repeat."""

    def hits(entry: str, path: str) -> bool:
        return entry == path or ("[" not in entry and parse_path(path)[0] == entry)

    missing = [e for e in expected if not any(hits(e, a) for a in actual)]
    extra = [a for a in actual if not any(hits(e, a) for e in expected)]
    if not missing and not extra:
        return []
    return [f"{what}: expected {sorted(expected)}, got {actual}"]


def _run_case(catalogue: Catalogue, spec: TestFile, case: Case, path: Path) -> CaseResult:
    try:
        return _play(catalogue, spec, case)
    except ScenarioFileError as exc:
        raise ScenarioFileError(f"{path}: case '{case.name}': {exc}") from exc
    except Exception as exc:  # an engine failure is this case's failure, not the run's end
        log.debug("form test %s: case %r crashed", path, case.name, exc_info=True)
        return CaseResult(case.name, [f"the engine failed: {type(exc).__name__}: {exc}"])


def _play(catalogue: Catalogue, spec: TestFile, case: Case) -> CaseResult:
    result = CaseResult(case.name)
    run = _Run(catalogue, spec, case)
    for step in case.steps:
        run.apply(step)
    fill, expect = run.fill, case.expect
    if expect.refused is None:
        result.diffs += [f"step {m}" for m in run.messages]
    else:
        result.diffs += _problem_diffs(expect.refused, run.refused, "refused")
    if expect.final is not None:
        result.diffs += compare(expect.final, fill.final_answers(), "final")
    if expect.pages is not None:
        result.diffs += compare_list(expect.pages, [p.path for p in fill.pages()], "pages")
    if expect.materials is not None:
        result.diffs += compare_list(
            expect.materials, [m.id for m in fill.materials()], "materials"
        )
    if expect.problems is not None:
        actual = list(dict.fromkeys(p.path for p in fill.check_all() if p.is_error))
        result.diffs += _problem_diffs(expect.problems, actual)
    if expect.review is not None:
        result.diffs += compare_list(expect.review, fill.stale_answers(), "review")
    if expect.forms is not None:
        result.diffs += compare_list(expect.forms, _bundle_forms(catalogue, spec, fill), "forms")
    return result


def _bundle_forms(catalogue: Catalogue, spec: TestFile, fill: FormFill) -> list[str]:
    from kiosk.forms.bundle import BUNDLE_FORM_PREFIX
    from kiosk.forms.bundle_compose import applicable

    if not spec.form.startswith(BUNDLE_FORM_PREFIX):
        raise ScenarioFileError("`forms` is expected of a bundle (form: bundle.<id>) only")
    bundle = catalogue.bundle(spec.form.removeprefix(BUNDLE_FORM_PREFIX), spec.version)
    return [bf.form for bf in applicable(bundle, fill)]
