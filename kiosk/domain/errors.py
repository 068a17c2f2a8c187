"""One validation problem, said twice: to the resident in Chinese, to the log in English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ValidationProblem:
    """A single thing wrong (or doubtful) about one answer.

    ``code`` is stable so forms, tests and the town server can match on it;
    ``message`` is read aloud to elderly residents, so it is plain spoken
    Chinese; ``message_en`` goes to logs and must never hold personal data.
    """

    code: str
    message: str
    message_en: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class DomainError(ValueError):
    """Raised by the ``parse_*``/``normalize_*`` functions; carries the problem.

    ``args`` holds the problem itself (not a string) so the exception survives
    pickling across process boundaries; ``str()`` is the English message
    because tracebacks end up in logs.
    """

    def __init__(self, problem: ValidationProblem) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem.message_en
