"""The ``kiosk`` command: as a real subprocess with KIOSK_HOME, and in-process through main()."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import APPLICANT_ID, DECEASED_ID, FORM_ID, example, example_file, make_store

from kiosk.cli import main

KIOSK_SCRIPT = Path(sys.executable).parent / "kiosk"
KIOSK = (
    [str(KIOSK_SCRIPT)]
    if KIOSK_SCRIPT.exists()
    else [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]
)


def kiosk(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_HOME": str(home)}
    return subprocess.run(
        [*KIOSK, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_answers(tmp_path: Path, answers: Any, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    return path


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The cases of KIOSK_HOME's store; [] when there is none (nothing was ever saved:
    ``cases list`` then says so and makes none, break19c #4)."""
    code, out, err = run(capsys, "cases", "list", "--json")
    if code == 1 and "no kiosk store at " in err:
        return []
    assert code == 0
    cases: list[dict[str, Any]] = json.loads(out)
    return cases


# ----- as a real process ------------------------------------------------------------------


def test_fill_from_the_forms_example_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    example_run = kiosk(home, "forms", "example", FORM_ID)
    assert example_run.returncode == 0, example_run.stderr
    answers = tmp_path / "answers.json"
    answers.write_text(example_run.stdout, encoding="utf-8")

    filled = kiosk(home, "fill", FORM_ID, "--answers", str(answers), "--volunteer", "V001")
    assert filled.returncode == 0, filled.stderr
    word, number, case_id, state = filled.stdout.split()
    assert (word, state) == ("case", "finalized")
    assert uuid.UUID(case_id).version == 4
    # Not enrolled: the device part is the tag of its device UUID (kiosk.domain.case_numbers).
    assert re.fullmatch(r"\d{6}-[A-Z2-9]{8}-001", number), number
    assert (home / "kiosk.sqlite3").exists()

    shown = kiosk(home, "cases", "show", number, "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["summary"]["id"] == case_id
    assert detail["summary"]["volunteer_id"] == "V001"
    # Masked without a staff account's --reveal (DESIGN.md "Who may see what").
    assert detail["answers"]["deceased_id"] == "5002**********0133"
    assert DECEASED_ID not in shown.stdout and "张德明" not in shown.stdout
    # Every case carries its consent: from the CLI, obtained on the paper form (issue 14).
    assert [a["action"] for a in detail["audit"]] == ["created", "consent", "finalized"]
    assert "在纸质申请表上" in detail["consent"]


def test_bad_answers_exit_2_listing_every_error_and_save_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    answers = example() | {
        "deceased_id": DECEASED_ID[:-1] + "4",  # broken checksum
        "death_date": "2026-02-30",
    }
    del answers["applicant_name"]
    path = write_answers(tmp_path, answers)
    result = kiosk(home, "fill", FORM_ID, "--answers", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    err = result.stderr
    assert f"{path}: " in err and "nothing saved" in err
    for field in ("deceased_id", "death_date", "applicant_name"):
        assert f"  {field}: " in err, err
    # Error output is for logs: no personal data in it.
    assert DECEASED_ID[:-1] not in err and "张德明" not in err and APPLICANT_ID not in err
    listed_run = kiosk(home, "cases", "list", "--json")
    assert listed_run.returncode == 0
    assert json.loads(listed_run.stdout) == []


def test_answers_from_stdin(tmp_path: Path) -> None:
    home = tmp_path / "home"
    text = example_file().read_text(encoding="utf-8")
    result = kiosk(home, "fill", FORM_ID, "--answers", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("case ")


# ----- in-process -------------------------------------------------------------------------


def test_forms_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "list")
    assert code == 0
    assert FORM_ID in out and "社保所" in out
    code, out, _ = run(capsys, "forms", "list", "--json")
    forms = json.loads(out)
    assert {"id": FORM_ID, "version": 3, "department": "社保所"}.items() <= next(
        f for f in forms if f["id"] == FORM_ID
    ).items()


def test_forms_show_json_gives_the_definition_with_question_types(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "forms", "show", FORM_ID, "--json")
    assert code == 0
    definition = json.loads(out)
    assert definition["id"] == FORM_ID
    assert definition["department"] == "社保所"
    types: dict[str, str] = {}

    def collect(questions: list[dict[str, Any]]) -> None:
        for q in questions:
            types[q["name"]] = q["type"]
            collect(q.get("children", []))

    collect(definition["questions"])
    assert types["deceased_id"] == "id_number"
    assert types["heirs"] == "repeat"
    assert types["heir_agrees"] == "yes_no"
    assert types["death_age"] == "calculate"
    # v3 (issue 16): only the 社保 offices; the other desks belong to the other forms of
    # 家人去世 (民政, 派出所), the village certificate is a 告知承诺.
    assert [s["desk"] for s in definition["routing"]] == ["社保所", "区社保局"]


def test_forms_show_text_and_unknown_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "show", FORM_ID)
    assert code == 0
    assert "deceased_id (id_number) *" in out
    assert "account_holder (text) *" in out
    assert "[if ${account_is_applicants} = false()]" in out
    code, out, err = run(capsys, "forms", "show", "no_such_form")
    assert code == 1
    assert "no such form: no_such_form" in err


def test_forms_example_prints_the_example_answers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "example", FORM_ID)
    assert code == 0
    assert json.loads(out) == example()


