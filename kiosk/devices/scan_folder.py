"""A folder a scanner saves into, watched for new pages.

Network and USB scanners "scan to folder": the file appears, grows while it is written,
then stays. ``ScanFolder.poll()`` returns the files that are complete: seen at the same
size and modification time on two polls in a row, and not modified for ``settle_s``
seconds (SETTLE_S; a half-written file is never taken), with an image suffix, not
hidden. A file taken that does not decode (a scanner that paused mid-write) is looked at
again (``retry_later``) up to RETRIES times before it is refused. The caller stores a
page (encrypted), then calls ``done(path)``, which overwrites the scanner's clear copy
with zeros and removes it (a resident's documents stay only encrypted; a restart cannot
import it twice); ``refuse(path)`` moves a file that could not be kept into
``<folder>/未导入/`` for staff.
Polling, not inotify: it works the same on Windows shares and Samba mounts.

Only the folder's own regular files are touched: a symbolic link is never followed (it
is moved, as a link, into ``未导入``; what it points to is neither read nor written), a
file is read and zeroed through a descriptor opened with ``O_NOFOLLOW`` and checked on
that descriptor, and a file with other hard links is removed without zeroing (its other
name, perhaps outside the folder, keeps its bytes).
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SETTLE_S = 2.0  # seconds a file must stay unchanged (size and mtime) before it is taken
RETRIES = 3  # looks at a file that does not decode before it goes to 未导入
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".pdf"}
REFUSED_DIR = "未导入"


class ScanFolderError(OSError):
    """The folder is missing or unreadable (message names it)."""


class ScanFolder:
    def __init__(
        self, folder: Path, *, settle_s: float = SETTLE_S, clock: Callable[[], float] = time.time
    ) -> None:
        self.folder = folder
        self.settle_s = settle_s
        self._clock = clock
        self._seen: dict[Path, tuple[int, int]] = {}
        self._tries: dict[tuple[Path, tuple[int, int]], int] = {}

    def check(self) -> None:
        if not self.folder.is_dir():
            raise ScanFolderError(f"{self.folder}: scan folder is not there")
        if not os.access(self.folder, os.R_OK | os.W_OK):
            raise ScanFolderError(f"{self.folder}: scan folder is not readable and writable")

    def poll(self) -> list[Path]:
        """Complete image files, oldest first (ScanFolderError if the folder is gone)."""
        self.check()
        now: dict[Path, tuple[int, int]] = {}
        for entry in os.scandir(self.folder):
            path = Path(entry.path)
            if entry.name.startswith((".", "~")):
                continue
            if entry.is_symlink():
                log.warning("scan folder: %s is a symbolic link; moved aside, not followed", path)
                self.refuse(path)
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            info = entry.stat(follow_symlinks=False)
            now[path] = (info.st_size, info.st_mtime_ns)
        settled = self._clock() - self.settle_s
        ready = [
            p
            for p, sig in now.items()
            if sig[0] > 0 and self._seen.get(p) == sig and sig[1] / 1e9 <= settled
        ]
        self._seen = {p: sig for p, sig in now.items() if p not in ready}
        return sorted(ready, key=lambda p: now[p][1])

    def _move(self, path: Path, sub: str) -> Path:
        target_dir = self.folder / sub
        target_dir.mkdir(exist_ok=True)
        target = target_dir / path.name
        n = 1
        while target.exists():
            target = target_dir / f"{path.stem}-{n}{path.suffix}"
            n += 1
        os.replace(path, target)
        return target

    def retry_later(self, path: Path) -> bool:
        """A file taken did not decode: True when it should be looked at again (fewer
        than RETRIES looks at it as it is now; a file that changes starts over)."""
        try:
            info = path.stat(follow_symlinks=False)
        except OSError:
            return False
        key = (path, (info.st_size, info.st_mtime_ns))
        self._tries[key] = self._tries.get(key, 0) + 1
        return self._tries[key] < RETRIES

    def done(self, path: Path) -> None:
        """The page is stored: zero the clear file and remove it. A link is removed as a
        link (never written through); a file with other hard links is only removed."""
        flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError:
            path.unlink(missing_ok=True)  # a link (ELOOP) or gone: nothing of ours to zero
            return
        with os.fdopen(fd, "wb") as handle:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
                handle.write(b"\0" * info.st_size)
                handle.flush()
                os.fsync(fd)
        path.unlink()

    def refuse(self, path: Path) -> Path:
        return self._move(path, REFUSED_DIR)
