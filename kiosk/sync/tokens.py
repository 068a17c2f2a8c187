"""The kiosk's side of enrollment and token renewal (docs/sync-protocol.md, "Enrollment").

Both ask the server for a nonce and sign it with the device's Ed25519 key
(kiosk.device_identity): enrollment also names the one-time code; renewal needs no code,
only the key, so a kiosk whose token expired (or was rotated away by a restored data
root) gets a new one by itself. A revoked device cannot: staff must enroll it again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.device_identity import load_or_create_signing_key, public_key_b64
from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.store.models import utcnow
from kiosk.store.uow import Store
from kiosk.sync import state
from kiosk.sync.proofs import ENROLL_PURPOSE, TOKEN_PURPOSE, proof_message, sign_proof
from kiosk.sync.protocol import device_no_of

if TYPE_CHECKING:  # the client (httpx) is imported by whoever makes one (issue 19)
    from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)
# Renew when less than this is left (tokens live 30 days on the server).
RENEW_BEFORE = timedelta(days=10)


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())


def enroll(client: SyncClient, data_root: Path, device_id: str, code: str) -> dict[str, Any]:
    """Enroll with a one-time code, proving possession of the device key; the answer."""
    key = load_or_create_signing_key(data_root)
    public = public_key_b64(key)
    nonce = client.challenge()
    message = proof_message(ENROLL_PURPOSE, nonce, device_id, public, _normalise_code(code))
    fields = {
        "code": code.strip(),
        "device_id": device_id,
        "public_key": public,
        "nonce": nonce,
        "signature": sign_proof(key, message),
    }
    return client.enroll(fields)


def _expiry(answer: dict[str, Any]) -> str:
    value = answer.get("token_expires_at")
    try:
        return datetime.fromisoformat(str(value).removesuffix("Z")).isoformat()
    except ValueError:
        return ""


def save_answer(store: Store, answer: dict[str, Any], *, enrolled: bool) -> state.Credentials:
    """Keep the token (encrypted), its expiry, the device number the server assigned (part
    of every case number from now on), on enrollment the server's epoch, and the server's
    release-signing key (``release_key``; kiosk.services.published)."""
    creds = state.Credentials(str(answer["device_id"]), str(answer["token"]))
    device_no = device_no_of(answer)
    with store.unit_of_work() as uow:
        state.save_credentials(uow.meta, store.cipher, creds)
        uow.meta.set(state.TOKEN_EXPIRES, _expiry(answer))
        if device_no is not None:
            uow.meta.set(DEVICE_NO_KEY, str(device_no))
        if enrolled:
            uow.meta.set(state.CHANGES_CURSOR, "0")
            uow.meta.set(state.EPOCH, str(answer.get("epoch") or ""))
        release_key = answer.get("release_key")
        # Enrollment sets it; a renewal only fills it in for a kiosk enrolled before
        # servers sent it (both answers come over the channel the code or key proved).
        if (
            isinstance(release_key, str)
            and release_key
            and (enrolled or not uow.meta.get(state.RELEASE_KEY))
        ):
            uow.meta.set(state.RELEASE_KEY, release_key)
        uow.commit()
    return creds


def renewal_due(store: Store, now: datetime | None = None) -> bool:
    """True when the token expires within RENEW_BEFORE (or its expiry is unknown)."""
    with store.unit_of_work() as uow:
        expires = state.get_time(uow.meta, state.TOKEN_EXPIRES)
    return expires is None or expires - (now or utcnow()) < RENEW_BEFORE


def renewal_due_by_server(answer: dict[str, Any]) -> bool | None:
    """By the server's own clock (the one that counts): does the token of a ``GET /device``
    answer expire within RENEW_BEFORE of that answer's ``server_time``? None when the
    answer lacks either time (then ``renewal_due`` decides by the kiosk's clock). A kiosk
    whose clock is weeks off thus neither renews at every round nor lets its token lapse."""
    expires = _server_time(answer.get("token_expires_at"))
    now = _server_time(answer.get("server_time"))
    if expires is None or now is None:
        return None
    return expires - now < RENEW_BEFORE


def _server_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        return None
    return stamp.replace(tzinfo=None)


def renew(store: Store, client: SyncClient, data_root: Path) -> state.Credentials:
    """Get a fresh token by signing a nonce; the client uses it from now on.
    Raises SyncFailure (AuthRefused when the device was revoked)."""
    with store.unit_of_work() as uow:
        creds = state.load_credentials(uow.meta, store.cipher)
    if creds is None:
        raise ValueError("not enrolled")
    key = load_or_create_signing_key(data_root)
    nonce = client.challenge()
    message = proof_message(TOKEN_PURPOSE, nonce, creds.device_id, public_key_b64(key))
    answer = client.renew_token(creds.device_id, nonce, sign_proof(key, message))
    fresh = save_answer(store, answer, enrolled=False)
    client.set_token(fresh.token)
    log.info("sync token renewed")
    return fresh