def test_fill_then_cases_list_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_answers(tmp_path, example())
    code, out, _ = run(capsys, "fill", FORM_ID, "--answers", str(path), "--volunteer", "V007")
    assert code == 0
    _, number, case_id, _ = out.split()

    code, out, _ = run(capsys, "cases", "list")
    assert code == 0
    assert number in out and "finalized" in out and "V007" in out
    assert "张德明" not in out  # lists hold no personal data

    [case] = listed(capsys)
    assert (case["id"], case["number"], case["state"]) == (case_id, number, "finalized")

    code, out, _ = run(capsys, "cases", "show", number)
    assert code == 0
    assert number in out and case_id in out
    assert "第1位继承人 这位继承人叫什么名字？  李*兰" in out  # masked
    assert "(据身份证号码)" in out
    assert "volunteer:V007" in out and "finalized" in out

    code, out, _ = run(capsys, "cases", "show", case_id, "--json")  # by UUID too
    assert code == 0
    assert json.loads(out)["summary"]["number"] == number


def test_cases_show_of_an_unknown_case_exits_1(
    capsys: pytest.CaptureFixture[str], kiosk_home: Path
) -> None:
    make_store(kiosk_home)
    code, _, err = run(capsys, "cases", "show", "261120-01-999")
    assert code == 1
    assert "no case 261120-01-999" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "answers must be a JSON object"),
        (b"\xff\xfe\x00", "cannot read"),
    ],
    ids=["missing", "not JSON", "not an object", "not UTF-8"],
)
def test_a_bad_answers_file_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "answers.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    code, _, err = run(capsys, "fill", FORM_ID, "--answers", str(path))
    assert code == 2
    assert err.startswith(f"error: {path}: ")
    assert message in err
    assert listed(capsys) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deceased_id": "500225194103080134"}, "deceased_id"),
        ({"death_date": "2026-02-30"}, "death_date"),
        ({"death_date": (date.today() + timedelta(days=2)).isoformat()}, "death_date"),
        ({"applicant_phone": None}, "applicant_phone"),
        ({"heirs": "all of them"}, "heirs"),
    ],
    ids=["broken checksum", "impossible date", "future death", "missing required", "bad repeat"],
)
def test_fill_with_bad_input_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any], field: str
) -> None:
    path = write_answers(tmp_path, example() | change)
    code, out, err = run(capsys, "fill", FORM_ID, "--answers", str(path))
    assert code == 2
    assert out == ""
    assert f"\n  {field}: " in err
    assert listed(capsys) == []


def test_fill_of_an_unknown_form_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_answers(tmp_path, example())
    code, _, err = run(capsys, "fill", "no_such_form", "--answers", str(path))
    assert code == 2
    assert "no such form" in err


def test_the_data_dir_flag_wins_over_kiosk_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kiosk_home: Path
) -> None:
    other = tmp_path / "elsewhere"
    path = write_answers(tmp_path, example())
    assert run(capsys, "--data-dir", str(other), "fill", FORM_ID, "--answers", str(path))[0] == 0
    assert (other / "kiosk.sqlite3").exists()
    assert not (kiosk_home / "kiosk.sqlite3").exists()
    assert listed(capsys) == []  # KIOSK_HOME's store is empty


def test_a_store_with_another_key_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kiosk_home: Path
) -> None:
    path = write_answers(tmp_path, example())
    assert run(capsys, "fill", FORM_ID, "--answers", str(path))[0] == 0
    (kiosk_home / "keys" / "device.key").write_bytes(os.urandom(32))
    code, out, err = run(capsys, "cases", "list")
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and "device key does not open this database" in err
