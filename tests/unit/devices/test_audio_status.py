"""No sound device is detected (espeak-ng would exit 0 and say nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.devices import audio


def test_forced_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_AUDIO", "none")
    status = audio.audio_output_status()
    assert status.ok is False and "声音设备" in status.message_zh
    monkeypatch.setenv("KIOSK_AUDIO", "ok")
    assert audio.audio_output_status().ok is True


def test_alsa_cards_are_counted(tmp_path: Path) -> None:
    none = tmp_path / "none"
    none.write_text("--- no soundcards ---\n", encoding="utf-8")
    assert audio._alsa_cards(none) == 0
    two = tmp_path / "two"
    two.write_text(
        " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
        "                      HDA Intel PCH at 0xf7f10000 irq 33\n"
        " 1 [Device         ]: USB-Audio - USB Audio Device\n",
        encoding="utf-8",
    )
    assert audio._alsa_cards(two) == 2


@pytest.mark.skipif(not audio.sys.platform.startswith("linux"), reason="Linux lists")
def test_only_a_null_sink_means_no_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_AUDIO", raising=False)
    monkeypatch.setattr(audio, "_pulse_sinks", lambda: ["auto_null"])
    monkeypatch.setattr(audio, "_alsa_cards", lambda: 0)
    assert audio.audio_output_status().ok is False
    monkeypatch.setattr(audio, "_pulse_sinks", lambda: ["alsa_output.pci-0000_00_1f.3"])
    assert audio.audio_output_status().ok is True
    monkeypatch.setattr(audio, "_pulse_sinks", lambda: None)
    monkeypatch.setattr(audio, "_alsa_cards", lambda: 1)
    assert audio.audio_output_status().ok is True


def test_this_machine_without_sound_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """This build machine has no sound card: the check says so (not 'ok')."""
    monkeypatch.delenv("KIOSK_AUDIO", raising=False)
    if Path("/proc/asound/cards").exists():
        pytest.skip("this machine has ALSA cards")
    assert audio.audio_output_status().ok is not True
