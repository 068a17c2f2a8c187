"""Identity codes and the device keys a kiosk trusts (docs/qr-format.md, "Trust rule").

A case's identity code is signed once, by the device that made it, when it is
finalized; it is stored with the case and printed and synced as it is, so a reprint
on another kiosk carries the original signature. The public keys this kiosk checks
other kiosks' codes with come from, in this order of precedence: its own key, the
town server's reference data (kind ``devices``, pulled by sync) and the key file
``<data root>/keys/trusted-devices.json`` (offline halls: ``kiosk qr trust FILE``).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kiosk.device_identity import load_or_create_signing_key, load_public_key_b64
from kiosk.domain.case_hash import envelope_digest
from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.domain.case_packet import release_extra
from kiosk.domain.identity_format import IDENTITY_PREFIX_V1
from kiosk.services.case_errors import CaseError
from kiosk.store.models import CaseRow
from kiosk.store.uow import Store

if TYPE_CHECKING:  # cryptography is loaded when a key is (issue 19: idle memory)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

log = logging.getLogger(__name__)
TRUSTED_KEYS_FILE = "keys/trusted-devices.json"


class KeyFileError(ValueError):
    """A key file that cannot be used (message names the file and the entry)."""


def sign_case(row: CaseRow, key: Ed25519PrivateKey) -> str:
    """The identity code (format 2) of a finalized case row, signed with this device's key:
    it signs the envelope the case leaves with (kiosk.services.packets.packet_of: the
    finalize time, volunteer, bundle, and the release and policy version as ``extra``)."""
    # Loaded here: every kiosk start imports this module, and printing (the form
    # schema behind the compact value codes) only when a case is signed (issue 19).
    from kiosk.printing.signing import CaseIdentity, sign_identity

    if row.content_hash is None or row.finalized_at is None:
        raise CaseError(
            f"case {row.number} cannot be signed: it is not finalized "
            "(no content hash or finalize time)"
        )
    extra = release_extra(row.release, row.policy_version)
    envelope = envelope_digest(
        row.finalized_at.isoformat() + "Z", row.volunteer_id, row.bundle_id, extra
    )
    identity = CaseIdentity(
        row.id,
        row.number,
        row.form_id,
        row.form_version,
        row.content_hash,
        row.device_id,
        envelope,
    )
    return sign_identity(identity, key)


def sign_missing_identity_codes(store: Store, data_root: Path) -> int:
    """Sign this device's finalized cases that have no identity code yet (cases finalized
    before codes were stored), or only a format-1 code (it does not sign the envelope, so
    the trust rule refuses it); other devices' cases are never signed here."""
    unsigned = select(CaseRow.id).where(
        CaseRow.identity_code.is_(None) | CaseRow.identity_code.startswith(IDENTITY_PREFIX_V1),
        CaseRow.content_hash.is_not(None),
        CaseRow.finalized_at.is_not(None),
        CaseRow.device_id == store.device_id,
    )
    with store.unit_of_work(read_only=True) as uow:  # every open: no write lock for nothing
        if uow.session.scalar(unsigned.limit(1)) is None:
            return 0
    with store.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(CaseRow).where(CaseRow.id.in_(unsigned))))
        if not rows:
            return 0
        key = load_or_create_signing_key(data_root)
        for row in rows:
            row.identity_code = sign_case(row, key)
        uow.commit()
    log.info("signed the identity code of %d earlier case(s)", len(rows))
    return len(rows)


def read_key_file(path: Path) -> dict[str, str]:
    """``{"device id": "public key (urlsafe base64)"}`` (device id → key).

    Also read: ``{"device id": {"public_key": ..., "device_no": 3}}`` as ``kiosk qr key``
    prints it for an enrolled kiosk, and a list of ``{"device_id": ..., "public_key":
    ...}`` (the server's reference data). Raises KeyFileError naming the file and the
    bad entry. The device numbers: ``read_key_file_numbers``.
    """
    return {d: entry[0] for d, entry in _read_entries(path).items()}


def read_key_file_numbers(path: Path) -> dict[str, int]:
    """Device id → device number, for the entries of a key file that give one."""
    return {d: n for d, (_key, n) in _read_entries(path).items() if n is not None}


