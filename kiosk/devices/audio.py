"""Is there a sound device for 朗读? (no Qt; used by the staff page and ``kiosk status``)

espeak-ng exits 0 when no sound device exists: the kiosk "reads aloud" into nothing and
nobody notices. This looks at the platform's list of outputs instead:

- Linux: the PulseAudio / PipeWire sinks (``pactl list short sinks``; ``auto_null`` is
  PulseAudio's stand-in when there is no hardware), else ALSA's ``/proc/asound/cards``.
- Windows: ``waveOutGetNumDevs`` (winmm), the count of wave output devices.
- elsewhere: unknown (``ok`` None).

Set ``KIOSK_AUDIO=none`` or ``KIOSK_AUDIO=ok`` to override (tests, a kiosk whose speakers
are known to be fine but hidden from these lists).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ASOUND_CARDS = Path("/proc/asound/cards")
NULL_SINKS = ("auto_null", "null")
_CARD_LINE = re.compile(r"^\s*\d+\s+\[")  # " 0 [PCH            ]: HDA-Intel - …"


@dataclass(frozen=True)
class AudioStatus:
    """``ok``: True (an output exists), False (none: 朗读 is silent), None (cannot tell)."""

    ok: bool | None
    detail: str  # plain English, for logs and ``kiosk status``

    @property
    def message_zh(self) -> str:
        if self.ok is False:
            return "没有找到声音设备：朗读没有声音。请接上音箱或耳机，再检查音量。"
        if self.ok is None:
            return "无法确认声音设备，请按一下“朗读”听听有没有声音。"
        return "声音设备正常。"


def _pulse_sinks() -> list[str] | None:
    """Sink names from PulseAudio/PipeWire; None when there is no such server here."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return None
    try:
        run = subprocess.run(
            [pactl, "list", "short", "sinks"], capture_output=True, text=True, timeout=3
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if run.returncode != 0:
        return None  # no server running: ALSA decides
    return [line.split("\t")[1] for line in run.stdout.splitlines() if "\t" in line]


def _alsa_cards(path: Path = ASOUND_CARDS) -> int | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None if sys.platform != "linux" else 0
    if "no soundcards" in text:
        return 0
    return sum(1 for line in text.splitlines() if _CARD_LINE.match(line))


def _windows_outputs() -> int | None:
    try:
        import ctypes

        return int(ctypes.windll.winmm.waveOutGetNumDevs())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


def audio_output_status() -> AudioStatus:
    """Whether this machine has a sound output now (a few ms; ``pactl`` ≤ 3 s)."""
    forced = os.environ.get("KIOSK_AUDIO", "").lower()
    if forced in ("none", "ok"):
        ok = forced == "ok"
        return AudioStatus(ok, f"KIOSK_AUDIO={forced}")
    if sys.platform == "win32":
        n = _windows_outputs()
        return AudioStatus(None if n is None else n > 0, f"{n} wave output device(s)")
    if sys.platform != "linux":
        return AudioStatus(None, f"no audio check on {sys.platform}")
    sinks = _pulse_sinks()
    if sinks is not None:
        real = [s for s in sinks if not any(s.startswith(n) for n in NULL_SINKS)]
        if real:
            return AudioStatus(True, f"sound server sinks: {', '.join(real)}")
        if sinks:
            return AudioStatus(False, "the sound server has only a null sink (no device)")
    cards = _alsa_cards()
    if cards:
        return AudioStatus(True, f"{cards} ALSA sound card(s)")
    return AudioStatus(False, "no sound card (ALSA) and no sound server sink")
