"""What the town server checks before it signs a release (issue 16), beyond
``kiosk forms check``:

- **a published id + version is immutable.** Kiosks keep every release so that a
  draft started under ``welfare_stop`` v1 finishes under that very definition, and the
  server judges a synced case by the definition it was made with. A folder that changes
  a form or bundle already published (or shipped) under the same id and version, or the
  policy under the same ``version``, is refused: a change needs a new version. Compared
  as parsed YAML, so comments and layout may change.
- **the policy's ``effective`` day** is the earliest a release carrying it may apply:
  0:00 of that day in the server's time zone.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import BUNDLES_DIR, LISTS_FILE
from kiosk.forms.loader import FormFileError, read_yaml
from kiosk.forms.policy import POLICY_FILE


def _parsed(path: Path) -> Any:
    try:
        return read_yaml(path)
    except FormFileError:
        return None


def _what(rel: str, data: Any) -> str:
    if rel == POLICY_FILE:
        return f"policy version {data.get('version') if isinstance(data, dict) else '?'}"
    kind = "bundle" if rel.startswith(f"{BUNDLES_DIR}/") else "form"
    name = Path(rel).name.removesuffix(".yaml")
    form_id, _, version = name.rpartition(".v")
    return f"{kind} {form_id} version {version}"


def _policy_version(path: Path) -> Any:
    data = _parsed(path)
    return data.get("version") if isinstance(data, dict) else None


def changed_in_place(files: list[Path], folder: Path, earlier: list[Path]) -> list[str]:
    """Problems (one line each, naming the file and the form) for ``files`` of ``folder``
    that change what one of the ``earlier`` folders (shipped, then releases) already
    holds under the same id and version. ``lists.yaml`` is not versioned and may change."""
    problems: list[str] = []
    for path in files:
        rel = path.relative_to(folder).as_posix()
        if rel == LISTS_FILE:
            continue
        new = _parsed(path)
        for old_folder in earlier:
            if rel == POLICY_FILE:
                old_path = old_folder / POLICY_FILE
                same_version = old_path.is_file() and _policy_version(old_path) == _policy_version(
                    path
                )
                if not same_version:
                    continue
            else:
                old_path = old_folder / rel
                if not old_path.is_file():
                    continue
            if _parsed(old_path) != new:
                where = (
                    "shipped"
                    if old_folder.name == "definitions"
                    else f"release {old_folder.name.lstrip('0') or '0'}"
                )
                problems.append(
                    f"{path}: -: {_what(rel, new)} was already published ({where}) with other "
                    "content; a published version never changes: give the change a new version"
                )
                break
    return problems


def earliest_effective(folder: Path) -> datetime | None:
    """0:00 (server time zone) of the policy's ``effective`` day, or None without one."""
    data = _parsed(folder / POLICY_FILE)
    day = data.get("effective") if isinstance(data, dict) else None
    if day is None or not hasattr(day, "year"):
        return None
    start = datetime.combine(day, time(0, 0))
    return start.astimezone()
