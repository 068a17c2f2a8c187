"""The server's identity: an epoch that changes when its data is restored, and a secret.

Both live in the ``server_meta`` table, with the data. A kiosk remembers the epoch its
acknowledgements came from; when the epoch it sees differs, it asks which of its sent
cases the server still has and sends the rest again (docs/sync-protocol.md,
"Reconciliation").

The epoch changes:

- when an admin says so: ``kiosk-server epoch rotate`` (the restore procedure in
  docs/deployment.md ends with it);
- by itself at start-up when the database holds fewer cases than a watermark file in
  the server's home says it once held: the database went back in time (restored from a
  backup, or another database behind the same URL). The watermark only grows and is a
  lower bound of the true count, so it never rotates the epoch without cause.

Kiosks also compare their own counts with the server's on every round and run the full
check on a schedule, so a restore nobody announced is found even without a new epoch.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.server.models import ServerCase, ServerMeta

log = logging.getLogger(__name__)
EPOCH = "epoch"
SECRET = "nonce_secret"
WATERMARK_FILE = "epoch-watermark.json"


def meta_get(session: Session, key: str) -> str | None:
    row = session.get(ServerMeta, key)
    return row.value if row else None


def meta_set(session: Session, key: str, value: str) -> None:
    row = session.get(ServerMeta, key)
    if row is None:
        session.add(ServerMeta(key=key, value=value))
    else:
        row.value = value


def current_epoch(session: Session) -> str:
    return meta_get(session, EPOCH) or ""


def meta_secret(session: Session) -> bytes:
    """The server's HMAC key for nonces (made by ensure_identity at start-up)."""
    value = meta_get(session, SECRET)
    if value is None:
        raise RuntimeError("server identity missing: ensure_identity() was not run")
    return bytes.fromhex(value)


def ensure_identity(sessions: sessionmaker[Session]) -> str:
    """Create the epoch and the secret if this database has none; return the epoch.
    Safe when several server processes start at once (the loser re-reads)."""
    for _ in range(3):
        with sessions() as session:
            # Both read before anything is added: a read after an add autoflushes it, and
            # another process's row would then raise outside the try below.
            epoch, secret = current_epoch(session), meta_get(session, SECRET)
            if epoch and secret:
                return epoch
            if not epoch:
                epoch = str(uuid.uuid4())
                session.add(ServerMeta(key=EPOCH, value=epoch))
            if not secret:
                session.add(ServerMeta(key=SECRET, value=secrets.token_hex(32)))
            try:
                session.commit()
                return epoch
            except IntegrityError:
                session.rollback()
    raise RuntimeError("could not create the server identity")


def rotate_epoch(session: Session) -> str:
    """A new epoch: every kiosk will check which of its cases this server has."""
    epoch = str(uuid.uuid4())
    meta_set(session, EPOCH, epoch)
    return epoch


def case_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ServerCase)) or 0)


class Watermark:
    """The most cases this database was ever seen to hold, in a file beside the data.

    ``check`` at start-up rotates the epoch when the database holds fewer; ``add`` after
    each intake raises the mark. Never lowered, so concurrent processes only make it
    lag behind the truth, never run ahead of it."""

    def __init__(self, home: Path | None) -> None:
        self.path = home / WATERMARK_FILE if home else None
        self._lock = threading.Lock()
        self._count = 0
        self._epoch = ""

    def _read(self) -> tuple[str, int]:
        if self.path is None or not self.path.exists():
            return "", 0
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return str(data["epoch"]), int(data["cases"])
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("%s is unreadable; starting a new watermark", self.path)
            return "", 0

    def _write(self, epoch: str, count: int) -> None:
        if self.path is None:
            return
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"epoch": epoch, "cases": count}, fh)
        os.replace(tmp, self.path)

    def check(self, sessions: sessionmaker[Session]) -> str:
        """At start-up: rotate the epoch if the database went back in time; return it."""
        with sessions() as session:
            epoch, count = current_epoch(session), case_count(session)
            mark_epoch, mark = self._read()
            if mark_epoch == epoch and count < mark:
                epoch = rotate_epoch(session)
                session.commit()
                log.warning(
                    "the database holds %d cases, it once held %d: restored from a backup? "
                    "new epoch %s; kiosks will send again what is missing",
                    count,
                    mark,
                    epoch,
                )
        with self._lock:
            self._epoch, self._count = epoch, count
            self._write(epoch, count)
        return epoch

    def add(self, created: int, epoch: str) -> None:
        """``created`` cases were just stored under ``epoch``: raise the mark."""
        if created <= 0 or self.path is None:
            return
        with self._lock:
            if epoch != self._epoch:
                return  # rotated under us (kiosk-server epoch rotate): the next start re-reads
            self._count += created
            mark_epoch, mark = self._read()
            if mark_epoch == epoch and mark >= self._count:
                return
            self._write(epoch, max(self._count, mark if mark_epoch == epoch else 0))
