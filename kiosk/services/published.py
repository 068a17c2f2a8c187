"""Definitions and policy published by the town server, on this kiosk (issue 16).

A release arrives as the reference data kind ``definitions`` (kiosk.forms.publish).
``install_release`` verifies every file, keeps the good ones under
``<data root>/forms/releases/<release>/`` and records what it refused, so the staff
page and ``kiosk status`` can say so. ``refresh_catalogue`` swaps the kiosk's catalogue
for the shipped forms overlaid with every release whose effective time has come; older
releases stay, so a draft started under an older version still finds it.

Trust: the kiosk pins the first publisher key it accepts (stored in the kiosk's meta,
trust on first use after enrollment); a release signed by another key is refused whole.
When the pulled device list names the publisher, its key must match there too.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import DEFINITIONS_DIR, Catalogue, load_catalogue
from kiosk.forms.publish import Verified, release_dir, verify_release
from kiosk.services.context import RELEASES_DIR, KioskContext

log = logging.getLogger(__name__)
MANIFEST = "release.json"
PUBLISHER_KEY = "forms.publisher_key"
REFUSED = "forms.refused"  # JSON list of {release, path, why, at}, newest last
MAX_REPORTS = 50


def releases_root(data_root: Path) -> Path:
    return data_root / RELEASES_DIR


def refused_definitions(ctx: KioskContext) -> list[dict[str, Any]]:
    """What this kiosk refused from the town server (path, why, release, when)."""
    with ctx.store.unit_of_work() as uow:
        text = uow.meta.get(REFUSED)
    try:
        found = json.loads(text) if text else []
    except ValueError:
        return []
    return [r for r in found if isinstance(r, dict)]


def _report(ctx: KioskContext, release: int | None, refused: list[tuple[str, str]]) -> None:
    if not refused:
        return
    at = ctx.clock().astimezone(UTC).isoformat(timespec="seconds")
    with ctx.store.unit_of_work() as uow:
        try:
            found = json.loads(uow.meta.get(REFUSED) or "[]")
        except ValueError:
            found = []
        found += [{"release": release, "path": p, "why": why, "at": at} for p, why in refused]
        uow.meta.set(REFUSED, json.dumps(found[-MAX_REPORTS:], ensure_ascii=False))
        uow.commit()
    for path, why in refused:
        log.warning("published definition %s (release %s) refused: %s", path, release, why)


def _device_key(ctx: KioskContext, device_id: str) -> str | None:
    from kiosk.sync.pull import read_reference

    try:
        stored = read_reference(ctx.store, ctx.data_root, "devices")
    except (OSError, ValueError, KeyError):
        return None
    if stored is None or not isinstance(stored[1], list):
        return None
    for d in stored[1]:
        if isinstance(d, dict) and str(d.get("device_id")) == device_id:
            return str(d.get("public_key"))
    return None


def install_release(ctx: KioskContext, body: Any) -> Verified | None:
    """Verify and keep a pulled release; None when it is refused whole (reported)."""
    with ctx.store.unit_of_work() as uow:
        pinned = uow.meta.get(PUBLISHER_KEY)
    try:
        verified = verify_release(body, pinned)
        publisher = str(body.get("publisher") or "")
        listed = _device_key(ctx, publisher) if publisher else None
        if listed is not None and listed != verified.public_key:
            raise ValueError("release key differs from the town server's key in the device list")
        if (release_dir(releases_root(ctx.data_root), verified.release) / MANIFEST).exists():
            raise ValueError(f"release {verified.release} is already installed")
    except ValueError as exc:
        release = body.get("release") if isinstance(body, dict) else None
        _report(ctx, release if isinstance(release, int) else None, [("(release)", str(exc))])
        return None
    target = release_dir(releases_root(ctx.data_root), verified.release)
    staging = target.with_name(target.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    for path, text in verified.accepted.items():
        dest = staging / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    staging.mkdir(parents=True, exist_ok=True)
    _refuse_broken(staging, verified)
    manifest = {
        "release": verified.release,
        "effective": verified.effective.isoformat(),
        "public_key": verified.public_key,
        "accepted": sorted(verified.accepted),
        "refused": verified.refused,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    with ctx.store.unit_of_work() as uow:
        if pinned is None:
            uow.meta.set(PUBLISHER_KEY, verified.public_key)
        uow.commit()
    _report(ctx, verified.release, verified.refused)
    return verified


def _refuse_broken(folder: Path, verified: Verified) -> None:
    """Signed but broken (fails ``kiosk forms check``): removed and refused, file by file,
    until what is left loads cleanly (a bundle may fail once a form it pins is gone)."""
    for _ in range(5):
        _, issues = load_catalogue([DEFINITIONS_DIR, folder], layered=True, require_rules=True)
        bad = {Path(i.file) for i in issues if Path(i.file).is_relative_to(folder)}
        if not bad:
            return
        for file in bad:
            rel = file.relative_to(folder).as_posix()
            why = next(i for i in issues if Path(i.file) == file)
            verified.refused.append((rel, f"broken: {why.question}: {why.message}"))
            verified.accepted.pop(rel, None)
            file.unlink(missing_ok=True)


def _manifests(data_root: Path) -> list[tuple[dict[str, Any], Path]]:
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
        for manifest, folder in _manifests(data_root)
        if datetime.fromisoformat(manifest["effective"]) <= now
    ]


def pending_release(data_root: Path, now: datetime) -> dict[str, Any] | None:
    """The newest release that is not in force yet (its manifest), or None."""
    later = [m for m, _ in _manifests(data_root) if datetime.fromisoformat(m["effective"]) > now]
    return later[-1] if later else None


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


def refresh_catalogue(ctx: KioskContext) -> bool:
    """Use the releases in force now; True when the catalogue was swapped."""
    now = ctx.clock()
    folders = [f.name for f in effective_releases(ctx.data_root, now)]
    if not folders or getattr(ctx.catalogue, "release_folders", None) == folders:
        return False
    catalogue = published_catalogue(ctx.data_root, now, ctx.catalogue)
    if catalogue is None:
        return False
    ctx.catalogue = replace(catalogue, release_folders=folders)
    log.info("form definitions now from release(s) %s", ", ".join(folders))
    return True


def status_lines(ctx: KioskContext) -> list[str]:
    """For staff (staff page, ``kiosk status``): which release and policy are in force,
    a release waiting for its time, what was refused, and the unconfirmed parameters."""
    now = ctx.clock()
    in_force = effective_releases(ctx.data_root, now)
    policy = ctx.catalogue.policy
    source = f"发布第{int(in_force[-1].name)}版" if in_force else "本机自带"
    lines = [f"表单定义：{source}；{policy.district}政策 第{policy.version}版"]
    pending = pending_release(ctx.data_root, now)
    if pending is not None:
        when = datetime.fromisoformat(pending["effective"]).astimezone()
        lines.append(f"待生效：发布第{pending['release']}版，{when:%Y-%m-%d %H:%M} 起使用")
    for r in refused_definitions(ctx)[-5:]:
        lines.append(f"已拒绝：第{r.get('release') or '?'}版 {r.get('path')}（{r.get('why')}）")
    unconfirmed = [n for n, p in policy.parameters.items() if not p.confirmed]
    if unconfirmed:
        names = "、".join(policy.get(n).label for n in unconfirmed[:6])
        more = "等" if len(unconfirmed) > 6 else ""
        lines.append(f"待核实参数 {len(unconfirmed)} 个：{names}{more}（kiosk forms policy）")
    return lines
