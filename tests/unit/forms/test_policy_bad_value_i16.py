"""Issue 16, tester's finding 10: one bad policy value is reported once — the parameter
counts as missing, not every parameter of the file (no ~1,200 "unknown policy parameter"
lines) — and the other parameters still load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kiosk.forms.catalogue import DEFINITIONS_DIR, load_catalogue


@pytest.mark.parametrize("value", ["sixty", "60.5"])
def test_one_bad_value_is_one_issue(tmp_path: Path, value: str) -> None:
    folder = tmp_path / "defs"
    shutil.copytree(DEFINITIONS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    policy = folder / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    start = text.index("  pension_min_age:")
    head, tail = text[:start], text[start:]
    policy.write_text(head + re.sub(r"value: [^\n]*", f"value: {value}", tail, count=1), "utf-8")
    catalogue, issues = load_catalogue([folder])
    assert Path(issues[0].file).name == "policy.yaml"
    assert "pension_min_age" in issues[0].message
    # The forms whose rule text names the parameter say so; nothing names the others.
    assert len(issues) <= 3, issues
    assert not [i for i in issues if "unknown policy parameter '" in i.message]
    assert "funeral_grant_yuan" in catalogue.policy.parameters  # the others still load
