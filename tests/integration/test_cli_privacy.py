"""The CLI's accounts, masked cases with an audited --reveal, and the audit export, as a
subprocess (the PIN comes on stdin with --pin-stdin; no default PIN exists)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from helpers import APPLICANT_ID, DECEASED_ID, FORM_ID, example_file
from test_cli import kiosk


def test_staff_accounts_reveal_and_audit_export(tmp_path: Path) -> None:
    home = tmp_path / "home"
    filled = kiosk(home, "fill", FORM_ID, "--answers", str(example_file()))
    assert filled.returncode == 0, filled.stderr
    number = filled.stdout.split()[1]

    listed = kiosk(home, "cases", "list")
    assert "张*英 / 张*明" in listed.stdout and "张秀英" not in listed.stdout
    shown = kiosk(home, "cases", "show", number)
    assert "5002**********0133" in shown.stdout and DECEASED_ID not in shown.stdout
    assert "6217***********6780" in shown.stdout and "138****2345" in shown.stdout

    # --reveal needs a staff account; there is none yet (no default PIN).
    refused = kiosk(home, "cases", "show", number, "--reveal", "--staff", "9001", "--pin-stdin",
                    stdin="123456\n")  # fmt: skip
    assert refused.returncode == 1 and "wrong staff id or PIN" in refused.stderr
    short = kiosk(home, "staff", "add", "9001", "--name", "刘主任", "--pin-stdin", stdin="1234\n")
    assert short.returncode == 2 and "6 to 12 digits" in short.stderr
    added = kiosk(home, "staff", "add", "9001", "--name", "刘主任", "--role", "admin",
                  "--pin-stdin", stdin="582046\n")  # fmt: skip
    assert added.returncode == 0 and "admin 9001 刘主任" in added.stdout
    volunteer = kiosk(home, "volunteers", "add", "1001", "--name", "王志愿", "--pin-stdin",
                      stdin="246810\n")  # fmt: skip
    assert volunteer.returncode == 0
    accounts = kiosk(home, "staff", "list").stdout
    assert "9001" in accounts and "1001" not in accounts  # volunteers are listed apart

    revealed = kiosk(home, "cases", "show", number, "--reveal", "--staff", "9001", "--pin-stdin",
                     stdin="582046\n")  # fmt: skip
    assert revealed.returncode == 0 and DECEASED_ID in revealed.stdout
    as_json = kiosk(home, "cases", "show", number, "--json").stdout
    assert json.loads(as_json)["answers"]["applicant_id"] == "5001**********024X"

    exported = kiosk(home, "audit", "export", "--since", "2000-01-01")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    actions = [(r["actor"], r["action"]) for r in rows]
    assert ("admin:9001", "revealed") in actions
    # The first try named an id that was no account then: counted only under its hash.
    assert any(a.startswith("login:unknown#") and b == "login_failed" for a, b in actions)
    assert any(a == "account_added" for _, a in actions)
    for private in (APPLICANT_ID, DECEASED_ID, "张秀英", "张德明", "刘主任", "王志愿"):
        assert private not in exported.stdout
    jsonl = kiosk(home, "audit", "export", "--since", "2000-01-01", "--format", "jsonl")
    assert all(json.loads(line)["at_utc"].endswith("Z") for line in jsonl.stdout.splitlines())
    bad = kiosk(home, "audit", "export", "--since", "yesterday")
    assert bad.returncode == 2 and "--since: not a date" in bad.stderr
