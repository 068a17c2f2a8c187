"""The store and its unit of work: leaving the block without commit() rolls everything back."""

from __future__ import annotations

import hmac
import sys
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import DataRootError, StoreBusy, make_private_root
from kiosk.store.blobs import ATTACHMENTS_DIR, BlobStore
from kiosk.store.crypto import (
    KEY_CHECK_TEXT,
    KEY_FILE,
    CryptoError,
    FieldCipher,
    load_or_create_device_key,
)
from kiosk.store.database import DB_FILE, READ_ONLY, create_sqlite_engine, migrate_to_head
from kiosk.store.models import utcnow
from kiosk.store.repositories import CaseRepository, MetaRepository, OutboxRepository
from kiosk.store.schema_stamp import is_lock_error, lost_store, mark_store_made

__all__ = ["KEY_CHECK_TEXT", "Store", "UnitOfWork"]


class Store:
    """The kiosk's local database and the key that opens its personal fields."""

    def __init__(self, engine: Engine, cipher: FieldCipher, blobs: BlobStore | None = None) -> None:
        self.engine = engine
        self.cipher = cipher
        # Encrypted attachment images; beside the database file unless given.
        db_file = Path(engine.url.database or ".")
        self.blobs = blobs or BlobStore(db_file.parent / ATTACHMENTS_DIR, cipher)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Reads take no write lock: a plain BEGIN sees the last committed snapshot (WAL),
        # so ``kiosk cases list`` or an open does not wait behind a writer (break19c #7).
        self._read_sessions = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # The time audit entries carry: naive UTC from the kiosk's clock (open_kiosk sets it).
        self.now: Callable[[], datetime] = utcnow
        self._check_key()
        self.device_id = self._device_id()

    @classmethod
    def open(cls, data_root: Path) -> Store:
        """Open (creating and migrating as needed) the store under a data root.

        Raises DataRootError naming the file when the folder cannot be used (StoreBusy:
        another program holds its lock past the busy timeout), the database file is
        missing or empty though a store was made here (``lost_store``), the database
        is damaged or was made by a newer kiosk (its schema stamp unknown here);
        CryptoError when the device key is gone (a new key would never open the fields
        already written) or does not fit the database.
        """
        make_private_root(data_root)
        db_file = data_root / DB_FILE
        if db_file.is_file() and db_file.stat().st_size > 0 and not (data_root / KEY_FILE).exists():
            raise CryptoError(
                f"{data_root / KEY_FILE} is missing but {db_file} exists: restore the key "
                "file from its backup (a new key cannot open the personal fields stored)"
            )
        lost = lost_store(data_root)
        if lost is not None:
            raise DataRootError(lost)
        cipher = FieldCipher(load_or_create_device_key(data_root))
        engine = create_sqlite_engine(db_file)
        try:
            migrate_to_head(engine)
            store = cls(engine, cipher, BlobStore(data_root / ATTACHMENTS_DIR, cipher))
            mark_store_made(data_root, store.device_id)
            return store
        except DatabaseError as exc:
            engine.dispose()
            # another program's transaction is not damage
            if exc.orig is not None and is_lock_error(exc.orig):
                raise StoreBusy(
                    f"{db_file} is busy: another program holds a lock on it ({exc.orig}); "
                    "try again in a moment"
                ) from exc
            raise DataRootError(
                f"{db_file} is damaged ({exc.orig}): restore it from backup"
            ) from exc
        except Exception as exc:
            engine.dispose()
            # Alembic is imported only to migrate (issue 19): if it raised, it is loaded.
            alembic_exc = sys.modules.get("alembic.util.exc")
            if alembic_exc is not None and isinstance(exc, alembic_exc.CommandError):
                raise DataRootError(  # a stamp no migration here knows
                    f"{db_file} has a schema this kiosk version does not know ({exc}): "
                    "was it made by a newer kiosk?"
                ) from exc
            raise

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work: its transaction takes the write lock when it begins (no
        read-then-upgrade deadlock between writers). ``read_only``: it takes none and sees
        the last committed state; its ``commit()`` raises RuntimeError."""
        sessions = self._read_sessions if read_only else self._sessions
        return UnitOfWork(sessions, self.cipher, self.now, read_only=read_only)

    def _meta_once(self, key: str, make: Callable[[], str]) -> str:
        """The meta value ``key``, written as ``make()`` the first time (under the write
        lock, read again there); read without a lock on every later open."""
        with self.unit_of_work(read_only=True) as uow:
            value = uow.meta.get(key)
        if value is not None:
            return value
        with self.unit_of_work() as uow:
            value = uow.meta.get(key)
            if value is None:
                value = make()
                uow.meta.set(key, value)
                uow.commit()
            return value

    def _check_key(self) -> None:
        """Refuse a key that did not write this database, before anything is mixed or lost."""
        check = self.cipher.blind_index(KEY_CHECK_TEXT)
        stored = self._meta_once("key_check", lambda: check)
        if not hmac.compare_digest(stored, check):
            raise CryptoError(
                f"{self.engine.url.database}: the device key does not open this database "
                f"(was {KEY_FILE} replaced?); restore the original key file"
            )

    def _device_id(self) -> str:
        return self._meta_once("device_id", lambda: str(uuid.uuid4()))

    def close(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    cases: CaseRepository
    outbox: OutboxRepository
    meta: MetaRepository
    session: Session

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cipher: FieldCipher,
        now: Callable[[], datetime] = utcnow,
        *,
        read_only: bool = False,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._now = now
        self._read_only = read_only

    def __enter__(self) -> Self:
        self.session = self._sessions()
        self.cases = CaseRepository(self.session, self._cipher, self._now)
        self.outbox = OutboxRepository(self.session)
        self.meta = MetaRepository(self.session)
        return self

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()  # a no-op after commit(); undoes anything left uncommitted
        self.session.close()
