"""The CJK font chain shared by screens and paper, and which characters it can draw.

One primary face (WenQuanYi Micro Hei, Chinese Hei forms) and three fallback faces,
each a subset holding only what the faces before it lack (built by
``scripts/build_fonts.py`` from Debian's font packages; licences and coverage in
assets/fonts/README.md). Together they cover the 通用规范汉字表 (8,105 characters), CJK
Ext A and Ext B complete, and the 通用规范汉字表's characters in Ext C-F (the rare name
characters of GB 18030-2022 level 2), plus Latin, digits and CJK punctuation.

``undrawable(text)`` is the rule the answer layer uses to refuse text the paper could
not show (emoji, private-use characters, unassigned code points), so a case never holds
what its print would drop. Core module: no Qt, no drawing; each face's coverage is read
once per process, only when a character is not in the faces before it, from a table
cached on disk (``coverage``).
"""

from __future__ import annotations

import os
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kiosk.assets import AssetDamaged, AssetMissing, assets_dir


@dataclass(frozen=True)
class ChainFace:
    file: str  # relative to assets/
    family: str  # as Qt and fc-query report it; also the reportlab font name
    subfont_index: int = 0  # face index inside a .ttc


FONT_CHAIN: tuple[ChainFace, ...] = (
    ChainFace("fonts/wqy-microhei.ttc", "WenQuanYi Micro Hei", 0),
    ChainFace("fonts/kiosk-ext-hei.ttf", "Kiosk Ext Hei"),
    ChainFace("fonts/kiosk-ext-ming.ttf", "Kiosk Ext Ming"),
    ChainFace("fonts/kiosk-ext-mincho.ttf", "Kiosk Ext Mincho"),
)
PRIMARY = FONT_CHAIN[0]

# Never accepted, whatever a font maps: private use (Co) means nothing outside one font,
# unassigned (Cn) and surrogates (Cs) are not characters, controls and format characters
# (Cc, Cf: zero-width joiners, emoji variation selectors) print as nothing.
_REFUSED_CATEGORIES = frozenset({"Co", "Cn", "Cs", "Cc", "Cf"})


def face_path(face: ChainFace) -> Path:
    """Path of one face's file; raises AssetMissing (a FileNotFoundError) naming it when
    missing."""
    path = assets_dir() / face.file
    if not path.is_file():
        raise AssetMissing(
            f"font {face.family!r} not found at {path}: the assets/ folder must ship with the kiosk"
        )
    return path


def face_file_key(path: Path) -> str:
    """A face file's identity for the coverage cache: its size, modification time and a
    hash of its first 64 KiB (the table directory and ``head`` with its checksum).
    Hashing the whole 33 MB chain would cost about half a second a start."""
    import hashlib  # here, not at import: the home screen loads this module (issue 19)

    stat = path.stat()
    with path.open("rb") as f:
        head = f.read(65536)
    digest = hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}:".encode() + head)
    return digest.hexdigest()[:32]


def font_cache_dir() -> Path:
    """Where coverage tables are kept: ``$KIOSK_FONT_CACHE``, else the user cache folder."""
    override = os.environ.get("KIOSK_FONT_CACHE")
    if override:
        return Path(override)
    import platformdirs  # with its tempfile, shutil, random: ~7 ms the home screen skips

    return Path(platformdirs.user_cache_dir("kiosk")) / "fonts"


