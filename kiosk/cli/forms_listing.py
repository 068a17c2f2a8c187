"""``kiosk forms list`` and ``kiosk status`` from a small JSON listing kept beside the
catalogue cache (issue 19).

The list shows each form's id, newest version, department and title, and the policy in
use; ``kiosk status`` the policy and its unconfirmed parameters: a few kilobytes.
Reading them from the pickled catalogue (kiosk.forms.catalogue_cache) imports its
classes first (pydantic, Lark, PyYAML: ~0.5 s of the command). This listing is written
after the full path has loaded the shipped catalogue, under a name that is the digest of
the same things that name the catalogue cache — the kiosk and Python versions, and the
path, size and modification time of every file under the definitions folder and of the
form code — so a changed definition or form code is a different name, read again the
full way. pydantic's version is left out of the digest:
the listing holds plain text, not pickled models.

Only for the shipped definitions: with ``--forms-dir`` or a release folder from the town
server the full path answers (kiosk.cli.common.catalogue_in_use, services.published).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.config import resolve_data_root

PREFIX = "forms-list-"
KEEP = 8  # listings kept (checkouts and versions may share the cache folder)
FORMS_CODE = Path(__file__).parent.parent / "forms"  # = kiosk.forms.catalogue_cache.FORMS_CODE
DEFINITIONS = FORMS_CODE / "definitions"  # = kiosk.forms.catalogue.DEFINITIONS_DIR


# = kiosk.forms.release_manifests.RELEASES_DIR, not imported: `forms list` loads no
# kiosk.forms module (tests/integration/test_cli_imports.py).
RELEASES_DIR = "forms/releases"


def applies(args: Any) -> bool:
    """The listing may answer: shipped definitions only, no release folder."""
    if getattr(args, "forms_dir", None):
        return False
    return not (resolve_data_root(getattr(args, "data_dir", None)) / RELEASES_DIR).is_dir()


def _cache_dir() -> Path:
    """The catalogue cache's folder (kiosk.forms.catalogue_cache.cache_dir)."""
    from kiosk.forms.catalogue_cache import cache_dir

    return cache_dir()


def listing_key() -> str:
    """Digest of what the shipped catalogue is made from (see the module's docstring)."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    files = sorted(p for p in DEFINITIONS.rglob("*") if p.is_file())
    files += sorted(FORMS_CODE.glob("*.py"))
    for path in files:
        stat = path.stat()
        digest.update(f"|{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def read_listing() -> dict[str, Any] | None:
    """The listing (:func:`listing_of`) last written for these files, else None."""
    path = _cache_dir() / f"{PREFIX}{listing_key()}.json"
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or set(found) != set(FIELDS):
        return None  # written by other code: loaded and written again
    return found


FIELDS = ("forms", "district", "policy_version", "unconfirmed")


def listing_of(catalogue: Any) -> dict[str, Any]:
    """What ``kiosk forms list`` and ``kiosk status`` show of a catalogue: each form's
    newest version (id, version, title, department), the policy's district and version,
    and the labels of its unconfirmed parameters in the policy's order."""
    policy = catalogue.policy
    return {
        "forms": [
            {"id": f.id, "version": f.version, "title": f.title, "department": f.department}
            for f in catalogue.latest()
        ],
        "district": policy.district,
        "policy_version": policy.version,
        "unconfirmed": [
            policy.get(n).label for n, p in policy.parameters.items() if not p.confirmed
        ],
    }


def shipped_listing() -> dict[str, Any]:
    """The shipped catalogue's listing: read, else loaded from the catalogue and kept."""
    found = read_listing()
    if found is None:
        from kiosk.forms.catalogue import default_catalogue

        found = listing_of(default_catalogue())
        write_listing(found)
    return found


def write_listing(listing: dict[str, Any]) -> None:
    """Keep the listing of the shipped catalogue just loaded; skipped if it cannot be
    written (the next run loads the catalogue again)."""
    folder = _cache_dir()
    path = folder / f"{PREFIX}{listing_key()}.json"
    body = json.dumps(listing, ensure_ascii=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_text(body, encoding="utf-8")
        partial.replace(path)
        kept = sorted(folder.glob(f"{PREFIX}*.json"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
