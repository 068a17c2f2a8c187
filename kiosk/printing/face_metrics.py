"""A face's parsed metrics kept on disk, so that a process printing its first page does
not parse the CJK face again (issue 19).

reportlab parses a TrueType face in pure Python when it is registered
(``TTFontFile.extractInfo``: the cmap, ``hmtx`` and ``loca`` tables of ~50,000 glyphs):
~0.2 s for WenQuanYi Micro Hei on a quiet machine, ~0.5 s on a busy one, in every
``kiosk print`` and in the kiosk's first print. ``MetricsFace`` is reportlab's
``TTFontFace`` with that step read from a file in the font cache folder
(``kiosk.fontchain.font_cache_dir``) when one checks out, and written after parsing
otherwise. The file is keyed by the face file's identity (``face_file_key``), its subfont
index and reportlab's version (the attributes are reportlab's own), and carries the
SHA-256 of its payload: a file that is damaged, cut short or of another face is parsed
again and replaced. What is drawn is the same: tests/unit/printing/test_face_metrics.py
compares the PDFs byte for byte.

The payload is a pickle, like the form catalogue's cache beside it
(kiosk/forms/catalogue_cache.py): the folder is the kiosk user's own.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from reportlab import Version as REPORTLAB_VERSION
from reportlab.pdfbase.ttfonts import TTFontFace

from kiosk.fontchain import face_file_key, font_cache_dir, read_checked, write_checked

_TAG = b"KIOSKMETRICS-1\n"
# Not kept: the file's bytes (read again by the parser) and the scale function
# extractInfo makes (rebuilt from unitsPerEm as reportlab does).
_NOT_KEPT = frozenset({"_ttf_data", "filename", "_pdfScale"})


def _scale(units_per_em: int) -> Any:
    """reportlab's glyph-units → 1/1000 em scale (TTFontFile.extractInfo)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def metrics_ident(path: Path, subfont: str) -> str:
    """The identity (32 hex digits) of a face's metrics: the font file's
    (``face_file_key``), the face in it, reportlab's version. ``subfont`` names the face
    in a collection as reportlab does (``""`` for a single face, ``"-0"``, ``"-1"``)."""
    key = f"{face_file_key(path)}:{subfont}:{REPORTLAB_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def metrics_file(path: Path, subfont: str, ident: str | None = None) -> Path:
    """Where the metrics of face ``subfont`` of the font file ``path`` are kept
    (``ident``: its ``metrics_ident``, when the caller has it)."""
    ident = ident or metrics_ident(path, subfont)
    return font_cache_dir() / f"{path.stem}{subfont}-{ident}.metrics"


def _read(cached: Path, ident: str) -> dict[str, Any] | None:
    """The attributes in ``cached`` when the file checks out for ``ident``, else None."""
    payload = read_checked(cached, _TAG, ident)
    if payload is None:
        return None
    try:
        found = pickle.loads(payload)
    except Exception:  # a payload that checks out but does not load: parse again
        return None
    return found if isinstance(found, dict) and "unitsPerEm" in found else None


class MetricsFace(TTFontFace):
    """reportlab's ``TTFontFace`` (same constructor, same attributes) whose parsed
    metrics come from the font cache folder when they are there.

    Raises what ``TTFontFace`` raises for a file it cannot read (``TTFError``,
    ``struct.error``); a face file given as an open file object is always parsed.
    """

    def extractInfo(self, charInfo: int = 1) -> None:  # reportlab's name
        path = Path(self.filename) if isinstance(self.filename, str) else None
        if path is None or not charInfo or not path.is_file():
            super().extractInfo(charInfo)
            return
        subfont = self.subfontNameX.decode("ascii")
        ident = metrics_ident(path, subfont)
        cached = metrics_file(path, subfont, ident)
        found = _read(cached, ident)
        if found is not None:
            self.__dict__.update(found)
            self._pdfScale = _scale(found["unitsPerEm"])
            return
        before = dict(self.__dict__)
        super().extractInfo(charInfo)
        kept = {
            name: value
            for name, value in self.__dict__.items()
            if name not in _NOT_KEPT and (name not in before or before[name] is not value)
        }
        write_checked(cached, _TAG, ident, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