def _parse_coverage(face: ChainFace) -> array[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = face_path(face)
    try:
        parsed = TTFontFile(str(path), subfontIndex=face.subfont_index)
    except Exception as exc:  # reportlab's TTFError, struct.error on a cut-short file
        raise damaged(face, path, exc) from exc
    return array("I", sorted(cp for cp, glyph in parsed.charToGlyph.items() if glyph))


def damaged(face: ChainFace, path: Path, exc: Exception) -> AssetDamaged:
    """The error for a face file that is there but cannot be read (names the file)."""
    return AssetDamaged(
        f"font {face.family!r} at {path} cannot be read ({type(exc).__name__}): the assets/ "
        "folder must ship with the kiosk whole"
    )


# The first four bytes of a TrueType/OpenType font or collection.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


def fonts_status() -> tuple[bool, str]:
    """(every face of the chain is there, a line saying so or naming the missing files)
    for ``kiosk status``: without the primary face the kiosk does not start and nothing
    prints; without a fallback face rare name characters cannot print."""
    missing, unreadable = [], []
    for face in FONT_CHAIN:
        try:
            with face_path(face).open("rb") as f:
                if f.read(4) not in _FONT_MAGIC:
                    unreadable.append(str(assets_dir() / face.file))
        except AssetMissing:
            missing.append(str(assets_dir() / face.file))
        except OSError:
            unreadable.append(str(assets_dir() / face.file))
    if missing or unreadable:
        words = [f"missing {', '.join(missing)}"] if missing else []
        words += [f"not a font {', '.join(unreadable)}"] if unreadable else []
        return False, "; ".join(words)
    return True, f"{len(FONT_CHAIN)} faces in {assets_dir() / 'fonts'}"


# A coverage file: this tag, the identity of the face file it was parsed from
# (``face_file_key``, 32 characters), the SHA-256 of the table, then the table (uint32 code
# points, sorted). A file that does not check out (empty, cut short by a crash,
# overwritten, another face's table copied onto its name) is parsed from the font again
# and replaced: a wrong table would drop a name's characters from the paper, or refuse
# names the fonts can print (break19c #1, break19d #1).
_CMAP_TAG = b"KIOSKCMAP-2\n"
_IDENT_LEN = 32


def read_checked(cached: Path, tag: bytes, ident: str) -> bytes | None:
    """The payload of a cache file written by ``write_checked`` with ``tag`` for ``ident``
    (32 characters), or None when the file is missing, of another tag or identity, empty
    or does not match its SHA-256."""
    try:
        data = cached.read_bytes()
    except OSError:
        return None
    import hashlib

    start = len(tag) + _IDENT_LEN
    head = start + 32
    payload = data[head:]
    if (
        not data.startswith(tag)
        or data[len(tag) : start] != ident.encode("ascii")  # another face's file
        or not payload
        or hashlib.sha256(payload).digest() != data[start:head]
    ):
        return None
    return payload


def write_checked(cached: Path, tag: bytes, ident: str, payload: bytes) -> None:
    """Write ``tag``, ``ident``, the SHA-256 of ``payload`` and ``payload`` to ``cached``
    whole or not at all (flushed, then renamed into place); a cache that cannot be
    written is skipped (parsed again next time)."""
    import hashlib

    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        with partial.open("wb") as f:
            f.write(tag + ident.encode("ascii") + hashlib.sha256(payload).digest() + payload)
            f.flush()
            os.fsync(f.fileno())
        partial.replace(cached)
    except OSError:
        pass  # read-only home: parse again next time


def _read_cached(cached: Path, ident: str) -> array[int] | None:
    """The table in ``cached`` when the file checks out for the face ``ident``, else None."""
    payload = read_checked(cached, _CMAP_TAG, ident)
    table = array("I")
    if payload is None or len(payload) % table.itemsize:
        return None
    table.frombytes(payload)
    return table


@cache
def coverage(index: int) -> frozenset[int]:
    """The code points face ``index`` of FONT_CHAIN maps to a glyph.

    Read once per process from a table cached on disk (``font_cache_dir()``, keyed by
    ``face_file_key`` of the face file, so a changed font is parsed again; the table's own
    SHA-256 is checked, so a damaged file is parsed again and replaced); parsing a face
    with reportlab instead costs 0.2-1 s. Raises AssetMissing when the face file is missing.
    """
    face = FONT_CHAIN[index]
    path = face_path(face)
    ident = face_file_key(path)
    cached = font_cache_dir() / f"{path.stem}-{face.subfont_index}-{ident}.cmap"
    table = _read_cached(cached, ident)
    if table is None:
        table = _parse_coverage(face)
        write_checked(cached, _CMAP_TAG, ident, table.tobytes())
    return frozenset(table)


def face_for(ch: str) -> int | None:
    """Index in FONT_CHAIN of the first face that draws ``ch`` (one character), or None.

    Spaces and line breaks go to the primary face; a refused category gives None.
    """
    if ch in " \n\t\u3000":
        return 0
    if unicodedata.category(ch) in _REFUSED_CATEGORIES:
        return None
    cp = ord(ch)
    for i in range(len(FONT_CHAIN)):
        if cp in coverage(i):  # the fallbacks' tables are read only when needed
            return i
    return None


def undrawable(text: str) -> list[str]:
    """The distinct characters of ``text`` the chain cannot draw, in order of appearance.

    Empty when every character prints. Examples: ``undrawable("𠮷田")`` → [];
    ``undrawable("张😀")`` → ["😀"]; a private-use character (U+E000) is always refused.
    """
    seen: list[str] = []
    for ch in text:
        if ch not in seen and face_for(ch) is None:
            seen.append(ch)
    return seen


def describe(ch: str) -> str:
    """A character as a clerk can look it up: ``U+1F600``, with its Unicode name if any."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")