def _read_entries(path: Path) -> dict[str, tuple[str, int | None]]:
    try:
        body: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileError(f"{path}: cannot read a JSON key file: {exc}") from exc
    if isinstance(body, list):
        try:
            body = {str(d["device_id"]): d for d in body}
        except (KeyError, TypeError) as exc:
            raise KeyFileError(f"{path}: each entry needs device_id and public_key") from exc
    if not isinstance(body, dict):
        raise KeyFileError(f'{path}: expected {{"device id": "public key"}}')
    keys: dict[str, tuple[str, int | None]] = {}
    for device_id, value in body.items():
        text, number = (
            (value.get("public_key"), value.get("device_no"))
            if isinstance(value, dict)
            else (value, None)
        )
        try:
            load_public_key_b64(str(text))
        except (ValueError, TypeError) as exc:
            raise KeyFileError(f"{path}: {device_id}: not an Ed25519 public key") from exc
        if number is not None and (
            not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 1000
        ):
            raise KeyFileError(f"{path}: {device_id}: device_no must be a number 1-999")
        keys[str(device_id)] = (str(text), number)
    return keys


def _server_devices(store: Store, data_root: Path) -> list[dict[str, Any]]:
    from kiosk.sync.pull import read_reference  # the sync package builds on services

    try:
        stored = read_reference(store, data_root, "devices")
    except (OSError, ValueError, KeyError) as exc:
        log.warning("stored device keys are not readable: %s", exc)
        return []
    if stored is None or not isinstance(stored[1], list):
        return []
    return [
        d for d in stored[1] if isinstance(d, dict) and d.get("device_id") and d.get("public_key")
    ]


def _server_keys(store: Store, data_root: Path) -> dict[str, str]:
    return {str(d["device_id"]): str(d["public_key"]) for d in _server_devices(store, data_root)}


def trusted_numbers(
    store: Store, data_root: Path, extra_files: list[Path] | None = None
) -> dict[str, int]:
    """Device id → the device number the town server gave it: this kiosk's own (once
    enrolled), the server's ``devices`` list, then key files that name one (the server's
    list wins). The trust rule checks a case number's device part against it."""
    numbers: dict[str, int] = {}
    for path in [data_root / TRUSTED_KEYS_FILE, *(extra_files or [])]:
        if path.exists():
            numbers.update(read_key_file_numbers(path))
    for d in _server_devices(store, data_root):
        number = d.get("device_no")
        if isinstance(number, int) and not isinstance(number, bool):
            numbers[str(d["device_id"])] = number
    with store.unit_of_work(read_only=True) as uow:
        own = uow.meta.get(DEVICE_NO_KEY)
    if own and own.isdigit():
        numbers[store.device_id] = int(own)
    return numbers


def trusted_keys(
    store: Store, data_root: Path, extra_files: list[Path] | None = None
) -> dict[str, Ed25519PublicKey]:
    """Device id → public key: own key, then the server's list, then key files.

    A key file naming a device the server knows with another key is ignored for that
    device (logged): the server refuses re-keying an enrolled device, so it is right.
    """
    texts: dict[str, str] = {}
    files = [data_root / TRUSTED_KEYS_FILE, *(extra_files or [])]
    for path in files:
        if path.exists() or path in (extra_files or []):
            texts.update(read_key_file(path))
    for device_id, text in _server_keys(store, data_root).items():
        if texts.get(device_id, text) != text:
            log.warning("key file entry of device %s differs from the server's: ignored", device_id)
        texts[device_id] = text
    keys = {d: load_public_key_b64(t) for d, t in texts.items()}
    keys[store.device_id] = load_or_create_signing_key(data_root).public_key()
    return keys


def add_trusted_keys(store: Store, data_root: Path, path: Path) -> int:
    """Merge a key file into this kiosk's trusted key file; returns how many keys it holds."""
    new = _read_entries(path)
    target = data_root / TRUSTED_KEYS_FILE
    current: dict[str, Any] = {}
    if target.exists():
        for d, (key, number) in _read_entries(target).items():
            current[d] = key if number is None else {"public_key": key, "device_no": number}
    for d, (key, number) in new.items():
        if d != store.device_id:
            current[d] = key if number is None else {"public_key": key, "device_no": number}
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return len(current)
