"""Property-based tests for ID numbers (hypothesis)."""

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.idcard import (
    CHECK_CHARACTERS,
    WEIGHTS,
    check_character,
    make_id_number,
    parse_id_number,
    validate_id_number,
)
from kiosk.domain.regions import (
    CHONGQING_DISTRICTS,
    CHONGQING_HISTORICAL,
    PERMIT_PREFIXES,
    PROVINCES,
    region_name,
)

TODAY = date.today()
REGION_CODES = sorted(
    [*CHONGQING_DISTRICTS, *CHONGQING_HISTORICAL]
    + [prefix + "0000" for prefix in (*PROVINCES, *PERMIT_PREFIXES)]
)

regions = st.sampled_from(REGION_CODES)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)
valid_numbers = st.builds(make_id_number, regions, births, sequences)


@given(regions, births, sequences)
def test_make_then_parse_round_trips(region: str, birth: date, sequence: int) -> None:
    parsed = parse_id_number(make_id_number(region, birth, sequence), today=TODAY)
    assert parsed.region_code == region
    assert parsed.region_name == region_name(region)
    assert parsed.region_name is not None
    assert parsed.birth_date == birth
    assert parsed.sequence == sequence
    assert parsed.sex == ("male" if sequence % 2 else "female")


@given(valid_numbers)
def test_lower_case_and_full_width_input_parse_the_same(number: str) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    assert parse_id_number(full_width, today=TODAY) == parse_id_number(number, today=TODAY)


def test_every_weighted_digit_change_moves_the_checksum() -> None:
    # Why single substitutions are always caught: 11 is prime and no weight is
    # a multiple of 11, so weight * (new - old) is never 0 mod 11 for a change of 1..9.
    for weight in WEIGHTS:
        for delta in range(1, 10):
            assert weight * delta % 11 != 0
    # And the 11 check characters are distinct, so each residue has one answer.
    assert len(set(CHECK_CHARACTERS)) == 11


@given(valid_numbers, st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_substitution_is_invalid(
    number: str, position: int, data: st.DataObject
) -> None:
    # The 17 body positions take any other digit; the check position may also become X.
    alphabet = "0123456789X" if position == 17 else "0123456789"
    new = data.draw(st.sampled_from([c for c in alphabet if c != number[position]]))
    changed = number[:position] + new + number[position + 1 :]
    assert changed != number
    # The invalidity may be reported as a bad date or province first; it is never valid.
    assert validate_id_number(changed, today=TODAY) is not None
    if position < 17:
        assert check_character(changed[:17]) != number[17]


@given(valid_numbers, st.integers(min_value=0, max_value=16))
def test_adjacent_transpositions_are_invalid(number: str, position: int) -> None:
    a, b = number[position], number[position + 1]
    if a == b or "X" in (a, b):
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert validate_id_number(swapped, today=TODAY) is not None


@given(valid_numbers, births)
def test_age_is_never_negative_after_birth(number: str, on: date) -> None:
    parsed = parse_id_number(number, today=TODAY)
    if on >= parsed.birth_date:
        assert parsed.age(on) >= 0


@given(
    st.one_of(
        st.text(alphabet="0123456789Xx ", max_size=22),
        st.builds(
            lambda n, i, c: n[:i] + c + n[i + 1 :],
            valid_numbers,
            st.integers(0, 17),
            st.sampled_from("0123456789XA"),
        ),
    )
)
def test_english_message_never_contains_digits_of_the_input(text: str) -> None:
    # message_en goes to logs: no run of digits long enough to be part of a number.
    problem = validate_id_number(text, today=TODAY)
    if problem is not None:
        assert re.search(r"\d{5}", problem.message_en) is None
