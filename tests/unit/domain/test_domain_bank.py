import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.bank import (
    check_bank_account,
    luhn_check_digit,
    luhn_valid,
    normalize_account,
)

LUHN_WARNING = "卡号校验没通过，请对着银行卡再看一遍；如果是存折账号，可以继续。"


@pytest.mark.parametrize(
    "text",
    [
        "6222021234567890128",  # 19-digit UnionPay debit card
        "6222 0212 3456 7890 128",
        "6228-4800-1234-5671",  # 16-digit
        "6217000123456789019",
        "623034123456789014",  # 18-digit
        "６２２９０８１２３４５６７８９１",  # full-width
        "4111111111111111",  # not UnionPay, Luhn-valid
        "100012345678",  # 12-digit passbook, no check digit
        "5001110123456789012",  # 19-digit subsidy account, not 62: Luhn not asked
        "8880123456789",
        "621700012345678",  # 15 digits starting 62: not a card, so no Luhn
    ],
)
def test_accounts_without_problems(text: str) -> None:
    assert check_bank_account(text) == []


@pytest.mark.parametrize(
    "text",
    ["6222021234567890127", "6228480012345672", "623034123456789015", "6217 0001 2345 6789 010"],
)
def test_unionpay_luhn_failure_is_only_a_warning(text: str) -> None:
    problems = check_bank_account(text)
    assert len(problems) == 1
    (problem,) = problems
    assert problem.code == "bank_account.luhn"
    assert problem.severity == "warning"
    assert problem.message == LUHN_WARNING


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [
        ("", "bank_account.empty", "还没有填"),
        (" - ", "bank_account.empty", "还没有填"),
        ("12345678901", "bank_account.length", "您输入了11位"),
        ("62220212345678901234", "bank_account.length", "您输入了20位"),
        ("6222abc1234567890", "bank_account.characters", "只能有数字"),
        ("6222*1234567890", "bank_account.characters", "只能有数字"),
    ],
)
def test_account_errors(text: str, code: str, says: str) -> None:
    problems = check_bank_account(text)
    assert [p.code for p in problems] == [code]
    assert says in problems[0].message
    assert problems[0].severity == "error"


def test_normalize_account() -> None:
    assert normalize_account(" 6222 0212-3456 ") == "622202123456"


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("79927398713", True),  # the classic textbook example
        ("4111111111111111", True),
        ("0", True),
        ("79927398710", False),
        ("", False),
        ("4111 1111 1111 1111", False),  # luhn_valid wants digits only
    ],
)
def test_luhn_known_vectors(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


def test_luhn_check_digit_rejects_non_digits() -> None:
    with pytest.raises(ValueError):
        luhn_check_digit("")
    with pytest.raises(ValueError):
        luhn_check_digit("12a")


partials = st.text(alphabet="0123456789", min_size=1, max_size=24)


@given(partials)
def test_appending_the_check_digit_always_passes(partial: str) -> None:
    digit = luhn_check_digit(partial)
    assert luhn_valid(partial + digit)
    # ...and it is the only digit that does.
    assert [d for d in "0123456789" if luhn_valid(partial + d)] == [digit]


@given(partials, st.data())
def test_any_single_digit_change_fails_luhn(partial: str, data: st.DataObject) -> None:
    number = partial + luhn_check_digit(partial)
    position = data.draw(st.integers(0, len(number) - 1))
    delta = data.draw(st.integers(1, 9))
    new = str((int(number[position]) + delta) % 10)
    assert not luhn_valid(number[:position] + new + number[position + 1 :])


@given(st.text(alphabet="0123456789", min_size=13, max_size=16))
def test_valid_unionpay_numbers_have_no_problems(body: str) -> None:
    partial = "62" + body
    assert check_bank_account(partial + luhn_check_digit(partial)) == []
