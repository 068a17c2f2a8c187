"""Identify: the 18-digit ID number on a big keypad or typed, a card read (serial reader,
or a reader that types like a keyboard: told apart by timing, kiosk/devices/wedge.py), or
the one-time code of an earlier receipt (scanned). A typed number shows masked data only;
a card read, a receipt code or a volunteer's confirmation shows the person in full."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from kiosk.devices.wedge import KeystrokeBurst, parse_wedge_text
from kiosk.domain.id_card_chip import IdCardData
from kiosk.domain.idcard import (
    LENGTH,
    IdNumber,
    normalize_id_text,
    parse_id_number,
    validate_id_number,
)
from kiosk.domain.receipt_code_text import looks_like_receipt_code
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import NumberLabel, button, frame, label
from kiosk.ui.keypad_widget import KeypadWidget
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QEvent, QHBoxLayout, QLineEdit, QObject, Qt, QVBoxLayout

if TYPE_CHECKING:
    from kiosk.services.presence import PersonView

# Keyed by kiosk.services.identity_proof.Proof's values (a StrEnum: Proof.CARD == "card"),
# so that the page opens without the services and the store behind them (issue 19).
PROOF_NOTES = {
    "card": S.PROVEN_CARD,
    "volunteer": S.PROVEN_VOLUNTEER,
    "receipt": S.PROVEN_RECEIPT,
}


class _KeyTimer(QObject):
    """Feeds each key typed into the number field to the wedge detector, with its time."""

    def __init__(self, burst: KeystrokeBurst, parent: QObject) -> None:
        super().__init__(parent)
        self.burst = burst

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.burst.key("\b" if key == Qt.Key.Key_Backspace else event.text())  # type: ignore[attr-defined]
        return False


class IdentifyPage(BasePage):
    """``on_lookup(id)`` asks for the (masked) person after a typed number; ``on_card(card)``
    after a card read; ``on_receipt(code)`` after a scanned receipt code;
    ``on_volunteer_confirm(person)`` when the logged-in volunteer vouches; the shell then
    calls ``show_person``. ``on_confirm(person)`` carries on."""

    def __init__(
        self,
        *,
        heading: str,
        today: date,
        on_lookup: Callable[[IdNumber], None],
        on_confirm: Callable[[PersonView], None],
        on_card: Callable[[IdCardData], None],
        on_receipt: Callable[[str], None],
        on_volunteer_confirm: Callable[[PersonView], None] | None,
        on_home: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
        needs_proof: bool = False,
    ) -> None:
        super().__init__(heading, S.IDENTIFY_HINT, name="identify", on_read=on_read, badge=badge)
        self._today = today
        self._on_lookup = on_lookup
        self._on_confirm = on_confirm
        self._on_card = on_card
        self._on_receipt = on_receipt
        self._on_volunteer_confirm = on_volunteer_confirm
        self._needs_proof = needs_proof  # 我的办件: only after a card, code or volunteer
        self._person: PersonView | None = None
        self.burst = KeystrokeBurst()
        self.line = QLineEdit()
        self.line.setObjectName("id-number")
        self.line.setMaxLength(48)  # a wedge reader may send the name too; a receipt code
        self.line.installEventFilter(_KeyTimer(self.burst, self))
        self.line.textChanged.connect(self._changed)
        self.line.returnPressed.connect(self._enter)
        self.count = label("", "hint", name="count")
        # The keypad is pinned beside the page (BasePage.pin_keypad), so all 12 keys stay
        # in view at every size without scrolling (a scrolled keypad loses elderly users).
        row = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.line)
        left.addWidget(self.count)
        self.keypad = KeypadWidget(self.line, extra=S.KEY_X)
        self.person, person_box = frame("panel", name="person")
        # The masked number does not break: the lines take a smaller font when narrow.
        self.person_lines = NumberLabel("", "large", metrics().large, name="person-text")
        self.proof_note = label("", None, name="proof-note")
        person_box.addWidget(label(S.CONFIRM_PERSON, "heading"))
        person_box.addWidget(self.person_lines)
        person_box.addWidget(self.proof_note)
        self.confirm_button = button(
            S.IT_IS_ME, "fa5s.check", role="primary", name="confirm", on_click=self.confirm
        )
        person_box.addWidget(self.confirm_button)
        self.vouch_button = button(
            S.VOLUNTEER_CONFIRM, "fa5s.user-check", name="volunteer-confirm", on_click=self._vouch
        )
        self.vouch_button.hide()
        person_box.addWidget(self.vouch_button)
        person_box.addWidget(button(S.RETYPE, "fa5s.undo", name="retype", on_click=self.retype))
        person_box.addStretch(1)
        self.person.hide()
        left.addWidget(self.person)
        left.addStretch(1)
        row.addLayout(left, 1)
        self.body.addLayout(row)
        self.pin_keypad(self.keypad)  # beside the page: never scrolled out of view
        self.body.addStretch(1)
        self.set_nav(back=on_home, next=self.confirm)
        self._changed("")
        self.line.setFocus()

    # ----- typing -------------------------------------------------------------------------

    def _changed(self, text: str) -> None:
        if not text:
            self.burst.reset()  # cleared (重新输入, 删除): a new entry starts
        # 请稍候 stood for the look-up of the number as it was; a new whole number asks
        # (and says it) again below (break19 #7: it stayed beside 还差 3 位).
        self.show_status("")
        number = normalize_id_text(text)
        self._person = None
        self.person.hide()
        self.count.setText(
            S.ID_FULL
            if len(number) >= LENGTH
            else S.ID_COUNT.format(n=len(number), left=max(0, LENGTH - len(number)))
        )
        if looks_like_receipt_code(text) or (not number[:1].isdigit() and number):
            self.show_errors([])  # a scanned code or a reader's name: judged at Enter
            return
        problem = validate_id_number(number, today=self._today)
        # Live: wrong characters at once; length only once 18 are in (no nagging mid-way).
        if problem and (problem.code == "id_number.characters" or len(number) >= LENGTH):
            self.show_errors([problem.message])
            return
        self.show_errors([])
        if problem is None:
            self._on_lookup(parse_id_number(number, today=self._today))

    def _enter(self) -> None:
        """Enter: a reader's burst (card), a receipt code, or a typed number."""
        text = self.line.text()
        burst = self.burst.finish()
        if looks_like_receipt_code(text):
            self._set_text("")
            self._on_receipt(text)
            return
        if burst is not None:
            card = parse_wedge_text(text)
            if card is not None:
                self.card_arrived(card)
                return
            self.show_errors([S.CARD_READ_FAILED])
            return
        self.confirm()

    def _set_text(self, text: str) -> None:
        self.line.blockSignals(True)
        self.line.setText(text)
        self.line.blockSignals(False)
        self.count.setText(S.ID_FULL if text else S.ID_COUNT.format(n=0, left=LENGTH))
        self.show_errors([])

    def card_arrived(self, card: IdCardData) -> None:
        """A card read (wedge or serial): the number goes in the field, then the shell asks."""
        self._set_text(card.id_number)
        self._person = None
        self.person.hide()
        self._on_card(card)

    # ----- the person ---------------------------------------------------------------------

    def show_person(self, person: PersonView) -> None:
        if normalize_id_text(self.line.text()) != person.id.number:
            return  # the number changed while the registry was asked
        self._person = person
        lines = []
        if person.name:
            lines.append(S.PERSON_NAME.format(name=person.name))
        elif person.proven:
            lines.append(S.PERSON_NOT_IN_REGISTRY)
        lines.append(S.PERSON_ID.format(masked=person.masked_id))
        if person.age is not None and person.sex:
            lines.append(S.PERSON_AGE.format(age=person.age, sex=person.sex))
        if person.village:
            lines.append(S.PERSON_VILLAGE.format(village=person.village))
        elif person.proven and person.id.region_name:
            lines.append(S.PERSON_REGION.format(region=person.id.region_name))
        self.person_lines.setText("\n".join(lines))
        notes = []
        if person.card_expired and person.card and person.card.valid_until:
            notes.append(S.CARD_EXPIRED.format(date=person.card.valid_until.isoformat()))
        if person.proven:
            notes.append(PROOF_NOTES.get(person.proof, ""))
        else:
            notes.append(S.TYPED_MY_CASES if self._needs_proof else S.TYPED_ONLY)
        self.proof_note.setText("\n".join(n for n in notes if n))
        self.confirm_button.setVisible(person.proven or not self._needs_proof)
        self.vouch_button.setVisible(not person.proven and self._on_volunteer_confirm is not None)
        self.person.show()

    def show_found(self, person: PersonView) -> None:
        """A person found by a receipt code: their number goes in the field, then shown."""
        self._set_text(person.id.number)
        self.show_person(person)

    def show_refused(self, message: str) -> None:
        self.show_errors([message])
        if self._on_read is not None:
            self._on_read(message)

    def _vouch(self) -> None:
        if self._person is not None and self._on_volunteer_confirm is not None:
            self._on_volunteer_confirm(self._person)

    def confirm(self) -> None:
        if self._person is not None:
            if self._person.proven or not self._needs_proof:
                self._on_confirm(self._person)
            return
        problem = validate_id_number(self.line.text(), today=self._today)
        if problem is not None:
            self.show_refused(problem.message)

    def retype(self) -> None:
        self.line.clear()
        self.line.setFocus()

    def extra_spoken(self) -> list[str]:
        if not self.person.isVisible():
            return []
        return [self.person_lines.text(), self.proof_note.text()]
