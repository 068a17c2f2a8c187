"""The receipt's text wrapper follows Chinese line-breaking rules (避头尾, GB/T 15834):
、，。）never start a line, （ never ends one, numbers stay whole (brk18b 13)."""

from __future__ import annotations

from kiosk.printing.layout import CLOSING, OPENING
from kiosk.printing.receipt import _font, _wrap

TEXT = (
    "还需要带：居民身份证、户口簿（原件）、死亡证明、火化证明、银行卡，"
    "请在 2026-12-05 前交到民政办（便民服务中心二楼），电话 023-12345678。"
)


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation() -> None:
    font = _font(24)
    for width in range(120, 384, 7):  # every break position the text can meet
        lines = _wrap(TEXT, font, width)
        assert "".join(lines).replace(" ", "") == TEXT.replace(" ", "")
        for line in lines[1:]:
            assert line[:1] not in CLOSING, (width, lines)
        for line in lines[:-1]:
            assert line[-1:] not in OPENING, (width, lines)
            assert font.getlength(line) <= width or len(line) <= 2
        assert not any(line.endswith("2026-12") for line in lines)  # a date stays whole
