"""A copy of the shipped form definitions made into a release to publish in tests.

Imported as ``release_folder`` (tests/ is on sys.path through tests/conftest.py). The
publishing and sync tests each need "the shipped definitions, but as policy version N with
the 高龄津贴 age changed": one writer of that folder, so a change to policy.yaml's layout
breaks one helper and not five copies of it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kiosk.forms.catalogue import DEFINITIONS_DIR

# The shipped 高龄津贴 age (policy.yaml, elderly_allowance_min_age); tests change it to
# see which release judged a case.
SHIPPED_MIN_AGE = 80


def release_folder(
    tmp_path: Path, name: str, *, policy_version: int, min_age: int = SHIPPED_MIN_AGE
) -> Path:
    """Copy kiosk/forms/definitions (without examples) to ``tmp_path / name``.

    In the copy's policy.yaml: ``version`` becomes ``policy_version``, ``effective`` becomes
    2026-01-01 (before any effective time the tests give), and elderly_allowance_min_age's
    value becomes ``min_age`` (years). Returns the folder. Raises AssertionError when
    policy.yaml lacks one of those lines (whatever the shipped values are now, the lines are
    rewritten, never assumed).
    """
    folder = tmp_path / name
    shutil.copytree(DEFINITIONS_DIR, folder, ignore=shutil.ignore_patterns("examples"))
    policy = folder / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^version: \d+", f"version: {policy_version}", text, count=1)
    assert found == 1, "policy.yaml has no version line"
    text, found = re.subn(r"(?m)^effective: .*$", "effective: 2026-01-01", text, count=1)
    assert found == 1, "policy.yaml has no effective line"
    text, found = re.subn(
        rf"(elderly_allowance_min_age:\n(?:    .*\n)*?    value: ){SHIPPED_MIN_AGE}\b",
        rf"\g<1>{min_age}",
        text,
    )
    assert found == 1, "policy.yaml has no elderly_allowance_min_age value"
    policy.write_text(text, encoding="utf-8")
    return folder
