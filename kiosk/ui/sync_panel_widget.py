"""Staff mode's sync panels: 设备登记 (enroll this kiosk with the town server) and 上传到镇里
(last success, last error, 马上上传, the cases the server sent back with 重新上传 each).

Widgets only: the staff flow (kiosk/ui/staff_flow.py) runs the calls off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, label
from kiosk.ui.look import metrics
from kiosk.ui.qt import QFrame, QHBoxLayout, QLineEdit, QVBoxLayout
from kiosk.ui.reflow_widget import side_or_under
from kiosk.ui.sync_backend import QuarantineRow, SyncDetails, local_time


def _panel(widget: QFrame, name: str) -> QVBoxLayout:
    """A light panel (the look of common_widgets.frame) around the widget's children."""
    widget.setObjectName(name)
    widget.setProperty("role", "panel")
    m = metrics()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(m.px(20), m.px(16), m.px(20), m.px(16))
    layout.setSpacing(m.px(8))
    return layout


def _line(value: str, name: str) -> QLineEdit:
    line = QLineEdit(value)
    line.setObjectName(name)
    return line


class EnrollPanel(QFrame):
    """Server address and the one-time code from ``kiosk-server enroll``, and 登记."""

    def __init__(
        self,
        *,
        server_url: str,
        device_id: str | None,
        on_enroll: Callable[[str, str], None],
    ) -> None:
        super().__init__()
        layout = _panel(self, "enroll-panel")
        layout.addWidget(label(S.ENROLL_HEADING, "heading"))
        state = S.ENROLLED_AS.format(device_id=device_id) if device_id else S.NOT_ENROLLED_YET
        layout.addWidget(label(state, "large", name="enroll-state"))
        layout.addWidget(label(S.SERVER, "large"))
        self.server = _line(server_url, "enroll-server")
        layout.addWidget(self.server)
        layout.addWidget(label(S.ENROLL_CODE, "large"))
        self.code = _line("", "enroll-code")
        self.code.setPlaceholderText("ABCD-EFGH-JKLM")
        layout.addWidget(self.code)
        row = QHBoxLayout()
        row.addWidget(
            button(
                S.ENROLL,
                "fa5s.link",
                role="primary",
                name="enroll",
                on_click=lambda: on_enroll(self.server.text(), self.code.text()),
            )
        )
        row.addStretch(1)
        layout.addLayout(row)
        self.result = label("", "large", name="enroll-result")
        self.result.hide()
        layout.addWidget(self.result)

    def show_result(self, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(bool(text))


class SyncPanel(QFrame):
    """Queue counts, last success and error, 马上上传, the quarantined cases."""

    def __init__(
        self,
        *,
        queue_line: str,
        details: SyncDetails,
        on_sync: Callable[[], None],
        on_retry: Callable[[QuarantineRow], None],
    ) -> None:
        super().__init__()
        layout = _panel(self, "sync-panel")
        status = details.status
        layout.addWidget(label(S.SYNC_HEADING, "heading"))
        layout.addWidget(label(queue_line, "large", name="queue-state"))
        online = {True: S.SYNC_ONLINE, False: S.SYNC_OFFLINE}.get(status.online, S.SYNC_UNTRIED)
        last = local_time(status.last_success_at)
        layout.addWidget(
            label(S.SYNC_STATE.format(online=online, last=last), "large", name="last-success")
        )
        error = (
            S.SYNC_LAST_ERROR.format(error=status.last_error)
            if status.last_error
            else S.SYNC_NO_ERROR
        )
        layout.addWidget(label(error, None, name="last-error"))
        row = QHBoxLayout()
        row.addWidget(button(S.SYNC_NOW, "fa5s.cloud-upload-alt", name="sync", on_click=on_sync))
        row.addStretch(1)
        layout.addLayout(row)
        layout.addSpacing(metrics().gap)
        rows = details.quarantined
        layout.addWidget(
            label(
                S.QUARANTINE_HEADING.format(n=len(rows)) if rows else S.QUARANTINE_NONE,
                "heading",
                name="quarantine-heading",
            )
        )
        for item in rows:
            reason = S.QUARANTINE_REASON.format(reason=item.reason)
            words = label(
                f"{item.number}　{item.form_title}\n{reason}",
                None,
                name=f"quarantined-{item.number}",
            )
            retry = button(
                S.RETRY, "fa5s.redo", name=f"retry-{item.number}", on_click=partial(on_retry, item)
            )
            layout.addWidget(side_or_under(words, retry))  # 重试 under the reason when narrow
