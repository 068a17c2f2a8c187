"""Named accounts for volunteers and staff: PIN hashes, roles, lockout with a growing delay.

- An account id is 1 to 32 ASCII letters, digits, ``-`` or ``_`` after NFKC (full-width
  letters typed on a Chinese keyboard become ASCII) and upper-casing; anything else is
  refused at entry (:func:`check_id`). A resident may type their name or ID number into a
  login field: an id that is not an account is never stored or audited in clear, only as
  ``unknown#<8 hex>``, a keyed HMAC under this kiosk's data root key (:func:`unknown_ref`).
- A PIN is 6 to 12 digits, and not a weak one (:func:`check_pin`: one digit repeated, a
  run up or down such as 123456 or 654321, or one of the most common 6-digit PINs).
  It is stored only as scrypt (RFC 7914, N=2**14, r=8, p=1, 16-byte salt) of an HMAC
  of the PIN under this device's key: a copied database alone is not enough to start guessing.
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
import itertools
import re
import secrets
import unicodedata
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
ID_MAX = 32
_ID_PATTERN = re.compile(r"[A-Z0-9_-]{1,32}")
UNKNOWN_PREFIX = "unknown#"
# Among the most common 6-digit PINs in leaked Chinese sets (D. Wang et al.,
# "Understanding Human-Chosen PINs", ASIA CCS 2017) and keypad patterns; repeats and
# runs (111111, 123456, 654321) are refused by rule besides.
COMMON_PINS = frozenset(
    {
        "123456", "654321", "111111", "000000", "123123", "666666", "888888", "112233",
        "121212", "520520", "147258", "159753", "123321", "987654", "789456", "456789",
        "521521", "110110", "147369", "258369", "131313", "101010", "012345", "168168",
    }
)  # fmt: skip
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
    bad_id: bool = False  # the id typed is not of the account-id form (refused, not tried)


def lockout_seconds(failures: int) -> int:
    """Seconds locked after ``failures`` failed tries in a row: 0, 0, 30, 60, 120 ... 3600."""
    if failures <= FREE_TRIES:
        return 0
    return int(min(FIRST_DELAY_S * 2 ** (failures - FREE_TRIES - 1), MAX_DELAY_S))


def normalize_id(account_id: str) -> str:
    """NFKC, no surrounding space, upper case: ｓ０１ → S01 (not checked; see check_id)."""
    return unicodedata.normalize("NFKC", account_id).strip().upper()


def is_valid_id(account_id: str) -> bool:
    """True when the normalised id is 1-32 ASCII letters, digits, ``-`` or ``_``."""
    return _ID_PATTERN.fullmatch(normalize_id(account_id)) is not None


def check_id(account_id: str) -> str:
    """The normalised account id, or AccountError (the message never repeats the input:
    it may be a resident's name or ID number)."""
    wanted = normalize_id(account_id)
    if _ID_PATTERN.fullmatch(wanted) is None:
        raise AccountError(f"an account id is 1-{ID_MAX} ASCII letters, digits, '-' or '_'")
    return wanted


def unknown_ref(ctx: KioskContext, typed: str) -> str:
    """How an id that is no account is stored and audited: ``unknown#<8 hex>``, an HMAC
    under the data root key of the normalised text (the same typing counts together)."""
    digest = ctx.store.cipher.blind_index(f"login-id:{normalize_id(typed)}")
    return UNKNOWN_PREFIX + digest[:8]


def check_pin(pin: str) -> None:
    """AccountError unless ``pin`` is 6-12 ASCII digits and not a weak PIN."""
    if not (pin.isdigit() and pin.isascii() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise AccountError(f"a PIN is {PIN_MIN} to {PIN_MAX} digits")
    if weak_pin(pin):
        raise AccountError(
            "this PIN is too easy to guess (one digit repeated, a run like 123456 or 654321, "
            "or a very common PIN): choose another"
        )


def weak_pin(pin: str) -> bool:
    """True for one digit repeated, a run up or down (123456, 654321, 890123), a
    common PIN (COMMON_PINS)."""
    digits = [int(c) for c in pin]
    steps = {(b - a) % 10 for a, b in itertools.pairwise(digits)}
    if len(steps) == 1 and steps <= {0, 1, 9}:
        return True
    return pin in COMMON_PINS


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
    replace: bool = False,
) -> Account:
    """Add an account, or set a new PIN and name for an existing one of the same kind
    (AccountError). An existing account of the other kind (a volunteer id given to
    ``kiosk staff add``, a staff or admin id to ``kiosk volunteers add``) is refused unless
    ``replace``: one typo must not turn an admin into a volunteer."""
    account_id = check_id(account_id)
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
        if row is not None and not replace and _kind(row.role) != _kind(role):
            raise AccountError(
                f"{account_id} is already a {row.role} account; give --replace to make it "
                f"a {role} account (its PIN and name change too)"
            )
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


def _kind(role: str) -> str:
    return "staff" if role in STAFF_ROLES else role


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
    """Clear the failed tries of an id (an account's, or the hashed key of one that is not)."""
    account_id = normalize_id(account_id)
    with ctx.store.unit_of_work() as uow:
        if uow.session.get(AccountRow, account_id) is None:
            account_id = unknown_ref(ctx, account_id)
        throttle = uow.session.get(LoginThrottle, account_id)
        if throttle is not None:
            uow.session.delete(throttle)
        audit.record(uow.session, actor=actor, action="account_unlocked", detail=account_id)
        uow.commit()


def list_accounts(ctx: KioskContext, roles: frozenset[str] | None = None) -> list[Account]:
    with ctx.store.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(select(AccountRow).order_by(AccountRow.id)).all()
        return [_account(ctx, r) for r in rows if roles is None or r.role in roles]


def get_account(ctx: KioskContext, account_id: str) -> Account | None:
    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.session.get(AccountRow, normalize_id(account_id))
        return _account(ctx, row) if row else None


def verify_login(
    ctx: KioskContext, account_id: str, pin: str, *, roles: frozenset[str] | None = None
) -> LoginResult:
    """Check a login: the account when the PIN matches and the role fits, else a refusal.

    While an id is locked the PIN is not even checked. The same work is done for an
    unknown id as for a known one. An id not of the account-id form is refused without a
    try (``bad_id``); an id that is no account is counted and audited only as
    ``unknown#<hash>`` (:func:`unknown_ref`), never in clear."""
    now = _now(ctx)
    cipher = ctx.store.cipher
    if not is_valid_id(account_id):
        log_actor = f"login:{unknown_ref(ctx, account_id)}"
        audit.log_event(ctx, actor=log_actor, action="login_bad_id")
        return LoginResult(None, bad_id=True)
    wanted = normalize_id(account_id)
    with ctx.store.unit_of_work() as uow:
        row = uow.session.get(AccountRow, wanted)
        key = wanted if row is not None else unknown_ref(ctx, wanted)
        throttle = uow.session.get(LoginThrottle, key)
        if throttle is not None and throttle.locked_until and throttle.locked_until > now:
            left = int((throttle.locked_until - now).total_seconds()) + 1
            audit.record(uow.session, actor=f"login:{key}", action="login_locked")
            uow.commit()
            return LoginResult(None, locked_s=left, failures=throttle.failures)
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
            throttle = LoginThrottle(account_id=key, failures=0)
            uow.session.add(throttle)
        throttle.failures += 1
        throttle.last_failure_at = now
        delay = lockout_seconds(throttle.failures)
        throttle.locked_until = now + timedelta(seconds=delay) if delay else None
        audit.record(
            uow.session,
            actor=f"login:{key}",
            action="login_failed",
            detail=f"failures={throttle.failures}" + (f"; locked {delay} s" if delay else ""),
        )
        uow.commit()
        return LoginResult(None, locked_s=delay, failures=throttle.failures)
