"""A fresh tester's findings on issue 14, through the CLI as a subprocess: login ids never
stored in clear, masked registry and cases, print audited by who, duplicate claims
refused, consent on every case, weak PINs and account kinds."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from pathlib import Path

from helpers import APPLICANT_ID, DECEASED_ID, FORM_ID, example_file
from test_cli import kiosk

STAFF_PIN = "582046"


def _staff(home: Path) -> None:
    added = kiosk(home, "staff", "add", "9001", "--name", "刘主任", "--role", "admin",
                  "--pin-stdin", stdin=f"{STAFF_PIN}\n")  # fmt: skip
    assert added.returncode == 0, added.stderr


def _db_text(home: Path) -> str:
    found = list(home.rglob("*.sqlite3")) + list(home.rglob("*.db"))
    out = []
    for path in found:
        con = sqlite3.connect(path)
        for table in ("audit_log", "login_throttle"):
            with contextlib.suppress(sqlite3.OperationalError):
                out += [repr(r) for r in con.execute(f"select * from {table}")]
        con.close()
    return "\n".join(out)


def test_login_ids_never_stored_in_clear(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _staff(home)
    filled = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()))
    number = filled.stdout.split()[1]
    # A resident's name: refused at entry, before any PIN, without repeating it.
    named = kiosk(home, "cases", "show", number, "--reveal", "--staff", "张德明", "--pin-stdin",
                  stdin="582046\n")  # fmt: skip
    assert named.returncode == 2 and "ASCII letters" in named.stderr
    assert "张德明" not in named.stderr
    # An ID number has the form of an id but is no account: counted only under its hash.
    typed = kiosk(home, "cases", "show", number, "--reveal", "--staff", DECEASED_ID[:16],
                  "--pin-stdin", stdin="582046\n")  # fmt: skip
    assert typed.returncode == 1
    # Full-width letters become ASCII (NFKC): ９００１ is 9001.
    wide = kiosk(home, "cases", "show", number, "--reveal", "--staff", "９００１", "--pin-stdin",
                 stdin=f"{STAFF_PIN}\n")  # fmt: skip
    assert wide.returncode == 0, wide.stderr
    exported = kiosk(home, "audit", "export", "--since", "2000-01-01", "--format", "jsonl")
    actors = [json.loads(line)["actor"] for line in exported.stdout.splitlines()]
    assert any(a.startswith("login:unknown#") and len(a) == len("login:unknown#") + 8
               for a in actors)  # fmt: skip
    for private in ("张德明", DECEASED_ID[:16], DECEASED_ID[:10]):
        assert private not in exported.stdout
        assert private not in _db_text(home)


def test_registry_show_masked_unless_revealed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert kiosk(home, "registry", "demo").returncode == 0
    shown = kiosk(home, "registry", "show", DECEASED_ID)
    assert shown.returncode == 0, shown.stderr
    assert "张*明" in shown.stdout and "5002**********0133" in shown.stdout
    assert "张德明" not in shown.stdout and DECEASED_ID not in shown.stdout
    assert "组" not in shown.stdout and "1941" not in shown.stdout
    assert "50011119" not in shown.stdout  # no household member's number either
    as_json = kiosk(home, "registry", "show", DECEASED_ID, "--json").stdout
    assert DECEASED_ID not in as_json and "张德明" not in as_json
    refused = kiosk(home, "registry", "show", DECEASED_ID, "--reveal")
    assert refused.returncode == 2 and "--staff" in refused.stderr
    _staff(home)
    revealed = kiosk(home, "registry", "show", DECEASED_ID, "--reveal", "--staff", "9001",
                     "--pin-stdin", stdin=f"{STAFF_PIN}\n")  # fmt: skip
    assert revealed.returncode == 0 and DECEASED_ID in revealed.stdout
    exported = kiosk(home, "audit", "export", "--since", "2000-01-01").stdout
    assert "admin:9001,registry_revealed" in exported and DECEASED_ID not in exported


def test_print_out_is_audited_by_who(tmp_path: Path) -> None:
    home = tmp_path / "home"
    number = kiosk(home, "fill", FORM_ID, "--answers", str(example_file())).stdout.split()[1]
    out = tmp_path / "x.pdf"
    assert kiosk(home, "print", number, "--out", str(out)).returncode == 0
    _staff(home)
    by_staff = kiosk(home, "print", number, "--out", str(out), "--staff", "9001", "--pin-stdin",
                     stdin=f"{STAFF_PIN}\n")  # fmt: skip
    assert by_staff.returncode == 0, by_staff.stderr
    wrong = kiosk(home, "print", number, "--out", str(out), "--staff", "9001", "--pin-stdin",
                  stdin="975310\n")  # fmt: skip
    assert wrong.returncode == 1
    shown = kiosk(home, "cases", "show", number).stdout
    exports = [line for line in shown.splitlines() if "exported" in line]
    assert len(exports) == 2
    assert "cli:" in exports[0] and "admin:9001" in exports[1]
    assert not any(line.split()[2] == "staff" for line in exports)


def test_masked_case_cannot_rebuild_the_id(tmp_path: Path) -> None:
    home = tmp_path / "home"
    number = kiosk(home, "fill", FORM_ID, "--answers", str(example_file())).stdout.split()[1]
    shown = kiosk(home, "cases", "show", number).stdout
    assert "5002**********0133" in shown
    assert "1941年3月8日" not in shown and "0308" not in shown and "4组" not in shown
    data = json.loads(kiosk(home, "cases", "show", number, "--json").stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert "1941-03-08" not in text and "v03-4" not in text and "张德明" not in text
    assert "1941-03-08" not in kiosk(home, "cases", "list", "--json").stdout


def test_duplicate_claims_refused_on_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    case_id = str(uuid.uuid4())
    first = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()), "--case-id", case_id)
    assert first.returncode == 0, first.stderr
    number = first.stdout.split()[1]
    # The retry of the same case is answered first: already exists, exit 0.
    retry = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()), "--case-id", case_id)
    assert retry.returncode == 0 and "already exists" in retry.stdout
    second = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()))
    assert second.returncode == 2 and number in second.stderr and "finalized" in second.stderr
    assert "--duplicate-reason" in second.stderr
    assert kiosk(home, "cases", "list", "--json").stdout.count('"number"') == 1
    reason = "另一位家属也要申请 电话13896012345"
    ok = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()),
               "--duplicate-reason", reason)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    exported = kiosk(home, "audit", "export", "--since", "2000-01-01").stdout
    line = next(x for x in exported.splitlines() if "duplicate_override" in x)
    assert number in line and "另一位家属也要申请" in line and "13896012345" not in line


def test_bundle_fill_duplicate_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    answers = tmp_path / "bundle.json"
    answers.write_text(kiosk(home, "bundle", "example", "death_in_family").stdout)
    first = kiosk(home, "bundle", "fill", "death_in_family", "--answers", str(answers))
    assert first.returncode == 0, first.stderr
    again = kiosk(home, "bundle", "fill", "death_in_family", "--answers", str(answers))
    assert again.returncode == 2 and "duplicate claim" in again.stderr
    assert first.stdout.split()[1] in again.stderr
    ok = kiosk(home, "bundle", "fill", "death_in_family", "--answers", str(answers),
               "--duplicate-reason", "工作人员要求重新填写")  # fmt: skip
    assert ok.returncode == 0, ok.stderr


def test_cli_cases_carry_consent(tmp_path: Path) -> None:
    home = tmp_path / "home"
    number = kiosk(home, "fill", FORM_ID, "--answers", str(example_file())).stdout.split()[1]
    shown = kiosk(home, "cases", "show", number).stdout
    assert "告知同意" in shown and "在纸质申请表上" in shown and "申请人同意" in shown
    bad = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()), "--consent", "none")
    assert bad.returncode == 2


def test_weak_pins_and_account_kinds(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for weak in ("111111", "123456", "654321", "890123", "520520"):
        added = kiosk(home, "staff", "add", "A1", "--name", "x", "--role", "admin",
                      "--pin-stdin", stdin=f"{weak}\n")  # fmt: skip
        assert added.returncode == 2 and "too easy to guess" in added.stderr, weak
    _staff(home)
    turned = kiosk(home, "volunteers", "add", "9001", "--name", "v", "--pin-stdin",
                   stdin="735921\n")  # fmt: skip
    assert turned.returncode == 2 and "--replace" in turned.stderr
    assert "admin" in kiosk(home, "staff", "list").stdout
    replaced = kiosk(home, "volunteers", "add", "9001", "--name", "v", "--replace",
                     "--pin-stdin", stdin="735921\n")  # fmt: skip
    assert replaced.returncode == 0
    assert "9001" not in kiosk(home, "staff", "list").stdout
    assert APPLICANT_ID  # the helpers' ids stay the test data
