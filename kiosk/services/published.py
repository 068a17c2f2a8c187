"""Definitions and policy published by the town server, on this kiosk (issue 16).

A release arrives as the reference data kind ``definitions`` (kiosk.forms.publish).
``install_release`` verifies every file, keeps the good ones under
``<data root>/forms/releases/<release>/`` and records what it refused, so the staff
page and ``kiosk status`` can say so. ``refresh_catalogue`` swaps the kiosk's catalogue
for the shipped forms overlaid with every release whose effective time has come; older
releases stay, so a draft started under an older version still finds it.

Trust: the only key a release may be signed with is the town server's release key,
given in the enrollment answer over the enrolled channel (kiosk.sync.state.RELEASE_KEY);
never a key a release brings itself. A release signed by another key, or arriving before
the kiosk has that key, is refused whole and raises ReleaseRefused, so the pull does not
record its number (a forged release numbered 999 never hides genuine ones). The same
release served again (a new server epoch makes the kiosk fetch again) is a no-op; under
an installed number with other content it is refused.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.forms.catalogue import DEFINITIONS_DIR, default_catalogue, load_catalogue
from kiosk.forms.publish import Verified, release_dir, verify_release
from kiosk.forms.releases import (
    MANIFEST,
    manifests,
    pending_releases,
    published_catalogue,
    releases_root,
    tampered,
    verified_releases,
)
from kiosk.services.context import KioskContext
from kiosk.sync.pull import NotAccepted
from kiosk.sync.state import RELEASE_KEY

log = logging.getLogger(__name__)
REFUSED = "forms.refused"  # JSON list of {release, path, why, at}, newest last
MAX_REPORTS = 8  # the meta value holds at most 2,000 characters
NO_KEY = "no release key from enrollment (enroll again)"


class ReleaseRefused(NotAccepted):
    """A release refused whole (not signed by this kiosk's town server, malformed)."""


def _digest(body: Any) -> str:
    """What identifies a release's content: its files' paths and SHA-256 digests."""
    import hashlib

    files = body.get("files") if isinstance(body, dict) else None
    entries = sorted(
        (str(f.get("path")), hashlib.sha256(str(f.get("text")).encode()).hexdigest())
        for f in (files or [])
        if isinstance(f, dict)
    )
    head = [body.get("release"), body.get("effective")] if isinstance(body, dict) else []
    return hashlib.sha256(json.dumps([head, entries]).encode()).hexdigest()


def refused_definitions(ctx: KioskContext) -> list[dict[str, Any]]:
    """What this kiosk refused from the town server (path, why, release, when)."""
    with ctx.store.unit_of_work(read_only=True) as uow:
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
        known = {(r.get("release"), r.get("path"), r.get("why")) for r in found}
        # The same refusal again (fetched again each round) is not a new report.
        found += [
            {"release": release, "path": p, "why": why, "at": at}
            for p, why in refused
            if (release, p, why) not in known
        ]
        kept = found[-MAX_REPORTS:]
        while len(kept) > 1 and len(json.dumps(kept, ensure_ascii=False)) > 2000:
            kept = kept[1:]
        uow.meta.set(REFUSED, json.dumps(kept, ensure_ascii=False))
        uow.commit()
    for path, why in refused:
        log.warning("published definition %s (release %s) refused: %s", path, release, why)


def _installed_digest(data_root: Path, release: int) -> str | None:
    try:
        manifest = json.loads(
            (release_dir(releases_root(data_root), release) / MANIFEST).read_text("utf-8")
        )
    except (OSError, ValueError):
        return None
    return str(manifest.get("digest") or "?")


def _intact(data_root: Path, release: int, pinned: str) -> bool:
    """Whether the installed copy of ``release`` still matches its signatures (else the
    same release fetched again repairs it)."""
    return all(
        not tampered(m, folder, pinned)
        for m, folder in manifests(data_root)
        if m.get("release") == release
    )


def install_release(ctx: KioskContext, body: Any) -> Verified | None:
    """Verify and keep a pulled release; None when it is installed already (the same
    content fetched again). Raises ReleaseRefused (reported to staff) when it is refused
    whole."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        pinned = uow.meta.get(RELEASE_KEY)
    try:
        if not pinned:
            raise ValueError(NO_KEY)
        verified = verify_release(body, pinned)
        if not verified.accepted:
            # Not one file signed by our server: a forgery (or noise), not a release whose
            # number should count; refused whole so its number is not recorded.
            raise ValueError("no file of the release is signed by this kiosk's town server")
        installed = _installed_digest(ctx.data_root, verified.release)
        if installed == _digest(body) and _intact(ctx.data_root, verified.release, pinned):
            return None
        if installed is not None and installed != _digest(body):
            raise ValueError(f"release {verified.release} is already installed (other content)")
    except ValueError as exc:
        release = body.get("release") if isinstance(body, dict) else None
        _report(ctx, release if isinstance(release, int) else None, [("(release)", str(exc))])
        raise ReleaseRefused(str(exc)) from None
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
        "digest": _digest(body),
        "accepted": sorted(verified.accepted),
        "refused": verified.refused,
        "signed_effective": verified.signed_effective,
        "signatures": {p: verified.signatures[p] for p in sorted(verified.accepted)},
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
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


def refresh_catalogue(ctx: KioskContext) -> bool:
    """Use the releases in force now, each installed file checked again against its
    signature (a changed one is refused, reported to staff, and the earlier copy used);
    True when the catalogue was swapped."""
    now = ctx.clock()
    with ctx.store.unit_of_work(read_only=True) as uow:
        pinned = uow.meta.get(RELEASE_KEY) or None
    good, skip, refused = verified_releases(ctx.data_root, now, pinned)
    for release, path, why in refused:
        _report(ctx, release, [(path, why)])
    folders = [f.name for f in good] + [f"-{p.parent.name}/{p.name}" for p in sorted(skip)]
    if not good and not getattr(ctx.catalogue, "release_folders", []):
        return False
    if getattr(ctx.catalogue, "release_folders", None) == folders:
        return False
    catalogue = published_catalogue(ctx.data_root, now, ctx.catalogue, pinned)
    if catalogue is None:
        catalogue = replace(default_catalogue(), lists=ctx.catalogue.lists)
    ctx.catalogue = replace(catalogue, release_folders=folders)
    log.info("form definitions now from release(s) %s", ", ".join(folders))
    return True


# Why a definition was refused, in plain words for staff (the English stays in the log
# and in ``kiosk status --json``): first matching fragment wins.
PLAIN_REASONS = (
    ("changed on this kiosk", "本机上的文件被改动过，已改用上一版"),
    ("without signatures", "装的时候没有留签名，无法核对，没有使用"),
    ("installed release names another key", "不是本镇服务器签发的，没有使用"),
    ("no release key", "本机登记时没有取得镇服务器的签名钥匙，请重新登记本机"),
    ("another key", "不是本镇服务器签发的，可能是伪造的"),
    ("unsigned", "没有签名"),
    ("signature does not match", "签名对不上，内容被改动过或传坏了"),
    ("already installed", "和已装的同一版号内容不同，没有使用"),
    ("broken:", "定义本身有错误，用不了"),
    ("not a definition file name", "文件名不对"),
)


def plain_reason(why: str) -> str:
    """A refusal's reason as staff read it (Chinese, no jargon)."""
    return next((words for part, words in PLAIN_REASONS if part in why), "格式不对，用不了")


def _when(text: str) -> str:
    return f"{datetime.fromisoformat(text).astimezone():%Y-%m-%d %H:%M}"


def status_lines(ctx: KioskContext) -> list[str]:
    """For staff (staff page, ``kiosk status``): the release and policy in force, every
    release waiting for its time (with that time), what was refused and why in plain
    words, and the unconfirmed parameters."""
    now = ctx.clock()
    found = manifests(ctx.data_root)
    in_force = [m for m, _ in found if datetime.fromisoformat(m["effective"]) <= now]
    policy = ctx.catalogue.policy
    if in_force:
        newest = in_force[-1]
        source = f"镇服务器发布第{newest['release']}版（{_when(newest['effective'])} 起使用）"
    elif found:
        source = "本机自带的版本（镇服务器发布的还没到使用时间）"
    else:
        source = "本机自带的版本（镇服务器还没有发布）"
    lines = [f"正在使用的表单：{source}；{policy.district}政策第{policy.version}版"]
    for m in pending_releases(ctx.data_root, now):  # superseded ones will never apply
        lines.append(f"待生效：发布第{m['release']}版，{_when(m['effective'])} 起使用")
    for r in refused_definitions(ctx)[-5:]:
        what = "整版" if r.get("path") == "(release)" else str(r.get("path"))
        lines.append(
            f"已拒绝：第{r.get('release') or '?'}版 {what}：{plain_reason(str(r.get('why')))}"
        )
    unconfirmed = [n for n, p in policy.parameters.items() if not p.confirmed]
    if unconfirmed:
        names = "、".join(policy.get(n).label for n in unconfirmed[:6])
        more = "等" if len(unconfirmed) > 6 else ""
        lines.append(f"待核实参数 {len(unconfirmed)} 个：{names}{more}（kiosk forms policy）")
    return lines
