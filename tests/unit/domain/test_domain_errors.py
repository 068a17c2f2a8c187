import pickle

import pytest

from kiosk.domain.errors import DomainError, ValidationProblem
from kiosk.domain.idcard import InvalidIdNumber, parse_id_number

PROBLEM = ValidationProblem("x.y", "请再核对一遍。", "x is wrong")


def test_problem_defaults_to_error() -> None:
    assert PROBLEM.severity == "error"
    assert PROBLEM.is_error
    assert not ValidationProblem("a", "b", "c", severity="warning").is_error


def test_domain_error_is_a_value_error_whose_str_is_english() -> None:
    err = DomainError(PROBLEM)
    assert isinstance(err, ValueError)
    assert err.problem is PROBLEM
    assert str(err) == "x is wrong"


def test_domain_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(InvalidIdNumber(PROBLEM)))
    assert isinstance(err, InvalidIdNumber)
    assert err.problem == PROBLEM


def test_subclasses_are_caught_as_domain_error() -> None:
    with pytest.raises(DomainError) as info:
        parse_id_number("")
    assert info.value.problem.code == "id_number.empty"
