"""Data codes: the whole case round-trips exactly, fits the size target, and damage is named."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from helpers import FORM_ID, catalogue, example, form, new_fill
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_packet import CasePacket
from kiosk.printing.compact import AnswerCodec
from kiosk.printing.qr_codec import (
    DataCodeError,
    decode_data_codes,
    encode_data_codes,
    encode_packet,
)
from kiosk.printing.qr_draw import QUIET_ZONE, qr_matrix, smallest_version
from kiosk.printing.textcode import BASE45, Reader, Writer, b45decode, b45encode


def packet_of(answers: dict[str, Any], **changes: Any) -> CasePacket:
    values: dict[str, Any] = {
        "case_id": str(uuid.uuid4()),
        "number": "261120-01-007",
        "form_id": FORM_ID,
        "form_version": form().version,
        "answers": answers,
        "content_hash": content_hash(FORM_ID, form().version, answers),
        "device_id": str(uuid.uuid4()),
        "finalized_at": "2026-11-20T02:31:07.250113Z",
        "volunteer_id": "1001",
        "bundle_id": None,
    }
    values.update(changes)
    return CasePacket(**values)


def example_packet(**changes: Any) -> CasePacket:
    return packet_of(new_fill(example()).final_answers(), **changes)


def test_the_example_case_round_trips_exactly() -> None:
    packet = example_packet()
    assert len(packet.answers["heirs"]) == 3
    rebuilt = decode_data_codes(encode_data_codes(packet, form()), catalogue())
    assert rebuilt == packet
    assert rebuilt.hash_matches()


def test_death_benefit_with_three_heirs_fits_two_codes_of_50_mm() -> None:
    codes = encode_data_codes(example_packet(), form())
    assert len(codes) <= 2
    for code in codes:
        modules = len(qr_matrix(code))
        assert (modules + 2 * QUIET_ZONE) * 0.4 <= 50.0, f"{modules} modules"
        assert set(code) <= set(BASE45), "not all QR alphanumeric: byte mode would be larger"


def test_compact_encoding_is_much_smaller_than_json() -> None:
    import json
    import zlib

    packet = example_packet()
    plain = zlib.compress(json.dumps(packet.to_dict(), ensure_ascii=False).encode(), 9)
    assert len(encode_packet(packet, form())) < 0.6 * len(plain)


def test_parts_come_in_any_order_and_duplicates_are_harmless() -> None:
    packet = example_packet()
    codes = encode_data_codes(packet, form(), max_chars=200)
    assert len(codes) >= 3
    shuffled = [*reversed(codes), codes[0]]
    assert decode_data_codes(shuffled, catalogue()) == packet


def test_missing_part_is_named() -> None:
    codes = encode_data_codes(example_packet(), form(), max_chars=200)
    with pytest.raises(DataCodeError, match="missing data code part\\(s\\) 2 of"):
        decode_data_codes([codes[0], *codes[2:]], catalogue())


def test_parts_of_two_cases_do_not_mix() -> None:
    a = encode_data_codes(example_packet(), form(), max_chars=200)
    b = encode_data_codes(example_packet(number="261120-01-008"), form(), max_chars=200)
    with pytest.raises(DataCodeError, match="different cases"):
        decode_data_codes([a[0], *b[1:]], catalogue())


def test_one_changed_character_is_caught() -> None:
    (code,) = encode_data_codes(example_packet(), form())
    head, _, body = code.rpartition(":")
    for i in range(0, len(body), 7):
        swapped = "1" if body[i] != "1" else "2"
        with pytest.raises(DataCodeError):
            decode_data_codes([f"{head}:{body[:i]}{swapped}{body[i + 1 :]}"], catalogue())


def test_not_a_data_code() -> None:
    with pytest.raises(DataCodeError, match="not a case data code"):
        decode_data_codes(["https://example.org"], catalogue())
    with pytest.raises(DataCodeError, match="no data codes"):
        decode_data_codes([], catalogue())


def test_answers_the_form_does_not_know_still_travel() -> None:
    answers = new_fill(example()).final_answers()
    answers["legacy_note"] = "旧版本的答案"
    answers["heirs"][0]["old_field"] = [1, 2.5, None]
    packet = packet_of(answers)
    assert decode_data_codes(encode_data_codes(packet, form()), catalogue()) == packet


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.text(max_size=12)
    | st.sampled_from(["2026-10-30", "1234.50", "0.05", "50011119681002024X", "007", "v03-4"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["deceased_name", "death_date", "heirs", "x", "bank_account"]),
        json_values,
        max_size=5,
    )
)
def test_any_json_answers_round_trip(answers: dict[str, Any]) -> None:
    w = Writer()
    AnswerCodec(form()).encode(answers, w)
    r = Reader(bytes(w.buf))
    assert AnswerCodec(form()).decode(r) == answers
    assert r.done()


@given(st.binary(max_size=64))
def test_base45_round_trips(data: bytes) -> None:
    assert b45decode(b45encode(data)) == data


def test_smallest_version_is_really_the_smallest() -> None:
    from qrcode import QRCode
    from qrcode.constants import ERROR_CORRECT_M

    for text in ["BBD1:1/1:ABCDEF12:" + "A1" * n for n in (5, 60, 200, 420)]:
        best = QRCode(error_correction=ERROR_CORRECT_M)
        best.add_data(text)
        best.make(fit=True)
        assert smallest_version(text) == best.version
