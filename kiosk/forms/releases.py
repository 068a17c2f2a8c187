"""The published releases kept on this kiosk's disk, read without the store (issue 16).

``<data root>/forms/releases/<release>/`` holds each installed release's accepted files
and its ``release.json`` manifest (release number, effective time, key, digest, what was
accepted and refused); kiosk.services.published installs them. This module only reads:
which releases are in force at a time, which wait, and the catalogue they make — for
the kiosk and for ``kiosk forms list/show/policy`` (which must show what the kiosk
uses, without opening the store).

Every time the releases are loaded, each installed file is checked again against the
signature the town server gave it (kept in the manifest, with the key it was verified
by): a file changed on the kiosk's disk is refused — the earlier release's or the shipped
copy is used — and reported (``tampered``; kiosk.services.published tells staff). When
the caller knows the pinned release key, a manifest naming another key is refused whole.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import DEFINITIONS_DIR, Catalogue, load_catalogue
from kiosk.forms.release_manifests import MANIFEST as MANIFEST  # re-exported
from kiosk.forms.release_manifests import RELEASES_DIR as RELEASES_DIR
from kiosk.forms.release_manifests import installed

log = logging.getLogger(__name__)


def releases_root(data_root: Path) -> Path:
    return data_root / RELEASES_DIR


def manifests(data_root: Path) -> list[tuple[dict[str, Any], Path]]:
    """Every installed release: (manifest, folder), oldest first. One that was in force
    stays here even when a higher release came later with an earlier time: drafts
    started under it still need its files (kiosk.forms.releases layers them by number)."""
    return installed(data_root)


def _superseded(manifest: dict[str, Any], found: list[tuple[dict[str, Any], Path]]) -> bool:
    """A release that a higher-numbered one takes effect before (or with): it will never
    be the newest in force, so it is not listed as waiting (brk16 finding 9)."""
    when = datetime.fromisoformat(manifest["effective"])
    return any(
        int(h["release"]) > int(manifest["release"])
        and datetime.fromisoformat(h["effective"]) <= when
        for h, _ in found
    )


WHOLE = "(release)"  # a refusal of the whole installed release, not one file


def tampered(
    manifest: dict[str, Any], folder: Path, pinned_key: str | None = None
) -> list[tuple[str, str]]:
    """The installed files of one release that do not match their signatures, as
    (path relative to the folder or WHOLE, why in English); [] when all match."""
    from kiosk.forms.publish import release_files, verify_file

    signatures = manifest.get("signatures")
    key = manifest.get("public_key")
    if not isinstance(signatures, dict) or not isinstance(key, str):
        return [(WHOLE, "installed without signatures: not verifiable (pull it again)")]
    if pinned_key is not None and key != pinned_key:
        return [(WHOLE, "installed release names another key than this kiosk's town server")]
    signed_at = str(manifest.get("signed_effective") or manifest.get("effective"))
    found = []
    for file in release_files(folder):
        path = file.relative_to(folder).as_posix()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            found.append((path, "changed on this kiosk's disk (unreadable)"))
            continue
        signature = signatures.get(path)
        if not isinstance(signature, str) or not verify_file(
            key, int(manifest["release"]), signed_at, path, text, signature
        ):
            found.append((path, "changed on this kiosk's disk: signature does not match"))
    return found


def verified_releases(
    data_root: Path, now: datetime, pinned_key: str | None = None
) -> tuple[list[Path], frozenset[Path], list[tuple[int, str, str]]]:
    """The release folders in force at ``now`` (oldest first), the files not to use in
    them, and the refusals as (release, path, why)."""
    folders: list[Path] = []
    skip: set[Path] = set()
    refused: list[tuple[int, str, str]] = []
    for manifest, folder in manifests(data_root):
        if datetime.fromisoformat(manifest["effective"]) > now:
            continue
        bad = tampered(manifest, folder, pinned_key)
        refused += [(int(manifest["release"]), path, why) for path, why in bad]
        if any(path == WHOLE for path, _ in bad):
            continue
        folders.append(folder)
        skip.update(folder / path for path, _ in bad)
    return folders, frozenset(skip), refused


def effective_releases(data_root: Path, now: datetime) -> list[Path]:
    """Release folders in force at ``now``, oldest first."""
    return [
        folder
        for manifest, folder in manifests(data_root)
        if datetime.fromisoformat(manifest["effective"]) <= now
    ]


def pending_releases(data_root: Path, now: datetime) -> list[dict[str, Any]]:
    """The manifests of the releases not in force yet that will still take effect (not
    superseded by a higher release), oldest first."""
    found = manifests(data_root)
    return [
        m
        for m, _ in found
        if datetime.fromisoformat(m["effective"]) > now and not _superseded(m, found)
    ]


def published_catalogue(
    data_root: Path,
    now: datetime,
    current: Catalogue | None = None,
    pinned_key: str | None = None,
    refused: list[tuple[int, str, str]] | None = None,
) -> Catalogue | None:
    """The shipped forms overlaid with the verified files of the releases in force; None
    when none is usable. The village list pulled from the server (in ``current``) is
    kept. Files refused (see ``tampered``) are appended to ``refused`` and logged."""
    folders, skip, bad = verified_releases(data_root, now, pinned_key)
    for release, path, why in bad:
        log.warning("installed definition %s (release %s) refused: %s", path, release, why)
    if refused is not None:
        refused.extend(bad)
    if not folders:
        return None
    extra = (
        {"villages": current.lists["villages"]} if current and "villages" in current.lists else None
    )
    catalogue, issues = load_catalogue(
        [DEFINITIONS_DIR, *folders], extra_lists=extra, layered=True, exclude=skip
    )
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
        why = "no release in force yet" if manifests(data_root) else "no release pulled"
        lines = [f"in use: the shipped definitions ({why}), {policy}"]
    lines += [
        f"pending: release {m['release']} from {m['effective']}"
        for m in pending_releases(data_root, now)
    ]
    lines += [
        f"refused: release {release} {path}: {why} (the earlier copy is used)"
        for release, path, why in verified_releases(data_root, now)[2]
    ]
    return lines
