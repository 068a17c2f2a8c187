"""Volunteer (帮办志愿者) accounts: named accounts of role ``volunteer`` (kiosk.services.accounts).

``kiosk volunteers add ID`` makes one; ``ensure_demo_volunteers`` adds the demo accounts
for ``kiosk --demo`` only (marked demo, refused when the kiosk runs without demo data).
The volunteer id is recorded on every case they help with (CaseRow.volunteer_id, audit
actor ``volunteer:<id>``).
"""

from __future__ import annotations

from sqlalchemy import select

from kiosk.services.accounts import (
    Account,
    AccountError,
    add_account,
    get_account,
    list_accounts,
    verify_login,
)
from kiosk.services.context import KioskContext
from kiosk.store.models import AccountRow

Volunteer = Account
VolunteerError = AccountError
# Demo accounts for trying the kiosk out (`kiosk --demo` only; docs/ui.md).
DEMO_VOLUNTEERS = (("1001", "王志愿", "246810"), ("1002", "李帮办", "135790"))


def add_volunteer(
    ctx: KioskContext, volunteer_id: str, name: str, pin: str, *, actor: str = "cli"
) -> Volunteer:
    """Add (or reset the PIN of) a volunteer; AccountError for a bad id, name or PIN."""
    return add_account(ctx, volunteer_id, name, pin, role="volunteer", actor=actor)


def list_volunteers(ctx: KioskContext) -> list[Volunteer]:
    return list_accounts(ctx, frozenset({"volunteer"}))


def verify_volunteer(ctx: KioskContext, volunteer_id: str, pin: str) -> Volunteer | None:
    """The account when the PIN matches (any role may help at the desk), else None."""
    return verify_login(ctx, volunteer_id, pin).account


def volunteer_name(ctx: KioskContext, volunteer_id: str) -> str | None:
    account = get_account(ctx, volunteer_id)
    return account.name if account else None


def ensure_demo_volunteers(ctx: KioskContext) -> list[str]:
    """Add the demo volunteers that are missing (``kiosk --demo`` only); the ids added.

    Reads the volunteers' ids only: no name is decrypted, so a ``--demo`` start whose
    volunteers are there does not load the field cipher (issue 19: idle memory)."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        query = select(AccountRow.id).where(AccountRow.role == "volunteer")
        known = set(uow.session.scalars(query).all())
    added = []
    for vid, name, pin in DEMO_VOLUNTEERS:
        if vid not in known:
            add_account(ctx, vid, name, pin, role="volunteer", actor="demo", demo=True)
            added.append(vid)
    return added
