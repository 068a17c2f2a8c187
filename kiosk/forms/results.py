"""What the form engine hands out: pages to show, problems to explain, rows to check."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.errors import ValidationProblem
from kiosk.forms.schema import Question
from kiosk.forms.value_problems import problem


@dataclass(frozen=True)
class Page:
    """One question page. Inside a repeat, ``repeat`` is the path of the innermost repeat
    (``heirs``, ``members[0].incomes``), ``index`` the item's index in it and ``instance``
    every enclosing item, outermost first."""

    path: str
    question: Question
    section: str | None = None
    repeat: str | None = None
    index: int | None = None
    instance: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class AnswerProblem:
    path: str
    label: str
    problem: ValidationProblem

    @property
    def is_error(self) -> bool:
        return self.problem.severity == "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.problem.message_en}"

    @classmethod
    def make(cls, path: str, label: str, code: str, message: str, message_en: str) -> AnswerProblem:
        """A problem found by the engine itself (not by a value's validator)."""
        return cls(path, label, problem(code, message, message_en))


@dataclass(frozen=True)
class SummaryRow:
    path: str
    label: str
    display: str
    section: str | None
    item_title: str | None = None
    source: str | None = None  # where a prefilled answer came from
