"""Reading aloud without blocking the screen.

Qt's QtTextToSpeech when the platform has a Chinese voice (Windows SAPI; speech-dispatcher
on Linux, where the Mandarin voice is filed under locale C, so it is picked by name);
otherwise espeak-ng's ``cmn-latn-pinyin`` voice in a QProcess (``-v cmn`` reads the tone
digits in English). ``say`` returns at once; a new text stops the one being spoken.
Set ``KIOSK_SPEECH=record`` to only record what would be said (tests, screenshots).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterable
from typing import Any

from kiosk.ui.qt import QObject, QProcess, Signal, text_to_speech

log = logging.getLogger(__name__)

ESPEAK_VOICE = "cmn-latn-pinyin"
_CHINESE_NAMES = ("mandarin", "chinese", "cmn", "zh", "huihui", "xiaoxiao", "普通话", "中文")


def _chinese_voice(tts: Any) -> Any | None:
    """The first voice whose locale or name says Chinese, across every locale."""
    for locale in [tts.locale(), *tts.availableLocales()]:
        tts.setLocale(locale)
        for voice in tts.availableVoices():
            name = voice.name().lower()
            if voice.locale().name().startswith("zh") or any(k in name for k in _CHINESE_NAMES):
                return voice
    return None


# Marks after which no 。 is added between parts: the part already ends a sentence or
# leads into the next (a question, a colon before a list).
_ENDS = "。？！：；，、…"
_DOUBLED = re.compile(r"([。？！：；，、…])[。，]+")
# The check character of an 18-digit 居民身份证号码 is read 叉 (the spoken convention,
# as in 身份证号最后一位是叉), never as the Latin letter.
_ID_X = re.compile(r"(?<=[0-9 ])[Xx](?![A-Za-z])")


def spoken_join(parts: Iterable[str]) -> str:
    """Parts of an utterance as sentences: 。 between them only where a part does not end
    with its own mark ("第几组？" + "办理时限…" → "第几组？办理时限…。")."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1] not in _ENDS:
            out += "。"
        out += part
    return out + ("" if not out or out[-1] in _ENDS else "。")


def tidy_spoken(text: str) -> str:
    """What is said, as a reader would say it: no doubled marks ("？。", "：。", "。。"),
    the X of an ID number as 叉."""
    return _ID_X.sub("叉", _DOUBLED.sub(r"\1", text.strip()))


class Speaker(QObject):
    """Says one text at a time; ``history`` keeps what was said (newest last).

    ``speaking_changed(bool)`` tells the screen to show 正在朗读 with 停止 while a text is
    being read (the record backend counts as reading until ``stop``)."""

    speaking_changed = Signal(bool)

    def __init__(
        self, *, enabled: bool = True, backend: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.backend = backend or os.environ.get("KIOSK_SPEECH", "auto")
        self.history: list[str] = []
        self._tts: Any | None = None
        self._process: QProcess | None = None
        self._chosen: str | None = None
        self.speaking = False

    def say(self, text: str) -> None:
        text = tidy_spoken(text)
        if not self.enabled or not text:
            return
        self.history.append(text)
        if self.backend == "record":
            self._set_speaking(True)
            return
        self.stop()
        if self._choose() == "qt" and self._tts is not None:
            self._tts.say(text)
            self._set_speaking(True)
        elif self._chosen == "espeak":
            process = QProcess(self)
            process.finished.connect(lambda *_: self._ended(process))
            self._process = process
            process.start(shutil.which("espeak-ng") or "espeak-ng", ["-v", ESPEAK_VOICE, text])
            self._set_speaking(True)

    def stop(self) -> None:
        """停止: silence now."""
        if self._tts is not None:
            self._tts.stop()
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.kill()
        self._set_speaking(False)

    def _ended(self, process: QProcess) -> None:
        if process is self._process:
            self._set_speaking(False)

    def _tts_state(self, state: Any) -> None:
        if self._tts is not None and state != type(state).Speaking:
            self._set_speaking(False)

    def _set_speaking(self, on: bool) -> None:
        if on != self.speaking:
            self.speaking = on
            self.speaking_changed.emit(on)

    def _choose(self) -> str:
        """Pick the engine once, on first use (creating engines at start-up costs time)."""
        if self._chosen is not None:
            return self._chosen
        self._chosen = "none"
        if self.backend in ("auto", "qt"):
            tts = text_to_speech()
            voice = _chinese_voice(tts) if tts is not None else None
            if voice is not None:
                tts.setVoice(voice)
                tts.stateChanged.connect(self._tts_state)
                self._tts, self._chosen = tts, "qt"
                return self._chosen
        if self.backend in ("auto", "espeak") and shutil.which("espeak-ng"):
            self._chosen = "espeak"
        if self._chosen == "none":
            log.warning("no Chinese text-to-speech voice found; 朗读 stays silent")
        return self._chosen
