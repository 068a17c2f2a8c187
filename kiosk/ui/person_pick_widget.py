"""On an ID-number question that offers known people (``pick_known_person``: the new 户主):
a button per person the case already holds, under the number being typed. One touch
saves that person's number (marked with its source, checked by the form) and goes on;
typing the number stays for anyone not listed. Nothing is preselected."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from kiosk.forms.engine import Page
from kiosk.services.views import AnswerResult
from kiosk.ui.common_widgets import button, frame
from kiosk.ui.known_people import KnownPerson, known_people, pick_person
from kiosk.ui.qt import QVBoxLayout, QWidget
from kiosk.ui.question_page import QuestionPage

if TYPE_CHECKING:
    from kiosk.ui.form_flow import FormFlow

PICK_HEADING = "点一下他（她）的名字就行，号码从记录里带过来："
PICK_PERSON = "选{person}"


class PersonPickBox(QWidget):
    """The people to pick, each a big button ``pick-{i}`` (选李桂兰（配偶）)."""

    def __init__(self, people: list[KnownPerson], on_pick: Callable[[KnownPerson], None]):
        super().__init__()
        self.setObjectName("known-people")
        self.people = list(people)
        box, layout = frame("note", name="known-people-box")
        # The question's hint says to touch a name; the buttons go first so the first
        # people are in view under the number without scrolling (1366×768, 100 %).
        box.setAccessibleName(PICK_HEADING)
        self.texts = [PICK_PERSON.format(person=p.text) for p in people]
        for i, (person, text) in enumerate(zip(people, self.texts, strict=True)):
            layout.addWidget(
                button(text, "fa5s.user-check", name=f"pick-{i}", on_click=partial(on_pick, person))
            )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)

    def spoken(self) -> list[str]:
        """朗读 reads the heading and the people after the question."""
        return [PICK_HEADING, *self.texts]


def offer_known_people(flow: FormFlow, page: Page, shown: QuestionPage) -> None:
    """Look up the people off the GUI thread, then put them under the editor of ``shown``
    (added below, so nothing already shown moves under a finger; only while it is still
    the page on screen; none found: the page stays as it is). The household register is
    asked only when the session may see registry data."""
    w = flow.w
    fill = flow.draft.fill
    with_register = w.session.may_see_registry

    def found(people: list[KnownPerson]) -> None:
        if not people or w.page is not shown:
            return
        box = PersonPickBox(people, lambda person: _pick(flow, page, person))
        shown.body.insertWidget(shown.body.indexOf(shown.editor) + 1, box)
        said = shown.extra_spoken
        shown.extra_spoken = lambda: [*said(), *box.spoken()]  # type: ignore[method-assign]

    w.op(lambda: known_people(w.ctx, fill, with_register=with_register), found)


def _pick(flow: FormFlow, page: Page, person: KnownPerson) -> None:
    case_id, actor, ctx = flow.draft.case.id, flow.w.session.actor, flow.w.ctx

    def saved(result: AnswerResult) -> None:
        flow._answered(page, result)  # errors shown on this page; else the next page

    flow.w.op(lambda: pick_person(ctx, case_id, page.path, person, actor), saved)
