"""The catalogue a case belongs to: the published release it was started under (issue 16).

A draft started under release 1 (its forms, its district policy) finishes under release 1
even when release 2 is in force by then: the policy's ages and amounts do not change under
a resident's feet. It moves to the newer release only when it migrates to a newer form
version (kiosk.services.cases.load_draft, audited and shown as a notice). The case
records the release and, at finalize, the policy version it used (``cases.release``,
``cases.policy_version``); both travel signed to the town server, which judges the case
by that release (kiosk.server.published_forms).

Release 0 is the shipped definitions. A release's catalogue is the shipped forms overlaid
with every installed release up to it, whatever their effective times.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kiosk.forms.catalogue import DEFINITIONS_DIR, Catalogue, load_catalogue
from kiosk.forms.releases import manifests
from kiosk.services.context import KioskContext

log = logging.getLogger(__name__)
_cache: dict[tuple[str, int], Catalogue] = {}
_lock = threading.Lock()


def current_release(catalogue: Catalogue) -> int:
    """The newest release in force in ``catalogue`` (0: the shipped definitions)."""
    # "-<release>/<file>" entries name refused files (kiosk.services.published)
    used = [name for name in catalogue.release_folders if not name.startswith("-")]
    return int(used[-1]) if used else 0


class ReleaseMissing(LookupError):
    """A case's release is not on this kiosk (its folder was removed): its paper cannot
    be drawn as it was made (kiosk sync pulls the releases again)."""


def catalogue_of_release(
    ctx: KioskContext, release: int | None, *, strict: bool = False
) -> Catalogue:
    """The catalogue of ``release`` on this kiosk; the one in use for None (a case made
    before releases were recorded), for the release in use, and for a release this kiosk
    does not hold (logged) — unless ``strict`` (a finalized case's paper), which raises
    ReleaseMissing instead."""
    if release is None or release == current_release(ctx.catalogue):
        return ctx.catalogue
    key = (str(ctx.data_root), release)
    with _lock:
        found = _cache.get(key)
    if found is not None:
        return found
    installed = manifests(ctx.data_root)
    if release and not any(int(m["release"]) == release for m, _ in installed):
        if strict:
            raise ReleaseMissing(
                f"the case was made under form release {release}, which this kiosk no longer "
                "holds: pull the releases again (kiosk sync --once) before printing it"
            )
        log.warning("release %d is not on this kiosk; using the definitions in use", release)
        return ctx.catalogue
    folders: list[Path] = [f for m, f in installed if int(m["release"]) <= release]
    villages = ctx.catalogue.lists.get("villages")
    catalogue, issues = load_catalogue(
        [DEFINITIONS_DIR, *folders],
        extra_lists={"villages": villages} if villages else None,
        layered=True,
    )
    for issue in issues:
        log.warning("release %d: definition not loaded: %s", release, issue)
    catalogue.release_folders = [f.name for f in folders]
    with _lock:
        _cache[key] = catalogue
    return catalogue
