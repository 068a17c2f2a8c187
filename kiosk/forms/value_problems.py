"""What coercing an answer reports: its problems, and the words that name the question.

``problem`` makes one ValidationProblem; ``field_name`` is how a message names the
question (its print label); ``is_person_name`` says when a text answer is a person's
name (kiosk.domain.person_name's rules apply); ``unprintable_problem`` refuses characters
the kiosk's fonts cannot draw. Shared by every answer type's module
(kiosk.forms.values, number_values, choice_values).
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.errors import ValidationProblem
from kiosk.forms.schema import Question
from kiosk.printable import UnprintableText


def problem(code: str, message: str, message_en: str, severity: str = "error") -> ValidationProblem:
    return ValidationProblem(code, message, message_en, severity)  # type: ignore[arg-type]


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def field_name(q: Question) -> str:
    """The field as a form names it: its print label (姓名), else the question without "？"."""
    return q.print_label or q.label.rstrip("？?。") or q.name


def is_person_name(q: Question) -> bool:
    """Whether a text question asks a person's name: printed as …姓名 or 户名, or filled
    from the registry's name (the form's own words say so; no list of question names)."""
    label = q.print_label or ""
    return (
        label.endswith("姓名")
        or label == "户名"
        or (q.prefill is not None and q.prefill.field == "name")
    )


def unprintable_problem(q: Question, bad: list[str]) -> ValidationProblem:
    """Text with characters the kiosk's fonts cannot draw (kiosk.fontchain): refused at entry,
    so a case never holds what its printed form would show as a blank. The message says
    what each character is (a 字 the fonts lack, an emoji, invisible ...; kiosk.printable);
    the English one names code points only, never the text (it may be a name)."""
    exc = UnprintableText(field_name(q), q.name, bad)
    # the problem list names the question already: the English words without the prefix
    return problem("text.unprintable", exc.message, exc.message_en.split(": ", 1)[1])
