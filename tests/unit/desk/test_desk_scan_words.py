"""What a scanner types is not a note (kiosk.server.desk.scan.looks_scanned)."""

from __future__ import annotations

import pytest

from kiosk.server.desk.scan import looks_scanned


@pytest.mark.parametrize(
    "text",
    [
        "BBI1:FCQCLFLBKY/9/2K5$SC 484O GM36BY99FI8VEIRSDA2E+-06H6H+N/6AWGCI24X2PKAP",
        "已核对 BBD1:6AWGCI24X2PKAP",
        "bbr1:ABCDEF",
        "261130-01-001",
        " 261130-101-002\n",
        "261130-K7MQ9XAT-001",
        "6db5353e-6396-40c5-8337-2c6bca2128bb",
    ],
)
def test_codes_case_numbers_and_uuids_look_scanned(text: str) -> None:
    assert looks_scanned(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "已核对殡葬信息",
        "请带办件261130-01-001的回执来",  # a sentence naming a number is the desk's words
        "电话 13896012345 联系",
        "https://example.com/notice",
    ],
)
def test_a_desks_words_do_not(text: str) -> None:
    assert not looks_scanned(text)
