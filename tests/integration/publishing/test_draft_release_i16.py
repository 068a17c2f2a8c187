"""Issue 16, tester's finding 3 on the kiosk alone: a draft — a form's or a life-event
bundle's — keeps the release (forms and policy) it was started under when a newer
release comes into force; a new one starts under the newer release; a case records
both numbers and signs them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import FIXED_NOW, catalogue, shipped_policy_version
from release_folder import release_folder

from kiosk.device_identity import public_key_b64
from kiosk.forms.examples import example_answers
from kiosk.forms.publish import build_release
from kiosk.services.bundles import start_bundle
from kiosk.services.cases import MIGRATED_NOTICE, fill_case, load_draft, start_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.packets import packet_of
from kiosk.services.published import install_release, refresh_catalogue
from kiosk.sync.state import RELEASE_KEY

SHIPPED_POLICY = shipped_policy_version()
# The form a draft migrates on: release 2 brings a disability_card version above the shipped one.
SHIPPED_CARD = catalogue().get("disability_card").version


def folder_with(tmp_path: Path, name: str, release: int) -> Path:
    """The shipped definitions as release ``release``: policy version shipped + release;
    release 2 also brings disability_card v(shipped + 1), reached from the shipped one."""
    folder = release_folder(tmp_path, name, policy_version=SHIPPED_POLICY + release)
    if release == 2:
        newest = (folder / f"disability_card.v{SHIPPED_CARD}.yaml").read_text("utf-8")
        newer, found = re.subn(
            rf"(?m)^version: {SHIPPED_CARD}$", f"version: {SHIPPED_CARD + 1}", newest
        )
        assert found == 1, "no version line in the newest disability_card"
        newer = re.sub(r"(?ms)^migrations:\n(?:  .*\n?)*", "", newer)
        newer += f"\nmigrations:\n  - from_version: {SHIPPED_CARD}\n"
        (folder / f"disability_card.v{SHIPPED_CARD + 1}.yaml").write_text(newer, "utf-8")
    return folder


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[KioskContext]:
    clock = {"now": FIXED_NOW}
    opened = open_kiosk(tmp_path / "kiosk", clock=lambda: clock["now"])
    key = Ed25519PrivateKey.generate()
    with opened.store.unit_of_work() as uow:
        uow.meta.set(RELEASE_KEY, public_key_b64(key))
        uow.commit()
    for release, when in ((1, FIXED_NOW - timedelta(days=1)), (2, FIXED_NOW + timedelta(days=1))):
        body = build_release(
            folder_with(tmp_path, f"r{release}", release),
            key,
            release=release,
            effective=when,
            publisher="server",
        )
        install_release(opened, body)
    refresh_catalogue(opened)
    opened.clock_box = clock  # type: ignore[attr-defined]
    try:
        yield opened
    finally:
        opened.close()


def switch_to_release_2(ctx: KioskContext) -> None:
    ctx.clock_box["now"] = FIXED_NOW + timedelta(days=2)  # type: ignore[attr-defined]
    assert refresh_catalogue(ctx)
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 2


def test_drafts_keep_their_release_and_cases_sign_it(ctx: KioskContext) -> None:
    assert ctx.catalogue.policy.version == SHIPPED_POLICY + 1  # release 1 in force
    form_draft = start_case(ctx, "welfare_stop")
    bundle_draft = start_bundle(ctx, "death_in_family")
    moving = start_case(ctx, "disability_card")
    switch_to_release_2(ctx)

    kept = load_draft(ctx, form_draft.case.id)
    assert kept.fill.form.policy.version == SHIPPED_POLICY + 1 and kept.notice is None
    assert load_draft(ctx, bundle_draft.case.id).fill.form.policy.version == SHIPPED_POLICY + 1
    # A newer form version its draft migrates to: the newer release, said to the resident.
    moved = load_draft(ctx, moving.case.id)
    assert (moved.fill.form.version, moved.fill.form.policy.version) == (
        SHIPPED_CARD + 1,
        SHIPPED_POLICY + 2,
    )
    assert moved.notice == MIGRATED_NOTICE
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.get(moving.case.id)
        assert row is not None and row.release == 2
    assert start_case(ctx, "welfare_stop").fill.form.policy.version == SHIPPED_POLICY + 2

    made = fill_case(
        ctx, "elderly_allowance", example_answers(ctx.catalogue.get("elderly_allowance"))
    )
    older = fill_case(
        ctx,
        "elderly_allowance",
        example_answers(ctx.catalogue.get("elderly_allowance")),
        release=1,
        duplicate_reason="测试：同一人两次",
    )
    with ctx.store.unit_of_work() as uow:
        rows = [uow.cases.get(c.id) for c in (made, older)]
        assert [(r.release, r.policy_version) for r in rows if r] == [
            (2, SHIPPED_POLICY + 2),
            (1, SHIPPED_POLICY + 1),
        ]
        packets = [packet_of(uow.cases, r) for r in rows if r]
    assert [p.extra for p in packets] == [
        {"release": 2, "policy_version": SHIPPED_POLICY + 2},
        {"release": 1, "policy_version": SHIPPED_POLICY + 1},
    ]
