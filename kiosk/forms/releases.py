"""The published releases kept on this kiosk's disk, read without the store (issue 16).

``<data root>/forms/releases/<release>/`` holds each installed release's accepted files
and its ``release.json`` manifest (release number, effective time, key, digest, what was
accepted and refused); kiosk.services.published installs them. This module only reads:
which releases are in force at a time, which wait, and the catalogue they make — for
the kiosk and for ``kiosk forms list/show/policy`` (which must show what the kiosk
uses, without opening the store).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import DEFINITIONS_DIR, Catalogue, load_catalogue

log = logging.getLogger(__name__)
RELEASES_DIR = "forms/releases"
MANIFEST = "release.json"


def releases_root(data_root: Path) -> Path:
    return data_root / RELEASES_DIR


def manifests(data_root: Path) -> list[tuple[dict[str, Any], Path]]:
    """Every installed release: (manifest, folder), oldest first."""
    root = releases_root(data_root)
    found = []
    for folder in sorted(root.glob("[0-9]" * 6)) if root.is_dir() else []:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            datetime.fromisoformat(manifest["effective"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an unfinished install (no manifest): never used
        found.append((manifest, folder))
    return found


def effective_releases(data_root: Path, now: datetime) -> list[Path]:
    """Release folders in force at ``now``, oldest first."""
    return [
        folder
        for manifest, folder in manifests(data_root)
        if datetime.fromisoformat(manifest["effective"]) <= now
    ]


def pending_releases(data_root: Path, now: datetime) -> list[dict[str, Any]]:
    """The manifests of the releases not in force yet, oldest first."""
    return [m for m, _ in manifests(data_root) if datetime.fromisoformat(m["effective"]) > now]


def published_catalogue(
    data_root: Path, now: datetime, current: Catalogue | None = None
) -> Catalogue | None:
    """The shipped forms overlaid with the releases in force; None when none is. The
    village list pulled from the server (in ``current``) is kept."""
    folders = effective_releases(data_root, now)
    if not folders:
        return None
    extra = (
        {"villages": current.lists["villages"]} if current and "villages" in current.lists else None
    )
    catalogue, issues = load_catalogue([DEFINITIONS_DIR, *folders], extra_lists=extra, layered=True)
    for issue in issues:  # installed files passed these checks; log, keep the rest
        log.warning("published definition not loaded: %s", issue)
    return catalogue


def in_use_lines(data_root: Path, now: datetime, catalogue: Catalogue) -> list[str]:
    """What ``kiosk forms list/show/policy`` print first (English, for staff): which
    definitions the kiosk uses at ``now`` — a pulled release (number, effective time) or
    the shipped files — the policy version, and releases waiting for their time."""
    in_force = [m for m, _ in manifests(data_root) if datetime.fromisoformat(m["effective"]) <= now]
    policy = f"policy {catalogue.policy.district} v{catalogue.policy.version}"
    if in_force:
        newest = in_force[-1]
        lines = [
            f"in use: release {newest['release']} pulled from the town server "
            f"(effective {newest['effective']}), {policy}"
        ]
    else:
        lines = [f"in use: the shipped definitions (no release pulled), {policy}"]
    lines += [
        f"pending: release {m['release']} from {m['effective']}"
        for m in pending_releases(data_root, now)
    ]
    return lines
