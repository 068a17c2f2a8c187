"""What a case operation raises: CaseError, and its kinds InvalidAnswers and CaseExists.

Kept apart from the operations (kiosk.services.case_drafts, case_finalize) so that a
module that only reports these errors (the CLI, printing, sync) need not load the forms
and the store to name them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.forms.results import AnswerProblem
    from kiosk.services.views import CaseSummary


class CaseError(Exception):
    """An operation that cannot be done to this case (message in plain English)."""


class InvalidAnswers(CaseError):
    """The answers have errors; nothing was saved. ``problems`` lists every one."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the answers")
        self.problems = problems


class CaseExists(CaseError):
    """``fill_case(case_id=...)`` met a case with that UUID already (a retried command)."""

    def __init__(self, summary: CaseSummary, same_content: bool) -> None:
        what = "with the same answers" if same_content else "with DIFFERENT answers"
        super().__init__(f"case {summary.id} already exists ({summary.number}) {what}")
        self.summary = summary
        self.same_content = same_content
