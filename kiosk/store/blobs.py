"""Encrypted files for attachment images, beside the database (``<data root>/attachments``).

Images are too big for the SQLite file (every purge would rewrite megabytes of pages),
so each one is a file of its own, encrypted with the same device key and AES-256-GCM as
the personal columns (kiosk.store.crypto), its associated data naming the attachment
(``attachment:<id>``) so a file renamed onto another attachment does not open. Nothing
in the folder is readable without ``keys/device.key``: no image header, no EXIF.

Files are written to a temporary name, flushed and renamed into place, so a kill at any
moment leaves either the whole file or none. ``delete`` overwrites the ciphertext with
zeros before unlinking it (best effort on flash storage; the ciphertext is useless
without the device key in any case).
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.store.crypto import CryptoError, FieldCipher

ATTACHMENTS_DIR = "attachments"


class BlobMissing(CryptoError):
    """The encrypted file of an attachment is not there (purged, or the folder was lost)."""


class BlobStore:
    def __init__(self, root: Path, cipher: FieldCipher) -> None:
        self.root = root
        self._cipher = cipher

    def path(self, blob_id: str) -> Path:
        if not blob_id or any(ch not in "0123456789abcdef-" for ch in blob_id):
            raise ValueError(f"not an attachment id: {blob_id!r}")
        return self.root / blob_id[:2] / f"{blob_id}.enc"

    @staticmethod
    def _context(blob_id: str) -> bytes:
        return f"attachment:{blob_id}".encode()

    def write(self, blob_id: str, data: bytes) -> int:
        """Encrypt and store ``data``; returns the bytes written to disk."""
        path = self.path(blob_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        blob = self._cipher.encrypt(data, context=self._context(blob_id))
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, blob)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        return len(blob)

    def read(self, blob_id: str) -> bytes:
        """The image bytes (BlobMissing when the file is gone, CryptoError when it does not
        open with this device key or was changed)."""
        path = self.path(blob_id)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"{path}: attachment file is missing") from None
        return self._cipher.decrypt(blob, context=self._context(blob_id))

    def exists(self, blob_id: str) -> bool:
        return self.path(blob_id).exists()

    def delete(self, blob_id: str) -> bool:
        """Overwrite with zeros and remove; False when there was nothing to remove."""
        path = self.path(blob_id)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return False
        with path.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        return True
