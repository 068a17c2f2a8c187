"""Named accounts for volunteers and staff: PIN hashes, roles, lockout with a growing delay.

- A PIN is 6 to 12 digits. It is stored only as scrypt (RFC 7914, N=2**14, r=8, p=1,
  16-byte salt) of an HMAC of the PIN under this device's key: a copied database alone
  is not enough to start guessing.
- Roles: ``volunteer`` (帮办志愿者), ``staff`` (工作人员), ``admin`` (staff who may also
  change settings and enroll the kiosk). Staff mode takes staff and admin accounts; the
  volunteer login takes any account.
- Lockout: :func:`lockout_seconds` after each failed try (the first two are free, then
  30 s, 60 s, 120 s ... up to an hour), counted per account id whether or not it exists,
  so a guesser learns nothing from the answers. A success clears the count.
- Demo accounts (``--demo``) are marked and refused unless the kiosk runs with demo data.
- Every add, removal, login, failure and lockout is audited (kiosk.services.audit).

There is no default PIN anywhere: the first admin is made with ``kiosk staff add ID``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from kiosk.printable import UnprintableText, printable
from kiosk.services import audit
from kiosk.services.context import KioskContext
from kiosk.store.crypto import FieldCipher
from kiosk.store.models import AccountRow, LoginThrottle

ROLES = ("volunteer", "staff", "admin")
STAFF_ROLES = frozenset({"staff", "admin"})
PIN_MIN, PIN_MAX = 6, 12
FREE_TRIES = 2
FIRST_DELAY_S, MAX_DELAY_S = 30, 3600
_N, _R, _P = 2**14, 8, 1
# Checked for an unknown id, so it costs the same one scrypt as a known one.
_UNKNOWN_HASH = f"scrypt${_N}${_R}${_P}${'00' * 16}${'00' * 32}"


class AccountError(Exception):
    """An account that cannot be added or changed (message in plain English)."""


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    role: str
    demo: bool = False

    @property
    def actor(self) -> str:
        """How the audit names this account: ``volunteer:1001``, ``staff:S01``."""
        return f"{self.role}:{self.id}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    locked_s: int = 0  # > 0: refused without checking the PIN; try again after this long
    failures: int = 0


def lockout_seconds(failures: int) -> int:
    """Seconds locked after ``failures`` failed tries in a row: 0, 0, 30, 60, 120 ... 3600."""
    if failures <= FREE_TRIES:
        return 0
    return int(min(FIRST_DELAY_S * 2 ** (failures - FREE_TRIES - 1), MAX_DELAY_S))


def normalize_id(account_id: str) -> str:
    return account_id.strip().upper()


def check_pin(pin: str) -> None:
    if not (pin.isdigit() and pin.isascii() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise AccountError(f"a PIN is {PIN_MIN} to {PIN_MAX} digits")


def hash_pin(cipher: FieldCipher, pin: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    peppered = cipher.blind_index(f"pin:{pin}").encode()
    digest = hashlib.scrypt(peppered, salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(cipher: FieldCipher, pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    peppered = cipher.blind_index(f"pin:{pin}").encode()
    found = hashlib.scrypt(
        peppered, salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return kind == "scrypt" and hmac.compare_digest(found, bytes.fromhex(digest))


def _now(ctx: KioskContext) -> datetime:
    return ctx.clock().astimezone(UTC).replace(tzinfo=None)


def _account(ctx: KioskContext, row: AccountRow) -> Account:
    name = ctx.store.cipher.decrypt(row.name, context=f"account:{row.id}".encode())
    return Account(row.id, name.decode("utf-8"), row.role, bool(row.demo))


def add_account(
    ctx: KioskContext,
    account_id: str,
    name: str,
    pin: str,
    *,
    role: str,
    actor: str,
    demo: bool = False,
) -> Account:
    """Add an account, or set a new PIN, name and role for an existing one (AccountError)."""
    account_id = normalize_id(account_id)
    if not account_id or len(account_id) > 16 or not account_id.replace("-", "").isalnum():
        raise AccountError("an account id is 1-16 letters or digits")
    name = " ".join(name.split())
    if not name or len(name) > 20:
        raise AccountError("an account needs a display name of 1-20 characters")
    try:  # printed as 帮办人 / 经办人 on the paper: the same check as answers
        name = printable(name, "姓名", "--name (display name)")
    except UnprintableText as exc:
        raise AccountError(f"{exc.message_en}; nothing saved ({exc.message})") from exc
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_pin(pin)
    cipher = ctx.store.cipher
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(AccountRow, account_id)
        existed = row is not None
        if row is None:
            row = AccountRow(id=account_id)
            uow.session.add(row)
        row.role, row.demo = role, demo
        row.name = cipher.encrypt(name.encode(), context=f"account:{account_id}".encode())
        row.pin_hash = hash_pin(cipher, pin)
        throttle = uow.session.get(LoginThrottle, account_id)
        if throttle is not None:
            uow.session.delete(throttle)
        audit.record(
            uow.session,
            actor=actor,
            action="account_changed" if existed else "account_added",
            detail=f"{role}:{account_id}" + (" demo" if demo else ""),
        )
        uow.commit()
        return _account(ctx, row)


def remove_account(ctx: KioskContext, account_id: str, *, actor: str) -> bool:
    account_id = normalize_id(account_id)
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(AccountRow, account_id)
        if row is None:
            return False
        audit.record(uow.session, actor=actor, action="account_removed", detail=row.id)
        uow.session.delete(row)
        uow.commit()
    return True


def unlock_account(ctx: KioskContext, account_id: str, *, actor: str) -> None:
    account_id = normalize_id(account_id)
    with ctx.store.unit_of_work() as uow:
        throttle = uow.session.get(LoginThrottle, account_id)
        if throttle is not None:
            uow.session.delete(throttle)
        audit.record(uow.session, actor=actor, action="account_unlocked", detail=account_id)
        uow.commit()


def list_accounts(ctx: KioskContext, roles: frozenset[str] | None = None) -> list[Account]:
    with ctx.store.unit_of_work() as uow:
        rows = uow.session.scalars(select(AccountRow).order_by(AccountRow.id)).all()
        return [_account(ctx, r) for r in rows if roles is None or r.role in roles]


def get_account(ctx: KioskContext, account_id: str) -> Account | None:
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(AccountRow, normalize_id(account_id))
        return _account(ctx, row) if row else None


def verify_login(
    ctx: KioskContext, account_id: str, pin: str, *, roles: frozenset[str] | None = None
) -> LoginResult:
    """Check a login: the account when the PIN matches and the role fits, else a refusal.

    While an id is locked the PIN is not even checked. The same work is done for an
    unknown id as for a known one."""
    wanted = normalize_id(account_id)[:32]
    now = _now(ctx)
    cipher = ctx.store.cipher
    with ctx.store.unit_of_work() as uow:
        throttle = uow.session.get(LoginThrottle, wanted)
        if throttle is not None and throttle.locked_until and throttle.locked_until > now:
            left = int((throttle.locked_until - now).total_seconds()) + 1
            audit.record(uow.session, actor=f"login:{wanted}", action="login_locked")
            uow.commit()
            return LoginResult(None, locked_s=left, failures=throttle.failures)
        row = uow.session.get(AccountRow, wanted)
        stored = row.pin_hash if row is not None else _UNKNOWN_HASH
        ok = pin_matches(cipher, pin, stored) and row is not None
        if ok and row is not None and roles is not None and row.role not in roles:
            ok = False
        if ok and row is not None and row.demo and not ctx.settings.demo_data:
            ok = False  # demo accounts only while the kiosk runs with --demo
        if ok and row is not None:
            if throttle is not None:
                uow.session.delete(throttle)
            account = _account(ctx, row)
            audit.record(uow.session, actor=account.actor, action="login")
            uow.commit()
            return LoginResult(account)
        if throttle is None:
            throttle = LoginThrottle(account_id=wanted, failures=0)
            uow.session.add(throttle)
        throttle.failures += 1
        throttle.last_failure_at = now
        delay = lockout_seconds(throttle.failures)
        throttle.locked_until = now + timedelta(seconds=delay) if delay else None
        audit.record(
            uow.session,
            actor=f"login:{wanted}",
            action="login_failed",
            detail=f"failures={throttle.failures}" + (f"; locked {delay} s" if delay else ""),
        )
        uow.commit()
        return LoginResult(None, locked_s=delay, failures=throttle.failures)
