"""The shipped catalogue, checked once and kept on disk (issue 19: start fast).

Loading the shipped definitions (YAML, the policy, every expression parsed and checked,
bundles composed) cost 0.1-0.3 s of every kiosk start and CLI command. Once checked
without a problem, the catalogue is pickled to the user's cache folder (``$KIOSK_CACHE``,
else platformdirs' user cache ``kiosk/``), under a name that is the digest of everything
it was made from: the kiosk, Python and pydantic versions, and the path and content of
every file under the definitions folder and of the form code (kiosk/forms/*.py). Content,
not size and modification time: an edit of the same length with its time set back (a
checkout, a copy with ``cp -p``, ``touch -d``) must not bring back the old catalogue;
hashing the ~1 MB takes a few ms. A changed definition or form code is a different name,
so it is loaded and checked again; a catalogue with a problem is never kept (the caller
raises it as before). A cache that cannot be read is rebuilt; one that cannot be written
is skipped; the newest few are kept (checkouts and versions may share the folder). The
folder is the user's own, like Python's own byte-code caches.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from kiosk import __version__

if TYPE_CHECKING:
    from kiosk.forms.catalogue import Catalogue

FORMS_CODE = Path(__file__).parent
PREFIX = "catalogue-"
KEEP = 8  # catalogues kept (several checkouts or versions may share one cache folder)


def cache_dir() -> Path:
    """``$KIOSK_CACHE``, else the user cache folder of the kiosk."""
    override = os.environ.get("KIOSK_CACHE")
    return Path(override) if override else Path(platformdirs.user_cache_dir("kiosk"))


def cache_key(definitions: Path) -> str:
    """The digest of what a catalogue loaded from ``definitions`` was made from."""
    from pydantic import VERSION as PYDANTIC_VERSION

    digest = hashlib.sha256(f"{__version__}|{sys.version}|{PYDANTIC_VERSION}".encode())
    files = sorted(p for p in definitions.rglob("*") if p.is_file())
    files += sorted(FORMS_CODE.glob("*.py"))
    for path in files:
        content = path.read_bytes()
        digest.update(f"|{path.resolve()}|{len(content)}|".encode())
        digest.update(content)
    return digest.hexdigest()[:32]


def cached_catalogue(definitions: Path, load: Callable[[], Catalogue]) -> Catalogue:
    """The catalogue of ``definitions`` from the cache, else ``load()`` (which raises on a
    problem, so only a checked catalogue is written)."""
    from kiosk.forms.catalogue import Catalogue

    path = cache_dir() / f"{PREFIX}{cache_key(definitions)}.pickle"
    try:
        found = pickle.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError, LookupError, AttributeError):
        found = None  # not written yet, or by other code: load and check
    except pickle.UnpicklingError:
        found = None
    if isinstance(found, Catalogue):
        return found
    catalogue = load()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
        kept = sorted(path.parent.glob(f"{PREFIX}*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass  # a read-only home: load again next time
    return catalogue
