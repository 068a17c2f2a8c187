"""The installed releases' manifests and files, read without loading any definition.

``<data root>/forms/releases/<release>/`` holds each release the town server published
and this kiosk installed (kiosk.services.published): its accepted files and ``release.json``
(release number, effective time, key, signatures). kiosk.forms.releases makes catalogues
of them; this module only lists them and digests their files, so that the CLI's quick
paths (kiosk print, status, forms list) can tell which releases are in force and whether a
stored print plan was made with the same definitions, without pydantic or Lark (issue 19).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

RELEASES_DIR = "forms/releases"  # under the data root
MANIFEST = "release.json"


def installed(data_root: Path) -> list[tuple[dict[str, Any], Path]]:
    """Every installed release: (manifest, folder), oldest first. A folder without a
    readable manifest is an unfinished install and is never used."""
    root = data_root / RELEASES_DIR
    found = []
    for folder in sorted(root.glob("[0-9]" * 6)) if root.is_dir() else []:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            datetime.fromisoformat(manifest["effective"])
            int(manifest["release"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append((manifest, folder))
    return found


def in_force(data_root: Path, now: datetime) -> list[str]:
    """The names of the release folders whose effective time has come at ``now`` (an
    aware datetime), oldest first, before any signature check (kiosk.forms.releases
    checks them and may refuse a file or a whole release)."""
    return [
        folder.name
        for manifest, folder in installed(data_root)
        if datetime.fromisoformat(manifest["effective"]) <= now
    ]


def files_key(data_root: Path, used: list[str]) -> str:
    """A digest of the definitions a catalogue of the releases ``used`` was made from:
    the names in ``used`` (release folders, and "-<release>/<file>" for a file refused in
    one, as kiosk.services.published records them) and every file of those folders with
    its size and modification time (~1 ms). "" when ``used`` is empty: the shipped
    definitions, which kiosk.printing.print_plan.code_key covers."""
    if not used:
        return ""
    digest = hashlib.sha256("|".join(used).encode("utf-8"))
    root = data_root / RELEASES_DIR
    for name in used:
        if name.startswith("-"):
            continue
        folder = root / name
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = path.stat()
            relative = path.relative_to(root).as_posix()
            digest.update(f"|{relative}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def folders_of_release(data_root: Path, release: int | None, now: datetime) -> list[str] | None:
    """The release folders the catalogue of a case made under ``release`` comes from, as
    kiosk.services.release_catalogue.catalogue_of_release makes it (before signature
    checks, which may refuse more): the releases in force at ``now`` when ``release`` is
    the newest of them (or None: a case from before releases were recorded), else every
    installed release up to ``release`` (0: none, the shipped definitions). None when
    ``release`` is not installed here (its folder was removed): its definitions are gone."""
    current = in_force(data_root, now)
    newest = int(current[-1]) if current else 0
    if release is None or release == newest:
        return current
    found = installed(data_root)
    if release and not any(int(manifest["release"]) == release for manifest, _ in found):
        return None
    return [folder.name for manifest, folder in found if int(manifest["release"]) <= release]
