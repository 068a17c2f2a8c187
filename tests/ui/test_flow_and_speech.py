"""Navigation around repeats (plain Python, no widgets) and reading aloud without blocking."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from helpers import example, new_fill
from pytestqt.qtbot import QtBot

from kiosk.ui import flow, speech
from kiosk.ui.speech import Speaker


def test_add_another_pattern_around_repeats() -> None:
    data = example()
    fill = new_fill(data)
    assert flow.next_path(fill, None) == "deceased_id"
    assert flow.next_path(fill, "is_beneficiary") == "heirs"
    # From the list page, 下一步 goes past the items.
    assert flow.next_path(fill, "heirs") == "pay_to_social_security_card"
    # After an item's last question, back to the list.
    assert flow.next_path(fill, "heirs[0].heir_agrees") == "heirs"
    assert flow.next_path(fill, "heirs[0].heir_name") == "heirs[0].heir_id"
    assert flow.first_item_path(fill, "heirs", 2) == "heirs[2].heir_name"
    # 上一步 from an item's first question, or from after the items: the list.
    assert flow.previous_path(fill, "heirs[1].heir_name") == "heirs"
    assert flow.previous_path(fill, "pay_to_social_security_card") == "heirs"
    assert flow.previous_path(fill, "deceased_id") is None
    assert flow.next_path(fill, "applicant_signature") is None
    n, total = flow.progress(fill, "heirs[1].heir_id")
    assert (n, total) == flow.progress(fill, "heirs") and n < total


def test_the_skip_logic_comes_from_the_engine() -> None:
    data = example()
    data["account_is_applicants"] = False
    data["account_holder"] = "张建国"
    fill = new_fill(data)
    assert flow.next_path(fill, "account_is_applicants") == "account_holder"
    fill = new_fill(example())
    assert flow.next_path(fill, "account_is_applicants") == "declaration"


def test_speech_falls_back_to_espeak_without_blocking(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = tmp_path / "said.txt"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\nsleep 2\necho "$@" > {said}\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(speech, "text_to_speech", lambda: None)  # no Qt voice here
    speaker = Speaker(enabled=True, backend="auto")
    started = time.monotonic()
    speaker.say("您的身份证号码是多少？")
    assert time.monotonic() - started < 1.0  # the screen never waits for the voice
    assert speaker.history == ["您的身份证号码是多少？"]
    qtbot.waitUntil(said.exists, timeout=10_000)
    assert said.read_text(encoding="utf-8").split() == [
        "-v",
        "cmn-latn-pinyin",
        "您的身份证号码是多少？",
    ]


def test_speech_is_silent_when_voice_is_off() -> None:
    speaker = Speaker(enabled=False, backend="record")
    speaker.say("你好")
    assert speaker.history == []
