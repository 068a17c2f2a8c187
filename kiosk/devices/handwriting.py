"""Offline recognition of handwritten Chinese characters (手写), no Qt.

The engine is Zinnia (libzinnia, an SVM online recogniser used by Tegaki, fcitx and
ibus) through its C API (``zinnia.h``) with ctypes: no Python binding installs here
(Debian has no python3-zinnia; PyPI has no zinnia wheel for CPython 3.11). The models
are Tegaki's, from Debian: ``tegaki-zinnia-simplified-chinese`` (the 6,763 characters of
GB 2312) and ``tegaki-zinnia-japanese`` (6,420 characters of JIS X 0208; its kanji not
in GB 2312, such as 昇 or 犇, are offered as further candidates), and the kiosk's own
``assets/handwriting/handwriting-zh_extra.model`` (1,104 characters neither has, such as
堃, 喆, 祎, 彧 and 垚, built by scripts/build_handwriting_model.py from Make Me a Hanzi's
strokes), so that 生僻字 are reachable by hand. Further models only add ideographs the
Chinese model lacks: kana and Latin letters are never offered.

Strokes in: a list of strokes, each a list of (x, y) points in the writing pad's pixels
(x to the right, y down), in the order written. Candidates out: characters ranked best
first with Zinnia's SVM score (higher is better; a score is comparable within one call
and one model).

Strokes are normalised before recognition (``normalise_strokes``): their bounding box is
scaled, keeping its proportions, to fill ``FILL`` of the pad and centred, so a character
written small or in a corner reads as one written across the 田字格 (brk15h finding 8;
hit rates in docs/ui.md). Candidates are ranked in tiers (kiosk.devices.hanzi_lists):
the 通用规范汉字表's characters first, then other ideographs (Japanese-model kanji, Ext-A,
traditional forms), each tier by score; never kana or letters.

Zinnia is stroke-order and stroke-count sensitive: a character written in another
order (长 as 撇横竖提捺 rather than GB 撇竖提横捺) ranks lower, so the pad shows ten
candidates, not one.

Where the files are looked for (the first that holds the Chinese model wins):
``KIOSK_HANDWRITING_MODELS`` (a folder), the bundle's ``handwriting/`` folder (build/),
then ``/usr/share/tegaki/models/zinnia`` and ``/usr/local/share/tegaki/models/zinnia``.
The library: the bundle's folder, then the system's (``libzinnia.so.0``, ``zinnia.dll``).
``open_recognizer`` raises ``HandwritingUnavailable`` (with an English reason for logs)
when either is missing; the pad then says 手写不可用 and the kiosk uses pinyin.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.assets import assets_dir
from kiosk.devices.hanzi_lists import is_ideograph, rank_tier

CHINESE_MODEL = "handwriting-zh_CN.model"
EXTRA_MODEL = "handwriting-ja.model"  # optional: more 生僻字
RARE_MODEL = "handwriting-zh_extra.model"  # optional, shipped in assets/handwriting/
SYSTEM_MODEL_DIRS = (
    Path("/usr/share/tegaki/models/zinnia"),
    Path("/usr/local/share/tegaki/models/zinnia"),
)
LIBRARY_NAMES = ("libzinnia.so.0", "libzinnia.so", "zinnia.dll", "libzinnia.dll")
_P = ctypes.c_void_p
_SIZE = ctypes.c_size_t
_C_API: dict[str, tuple[list[type], type | None]] = {
    "zinnia_recognizer_new": ([], _P),
    "zinnia_recognizer_open": ([_P, ctypes.c_char_p], ctypes.c_int),
    "zinnia_recognizer_strerror": ([_P], ctypes.c_char_p),
    "zinnia_recognizer_size": ([_P], _SIZE),
    "zinnia_recognizer_value": ([_P, _SIZE], ctypes.c_char_p),
    "zinnia_recognizer_classify": ([_P, _P, _SIZE], _P),
    "zinnia_character_new": ([], _P),
    "zinnia_character_destroy": ([_P], None),
    "zinnia_character_set_width": ([_P, _SIZE], None),
    "zinnia_character_set_height": ([_P, _SIZE], None),
    "zinnia_character_add": ([_P, _SIZE, ctypes.c_int, ctypes.c_int], ctypes.c_int),
    "zinnia_result_size": ([_P], _SIZE),
    "zinnia_result_value": ([_P, _SIZE], ctypes.c_char_p),
    "zinnia_result_score": ([_P, _SIZE], ctypes.c_float),
    "zinnia_result_destroy": ([_P], None),
}

Stroke = Sequence[tuple[float, float]]


class HandwritingUnavailable(RuntimeError):
    """No Zinnia library or no Chinese model here (the message says which, in English)."""


@dataclass(frozen=True)
class Candidate:
    char: str  # one character
    score: float  # Zinnia's SVM score, higher is better


def _bundle_dir() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "handwriting" if base else None


def model_dirs() -> list[Path]:
    """The folders searched for the models, in order."""
    dirs = []
    if os.environ.get("KIOSK_HANDWRITING_MODELS"):
        dirs.append(Path(os.environ["KIOSK_HANDWRITING_MODELS"]))
    bundle = _bundle_dir()
    if bundle is not None:
        dirs.append(bundle)
    return [*dirs, *SYSTEM_MODEL_DIRS]


def find_models() -> list[Path]:
    """[Chinese model, then the Japanese model beside it and the kiosk's 生僻字 model when
    present]; HandwritingUnavailable if there is no Chinese model."""
    for folder in model_dirs():
        chinese = folder / CHINESE_MODEL
        if chinese.is_file():
            extras = [folder / EXTRA_MODEL, assets_dir() / "handwriting" / RARE_MODEL]
            return [chinese, *(p for p in extras if p.is_file())]
    searched = ", ".join(str(d) for d in model_dirs())
    raise HandwritingUnavailable(f"no {CHINESE_MODEL} in {searched}")


def load_library() -> ctypes.CDLL:
    """The Zinnia shared library with its C API typed; HandwritingUnavailable if none."""
    names: list[str] = []
    bundle = _bundle_dir()
    if bundle is not None:
        names += [str(bundle / n) for n in LIBRARY_NAMES]
    found = ctypes.util.find_library("zinnia")
    names += [*LIBRARY_NAMES, *([found] if found else [])]
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        for func, (args, result) in _C_API.items():
            fn = getattr(lib, func)
            fn.argtypes, fn.restype = args, result
        return lib
    raise HandwritingUnavailable("the Zinnia library (libzinnia) is not installed")


_is_ideograph = is_ideograph
FILL = 0.65  # of the pad's shorter side, for the normalised character's longer side
MIN_EXTENT = 0.02  # of that side: a box smaller than this (a dot) is centred, not enlarged


def normalise_strokes(
    strokes: Sequence[Stroke], *, width: int, height: int
) -> list[list[tuple[float, float]]]:
    """``strokes`` moved and scaled (one factor for x and y) so that their bounding box
    is centred on the ``width`` × ``height`` pad with its longer side FILL of the pad's
    shorter side. Empty strokes are dropped; order and points are kept."""
    kept = [list(s) for s in strokes if len(s) > 0]
    if not kept:
        return []
    xs = [x for s in kept for x, _ in s]
    ys = [y for s in kept for _, y in s]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    side = min(width, height)
    scale = FILL * side / extent if extent >= MIN_EXTENT * side else 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [
        [(width / 2 + (x - cx) * scale, height / 2 + (y - cy) * scale) for x, y in s] for s in kept
    ]


class Recognizer:
    """One or more opened Zinnia models. ``recognize`` is thread-safe (one lock)."""

    def __init__(self, lib: ctypes.CDLL, models: Sequence[Path]) -> None:
        self._lib = lib
        self._lock = threading.Lock()
        self._models: list[tuple[int, frozenset[str]]] = []
        self.models = list(models)
        for path in models:
            handle = lib.zinnia_recognizer_new()
            if not lib.zinnia_recognizer_open(handle, os.fsencode(path)):
                reason = lib.zinnia_recognizer_strerror(handle) or b"?"
                raise HandwritingUnavailable(f"cannot open {path}: {reason.decode()}")
            size = lib.zinnia_recognizer_size(handle)
            chars = frozenset(lib.zinnia_recognizer_value(handle, i).decode() for i in range(size))
            self._models.append((handle, chars))
        self.characters: frozenset[str] = frozenset().union(*(c for _, c in self._models))

    def knows(self, char: str) -> bool:
        """Can this character be written here (is it in a model)?"""
        return char in self.characters

    def recognize(
        self, strokes: Sequence[Stroke], *, width: int, height: int, limit: int = 10
    ) -> list[Candidate]:
        """Up to ``limit`` candidates, best first, for ``strokes`` written on a pad of
        ``width`` × ``height`` px, normalised first (``normalise_strokes``). No strokes (or
        only empty ones) → []."""
        strokes = normalise_strokes(strokes, width=width, height=height)
        if not strokes:
            return []
        lib = self._lib
        with self._lock:
            character = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(character, max(1, width))
                lib.zinnia_character_set_height(character, max(1, height))
                for number, stroke in enumerate(strokes):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, number, round(x), round(y))
                found = self._classify(character, limit)
            finally:
                lib.zinnia_character_destroy(character)
        return found[:limit]

    def _classify(self, character: int, limit: int) -> list[Candidate]:
        lib = self._lib
        first_chars = self._models[0][1]
        best: dict[str, float] = {}
        for index, (handle, _) in enumerate(self._models):
            result = lib.zinnia_recognizer_classify(handle, character, limit)
            if not result:
                continue
            try:
                for i in range(lib.zinnia_result_size(result)):
                    char = lib.zinnia_result_value(result, i).decode()
                    # Ideographs only; further models add only those the Chinese lacks.
                    if not is_ideograph(char) or (index > 0 and char in first_chars):
                        continue
                    score = float(lib.zinnia_result_score(result, i))
                    best[char] = max(score, best.get(char, score))
            finally:
                lib.zinnia_result_destroy(result)
        # 通用规范汉字表 characters first, then other ideographs; each tier by score.
        ranked = sorted(best.items(), key=lambda item: (rank_tier(item[0]), -item[1]))
        return [Candidate(char, score) for char, score in ranked]


_shared: Recognizer | None = None
_shared_lock = threading.Lock()


def open_recognizer() -> Recognizer:
    """The kiosk's recognizer, opened once (the models are ~26 MB each, memory-mapped).
    HandwritingUnavailable when the library or the Chinese model is missing."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Recognizer(load_library(), find_models())
        return _shared


@dataclass(frozen=True)
class HandwritingStatus:
    """``ok``: the recognizer opens here; ``detail``: the models and their characters, or
    why not (English, for ``kiosk status`` and logs)."""

    ok: bool
    detail: str


def handwriting_status() -> HandwritingStatus:
    """Can residents write by hand on this kiosk? (``kiosk status``; the pad says 手写不可用
    and the kiosk uses pinyin when not.)"""
    try:
        recognizer = open_recognizer()
    except HandwritingUnavailable as exc:
        return HandwritingStatus(False, str(exc))
    names = ", ".join(p.name for p in recognizer.models)
    return HandwritingStatus(True, f"{len(recognizer.characters)} characters ({names})")
