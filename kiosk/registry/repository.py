"""Registry records in the kiosk's store: encrypted like cases, found by blind index.

Reads for prefill go through their own read-only connection: the form engine
looks people up while a unit of work holds the write lock (answering an ID
number question), and a second writer would wait for that lock forever.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.registry.records import Resident
from kiosk.store.crypto import FieldCipher
from kiosk.store.database import READ_ONLY
from kiosk.store.models import RegistryRecord, utcnow
from kiosk.store.uow import Store

META_VERSION = "registry.source_version"
META_DEMO = "registry.demo"
META_COUNT = "registry.count"
META_LOADED_AT = "registry.loaded_at"


def person_key(cipher: FieldCipher, id_number: str) -> str:
    return cipher.blind_index(id_number)


def household_key(cipher: FieldCipher, household: str) -> str:
    # A distinct prefix keeps a 户号 from ever matching an ID number's index.
    return cipher.blind_index(f"household:{household}")


def _seal(cipher: FieldCipher, key: str, resident: Resident) -> bytes:
    raw = json.dumps(resident.to_json(), ensure_ascii=False, separators=(",", ":"))
    return cipher.encrypt(raw.encode("utf-8"), context=f"registry:{key}".encode())


def _open(cipher: FieldCipher, key: str, blob: bytes) -> Resident:
    raw = cipher.decrypt(blob, context=f"registry:{key}".encode())
    return Resident.from_json(json.loads(raw))


class RegistryRepository:
    def __init__(self, session: Session, cipher: FieldCipher) -> None:
        self.session = session
        self.cipher = cipher

    def replace_all(self, residents: Iterable[Resident], *, source_version: str) -> int:
        """Drop the previous extract and write this one (the caller's transaction)."""
        self.session.execute(delete(RegistryRecord))
        now = utcnow()
        count = 0
        for resident in residents:
            key = person_key(self.cipher, resident.id_number)
            self.session.add(
                RegistryRecord(
                    person_key=key,
                    household_key=household_key(self.cipher, resident.household),
                    record=_seal(self.cipher, key, resident),
                    source_version=source_version,
                    loaded_at=now,
                )
            )
            count += 1
        return count

    def get(self, id_number: str) -> Resident | None:
        key = person_key(self.cipher, id_number)
        row = self.session.get(RegistryRecord, key)
        return _open(self.cipher, key, row.record) if row else None

    def household(self, household: str) -> list[Resident]:
        query = select(RegistryRecord).where(
            RegistryRecord.household_key == household_key(self.cipher, household)
        )
        return [_open(self.cipher, r.person_key, r.record) for r in self.session.scalars(query)]


def read_resident(store: Store, id_number: str) -> Resident | None:
    """One record, read without taking the write lock (safe inside another unit of work)."""
    key = person_key(store.cipher, id_number)
    with store.engine.connect() as conn:
        conn.execution_options(**{READ_ONLY: True})
        blob = conn.scalar(select(RegistryRecord.record).where(RegistryRecord.person_key == key))
    return _open(store.cipher, key, blob) if blob is not None else None
