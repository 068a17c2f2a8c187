"""The base of every answer editor (kiosk/ui/answer_widgets.py, date_editor.py): a
vertical box that shows the stored answer and gives back a raw value for the form
engine, which does all checking (STYLE.md 6)."""

from __future__ import annotations

from typing import Any

from kiosk.ui.look import metrics
from kiosk.ui.qt import QVBoxLayout, QWidget


class Editor(QWidget):
    """No input of its own (a note page); subclasses add their widgets to ``box``."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("editor")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(metrics().gap)

    def value(self) -> Any:
        return None

    def spoken_choices(self) -> list[str]:
        """What 朗读 reads as the choices (numbered), if the editor has any."""
        return []

    def spoken_answer(self) -> str | None:
        """The answer shown now, in words for 朗读; None when nothing is given yet."""
        value = self.value()
        return None if value is None else str(value)
