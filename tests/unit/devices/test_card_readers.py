"""ID card readers: the SAM serial protocol (frames, checksum, text block), a real pyserial
reader against a simulated reader on a pseudo-terminal, the polling watcher, and the
keyboard-wedge timing and parsing."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from kiosk.devices.readers import ReaderError, ReaderWatcher, open_reader
from kiosk.devices.sam_protocol import (
    FIND,
    READ,
    SELECT,
    SamProtocolError,
    build_text_block,
    command_frame,
    parse_read_data,
    read_response,
    response_frame,
)
from kiosk.devices.sam_serial import SamSerialReader
from kiosk.devices.sam_simulator import SimulatedSamReader
from kiosk.devices.wedge import KeystrokeBurst, WedgeTiming, parse_wedge_text
from kiosk.domain.id_card_chip import IdCardData

NUMBER = "50011119681002024X"
CARD = IdCardData(
    id_number=NUMBER,
    name="张秀英",
    sex="female",
    nation="汉",
    birth_date=date(1968, 10, 2),
    address="重庆市大足区石马镇新店村4组12号",
    issuer="重庆市公安局大足区分局",
    valid_from=date(2016, 5, 1),
    valid_until=date(2036, 5, 1),
    complete=True,
)


def test_command_frames_match_the_published_bytes() -> None:
    assert command_frame(FIND).hex(" ") == "aa aa aa 96 69 00 03 20 01 22"
    assert command_frame(SELECT).hex(" ") == "aa aa aa 96 69 00 03 20 02 21"
    assert command_frame(READ).hex(" ") == "aa aa aa 96 69 00 03 30 01 32"


def _reader_of(data: bytes):  # type: ignore[no-untyped-def]
    stream = iter(data)
    return lambda n: bytes(b for _, b in zip(range(n), stream, strict=False))


def test_a_response_with_a_bad_checksum_or_cut_short_is_refused() -> None:
    frame = bytearray(response_frame(0x90, b"\x01\x02"))
    assert read_response(_reader_of(bytes(frame))).data == b"\x01\x02"
    frame[-1] ^= 0xFF
    with pytest.raises(SamProtocolError, match="checksum"):
        read_response(_reader_of(bytes(frame)))
    with pytest.raises(SamProtocolError, match="timeout"):
        read_response(_reader_of(bytes(frame[:-3])))
    # Line noise before the preamble is skipped.
    assert read_response(_reader_of(b"\x00\x13" + response_frame(0x9F))).sw3 == 0x9F


def test_the_text_block_round_trips_every_field() -> None:
    text = build_text_block(CARD)
    assert len(text) == 256
    data = len(text).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + bytes(1024)
    assert parse_read_data(data) == CARD
    for_life = parse_read_data(
        data[:4] + build_text_block(IdCardData(NUMBER, "张秀英", valid_until=None)) + bytes(1024)
    )
    assert for_life.valid_until is None and not for_life.expired(date(2099, 1, 1))


def test_a_serial_reader_reads_a_card_over_a_pseudo_terminal() -> None:
    sim = SimulatedSamReader().start()
    reader = SamSerialReader(sim.port, timeout_s=0.5)
    try:
        assert reader.read_card() is None  # nothing on the reader
        sim.insert(CARD)
        assert reader.read_card() == CARD
        assert sim.commands[-3:] == [FIND, SELECT, READ]
        sim.remove()
        assert reader.read_card() is None
    finally:
        reader.close()
        sim.stop()


def test_an_unopenable_port_is_a_reader_error_without_card_data() -> None:
    with pytest.raises(ReaderError, match="cannot open /dev/no-such-reader"):
        SamSerialReader("/dev/no-such-reader").read_card()
    with pytest.raises(ReaderError, match="expected one of sam:PORT"):
        open_reader("usb:whatever")
    assert isinstance(open_reader("sam:/dev/ttyUSB0@9600"), SamSerialReader)


def test_the_watcher_reports_each_card_placed_once() -> None:
    sim = SimulatedSamReader().start()
    seen: list[IdCardData] = []
    arrived = threading.Event()

    def on_card(card: IdCardData) -> None:
        seen.append(card)
        arrived.set()

    watcher = ReaderWatcher(SamSerialReader(sim.port, timeout_s=0.5), on_card, poll_s=0.05)
    watcher.start()
    try:
        sim.insert(CARD)
        assert arrived.wait(5)
        threading.Event().wait(0.4)  # several polls with the card still there
        assert seen == [CARD]
    finally:
        watcher.stop()
        sim.stop()


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _feed(burst: KeystrokeBurst, clock: Clock, text: str, gap_s: float) -> None:
    for ch in text:
        burst.key(ch)
        clock.t += gap_s


def test_wedge_timing_tells_a_reader_from_a_person() -> None:
    clock = Clock()
    burst = KeystrokeBurst(WedgeTiming(), clock=clock)
    _feed(burst, clock, NUMBER, 0.004)  # 4 ms a key: a reader
    assert burst.finish() == NUMBER
    _feed(burst, clock, NUMBER, 0.18)  # 180 ms a key: a person
    assert burst.finish() is None
    _feed(burst, clock, NUMBER[:9], 0.004)  # a reader's pace, but a pause in the middle
    clock.t += 0.5
    _feed(burst, clock, NUMBER[9:], 0.004)
    assert burst.finish() is None
    _feed(burst, clock, "5001", 0.004)  # too short to be a card
    assert burst.finish() is None
    _feed(burst, clock, NUMBER[:10], 0.004)  # a correction means a person
    burst.key("\b")
    _feed(burst, clock, NUMBER[10:], 0.004)
    assert burst.finish() is None


@pytest.mark.parametrize(
    ("sent", "name"),
    [
        (NUMBER, ""),
        (NUMBER.lower(), ""),
        (f"张秀英 {NUMBER}", "张秀英"),
        (f"张秀英,{NUMBER}", "张秀英"),
        (f"{NUMBER}\t张秀英", "张秀英"),
    ],
)
def test_wedge_text_gives_the_number_and_the_name(sent: str, name: str) -> None:
    card = parse_wedge_text(sent)
    assert card is not None and card.id_number == NUMBER and card.name == name
    assert not card.complete


def test_wedge_text_without_a_valid_number_is_nothing() -> None:
    assert parse_wedge_text("张秀英 500111196810020241") is None  # wrong check character
    assert parse_wedge_text("hello") is None
    assert "张秀英" not in repr(CARD) and NUMBER not in repr(CARD)
