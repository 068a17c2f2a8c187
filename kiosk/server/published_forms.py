"""The town server validates cases with the definitions it published (issue 16).

``kiosk-server forms publish`` keeps each release's files under
``<server home>/definitions-<database tag>/<release>/``. The server's catalogue is the shipped forms
overlaid with every release there (all of them, whatever their effective time: a kiosk
may send a case of any version it has), reloaded when a new release appears. The
catalogue object is updated in place, so the routes holding it see the new forms.

A case names the release it was made under (its signed ``extra``; kiosk.services.
release_catalogue): it is judged by that release — the shipped forms overlaid with the
releases up to it, with that release's policy — never by a later policy (issue 16).
Release 0 is the shipped definitions. A case naming none (made by a kiosk that did not
record it) is judged by the release in force at its finalize time (each kept release's
``release.json`` says from when); a release this server no longer keeps, by the overlay
of all (logged).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from kiosk.forms.catalogue import DEFINITIONS_DIR, Catalogue, load_catalogue

log = logging.getLogger(__name__)
RELEASES = "definitions"
MANIFEST = "release.json"


def releases_dir(home: Path, db_key: str) -> Path:
    """Where this database's releases are kept (one server home may serve several)."""
    tag = hashlib.sha256(db_key.encode()).hexdigest()[:12]
    return home / f"{RELEASES}-{tag}"


def kept_releases(home: Path, db_key: str) -> list[Path]:
    """The release folders kept for this database, oldest first."""
    root = releases_dir(home, db_key)
    return sorted(p for p in root.glob("[0-9]" * 6) if p.is_dir()) if root.is_dir() else []


def superseded_by(home: Path, db_key: str, release: int, effective: str) -> list[str]:
    """Warnings for staff: kept releases numbered below ``release`` whose effective time
    is not before ``effective`` (ISO 8601) — they will never take effect (a kiosk never
    goes back to a lower release once a higher one is in force)."""
    from datetime import datetime

    when = datetime.fromisoformat(effective)
    found = []
    for folder in kept_releases(home, db_key):
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            number, start = int(manifest["release"]), str(manifest["effective"])
            superseded = number < release and datetime.fromisoformat(start) >= when
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if superseded:
            found.append(
                f"warning: release {number} (effective {start}) will never take effect: "
                f"release {release} is in force from {effective}, earlier"
            )
    return found


def write_release(
    home: Path, db_key: str, release: int, files: dict[str, str], effective: str | None = None
) -> Path:
    """Keep a published release's files (path → text) on the server's disk, with its
    effective time (ISO 8601) in ``release.json``."""
    folder = releases_dir(home, db_key) / f"{release:06d}"
    staging = folder.with_name(folder.name + ".tmp")
    for rel, text in files.items():
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    staging.mkdir(parents=True, exist_ok=True)
    manifest = {"release": release, "effective": effective}
    (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)
    return folder


class PublishedForms:
    """Keeps ``catalogue`` in step with the releases under ``home``."""

    def __init__(self, catalogue: Catalogue, home: Path, db_key: str) -> None:
        self.catalogue = catalogue
        self.home = home
        self.db_key = db_key
        self._seen: list[str] = []
        self._stamp: int | None = -1  # the releases folder's mtime when last read
        self._lock = threading.Lock()
        # The catalogue before any release (release 0), and each release's, as loaded.
        self.base = replace(
            catalogue,
            forms=catalogue.forms.copy(),
            files=dict(catalogue.files),
            bundles=catalogue.bundles.copy(),
            composed=catalogue.composed.copy(),
        )
        self._by_release: dict[int, Catalogue] = {}
        catalogue.for_release = self.for_release

    def for_release(self, release: int | None, finalized_at: str | None = None) -> Catalogue:
        """The catalogue a case made under ``release`` (finalized at ``finalized_at``) is
        judged by (see the module)."""
        if release is None:
            release = self._in_force_at(finalized_at)
            if release is None:
                return self.catalogue
        if release == 0:
            return self.base
        with self._lock:
            found = self._by_release.get(release)
        if found is not None:
            return found
        folders = kept_releases(self.home, self.db_key)
        if not any(int(p.name) == release for p in folders):
            log.warning("a case names release %d, which this server does not keep", release)
            return self.catalogue
        villages = self.catalogue.lists.get("villages")
        loaded, issues = load_catalogue(
            [DEFINITIONS_DIR, *(p for p in folders if int(p.name) <= release)],
            extra_lists={"villages": villages} if villages else None,
            layered=True,
        )
        for issue in issues:
            log.warning("release %d: definition not used by the server: %s", release, issue)
        with self._lock:
            self._by_release[release] = loaded
        return loaded

    def _in_force_at(self, finalized_at: str | None) -> int | None:
        """The newest kept release in force at ``finalized_at`` (0: none was yet); None
        when that cannot be told (no time, a release without its effective time)."""
        if not finalized_at:
            return None
        try:
            when = datetime.fromisoformat(finalized_at.removesuffix("Z"))
        except ValueError:
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        found = 0
        for folder in kept_releases(self.home, self.db_key):
            try:
                manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
                effective = datetime.fromisoformat(str(manifest["effective"]))
            except (OSError, ValueError, KeyError, TypeError):
                return None  # kept before effective times were: the overlay judges
            if effective.tzinfo is not None and effective <= when:
                found = int(folder.name)
        return found

    def refresh(self, force: bool = False) -> bool:
        """Load releases that appeared since the last call; True when the catalogue changed.
        Cheap enough for every request: one stat of the releases folder, whose time
        changes when a release is renamed into it (a case sent right after a publish is
        judged by that release, not by what the server saw a minute ago)."""
        root = releases_dir(self.home, self.db_key)
        try:
            stamp = root.stat().st_mtime_ns
        except OSError:
            stamp = None
        if not force and stamp == self._stamp:
            return False
        with self._lock:
            self._stamp = stamp
            folders = (
                sorted(p for p in root.glob("[0-9]" * 6) if p.is_dir()) if root.is_dir() else []
            )
            names = [p.name for p in folders]
            if not folders or names == self._seen:
                return False
            villages = self.catalogue.lists.get("villages")
            extra = {"villages": villages} if villages else None
            new, issues = load_catalogue(
                [DEFINITIONS_DIR, *folders], extra_lists=extra, layered=True
            )
            for issue in issues:
                log.warning("published definition not used by the server: %s", issue)
            self.catalogue.forms.update(new.forms)
            self.catalogue.files.update(new.files)
            self.catalogue.bundles.update(new.bundles)
            self.catalogue.composed.update(new.composed)
            self.catalogue.policy, self.catalogue.policy_file = new.policy, new.policy_file
            self._by_release.clear()  # a number may have been written again after a restore
            self._seen = names
            log.info("server catalogue now includes release(s) %s", ", ".join(names))
            return True
