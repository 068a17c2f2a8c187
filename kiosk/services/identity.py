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
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select

from kiosk.device_identity import load_or_create_signing_key, load_public_key_b64
from kiosk.printing.signing import CaseIdentity, sign_identity
from kiosk.store.models import CaseRow
from kiosk.store.uow import Store

log = logging.getLogger(__name__)
TRUSTED_KEYS_FILE = "keys/trusted-devices.json"


class KeyFileError(ValueError):
    """A key file that cannot be used (message names the file and the entry)."""


def sign_case(row: CaseRow, key: Ed25519PrivateKey) -> str:
    """The identity code of a finalized case row, signed with this device's key."""
    assert row.content_hash is not None
    identity = CaseIdentity(
        row.id, row.number, row.form_id, row.form_version, row.content_hash, row.device_id
    )
    return sign_identity(identity, key)


def sign_missing_identity_codes(store: Store, data_root: Path) -> int:
    """Sign this device's finalized cases that have no identity code yet (cases finalized
    before codes were stored); other devices' cases are never signed here."""
    with store.unit_of_work() as uow:
        rows = list(
            uow.session.scalars(
                select(CaseRow).where(
                    CaseRow.identity_code.is_(None),
                    CaseRow.content_hash.is_not(None),
                    CaseRow.device_id == store.device_id,
                )
            )
        )
        if not rows:
            return 0
        key = load_or_create_signing_key(data_root)
        for row in rows:
            row.identity_code = sign_case(row, key)
        uow.commit()
    log.info("signed the identity code of %d earlier case(s)", len(rows))
    return len(rows)


def read_key_file(path: Path) -> dict[str, str]:
    """``{"device id": "public key (urlsafe base64)"}`` as ``kiosk qr key`` prints it.

    A list of ``{"device_id": ..., "public_key": ...}`` (the server's reference data)
    is read too. Raises KeyFileError naming the file and the bad entry.
    """
    try:
        body: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyFileError(f"{path}: cannot read a JSON key file: {exc}") from exc
    if isinstance(body, list):
        try:
            body = {str(d["device_id"]): str(d["public_key"]) for d in body}
        except (KeyError, TypeError) as exc:
            raise KeyFileError(f"{path}: each entry needs device_id and public_key") from exc
    if not isinstance(body, dict):
        raise KeyFileError(f'{path}: expected {{"device id": "public key"}}')
    keys: dict[str, str] = {}
    for device_id, text in body.items():
        try:
            load_public_key_b64(str(text))
        except (ValueError, TypeError) as exc:
            raise KeyFileError(f"{path}: {device_id}: not an Ed25519 public key") from exc
        keys[str(device_id)] = str(text)
    return keys


def _server_keys(store: Store, data_root: Path) -> dict[str, str]:
    from kiosk.sync.pull import read_reference  # the sync package builds on services

    try:
        stored = read_reference(store, data_root, "devices")
    except (OSError, ValueError, KeyError) as exc:
        log.warning("stored device keys are not readable: %s", exc)
        return {}
    if stored is None or not isinstance(stored[1], list):
        return {}
    return {
        str(d["device_id"]): str(d["public_key"])
        for d in stored[1]
        if isinstance(d, dict) and d.get("device_id") and d.get("public_key")
    }


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
    new = read_key_file(path)
    target = data_root / TRUSTED_KEYS_FILE
    current = read_key_file(target) if target.exists() else {}
    current.update({d: k for d, k in new.items() if d != store.device_id})
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return len(current)
