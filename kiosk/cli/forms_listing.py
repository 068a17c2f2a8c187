"""``kiosk forms list`` from a small JSON listing kept beside the catalogue cache (issue 19).

The list shows each form's id, newest version, department and title, and the policy in
use: a few hundred bytes. Reading them from the pickled catalogue (kiosk.forms.
catalogue_cache) imports its classes first (pydantic, Lark, PyYAML: ~0.5 s of the
command). This listing is written after the full path has loaded the shipped catalogue,
under a name that is the digest of the same things that name the catalogue cache — the
kiosk and Python versions, and the path, size and modification time of every file under
the definitions folder and of the form code — so a changed definition or form code is a
different name, read again the full way. pydantic's version is left out of the digest:
the listing holds plain text, not pickled models.

Only for the shipped definitions: with ``--forms-dir`` or a release folder from the town
server the full path answers (kiosk.cli.common.catalogue_in_use).
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

RELEASES_DIR = "forms/releases"  # = kiosk.services.context.RELEASES_DIR
PREFIX = "forms-list-"
KEEP = 8  # listings kept (checkouts and versions may share the cache folder)
FORMS_CODE = Path(__file__).parent.parent / "forms"  # = kiosk.forms.catalogue_cache.FORMS_CODE
DEFINITIONS = FORMS_CODE / "definitions"  # = kiosk.forms.catalogue.DEFINITIONS_DIR


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
    """``{"policy": "district vN", "forms": [{id, version, title, department}...]}`` as
    last written for these files, else None."""
    path = _cache_dir() / f"{PREFIX}{listing_key()}.json"
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("forms"), list):
        return None
    return found


def write_listing(policy: str, forms: list[dict[str, Any]]) -> None:
    """Keep the listing of the shipped catalogue just loaded; skipped if it cannot be
    written (the next run loads the catalogue again)."""
    folder = _cache_dir()
    path = folder / f"{PREFIX}{listing_key()}.json"
    body = json.dumps({"policy": policy, "forms": forms}, ensure_ascii=False)
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
