"""Staff mode (behind the PIN): sync state and quarantined cases, enrolling the kiosk,
reprint, settings, devices (camera, scan folder, receipt printer, with tests), exit
kiosk mode."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.config import Settings
from kiosk.devices.audio import AudioStatus
from kiosk.services.views import CaseSummary
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.devices_panel_widget import DevicesPanel
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QLineEdit
from kiosk.ui.reflow_widget import Reflow, side_or_under, words_then_buttons
from kiosk.ui.sync_backend import QuarantineRow, SyncDetails
from kiosk.ui.sync_panel_widget import EnrollPanel, SyncPanel
from kiosk.ui.theme import FONT_SCALES

if TYPE_CHECKING:  # printing (reportlab) is loaded on the first print, not with staff mode
    from kiosk.services.printing import PrintProblem

IDLE_STEPS = (60, 90, 120, 180, 300, 600)


def _step(values: tuple[Any, ...], current: Any, direction: int) -> Any:
    ranked = sorted(values, key=lambda v: abs(v - current))
    i = values.index(ranked[0]) + direction
    return values[max(0, min(len(values) - 1, i))]


class StaffPage(BasePage):
    def __init__(
        self,
        *,
        settings: Settings,
        status_lines: list[str],
        recent: list[CaseSummary],
        print_problems: list[PrintProblem] | None = None,
        definitions: list[str] | None = None,
        audio: AudioStatus | None = None,
        on_sync: Callable[[], None] | None,
        sync: SyncDetails | None = None,
        on_enroll: Callable[[str, str], None] | None = None,
        on_retry: Callable[[QuarantineRow], None] | None = None,
        on_reprint: Callable[[str], None],
        on_save: Callable[[dict[str, Any]], None],
        on_test_device: Callable[[str, dict[str, Any]], None] | None = None,
        on_capture: Callable[[str], None] | None = None,
        on_exit_kiosk: Callable[[], None],
        on_quit: Callable[[], None],
        on_home: Callable[[], None],
        badge: str | None = None,
        admin: bool = True,
    ) -> None:
        super().__init__(S.STAFF_HEADING, None, name="staff", badge=badge)
        self.enroll_panel: EnrollPanel | None = None
        if audio is not None and audio.ok is not True:  # espeak-ng exits 0 without a device
            # A status banner, first: 朗读 is silent for every resident until it is fixed.
            audio_box, audio_layout = frame("error", name="audio-problem")
            audio_layout.addWidget(label(audio.message_zh, "large", name="audio-text"))
            self.body.addWidget(audio_box)
        if print_problems:
            # First: paper a resident may be waiting for (printed only when CUPS said the job
            # completed; kiosk.services.printing.print_case).
            self.body.addWidget(
                label(
                    S.PRINT_PROBLEMS.format(n=len(print_problems)), "heading", name="print-problems"
                )
            )
            for problem in print_problems:
                text = S.PRINT_PROBLEM_ROW.format(number=problem.number, reason=problem.reason)
                again = button(
                    S.REPRINT,
                    "fa5s.print",
                    name=f"print-again-{problem.number}",
                    on_click=partial(on_reprint, problem.case_id),
                )
                self.body.addWidget(
                    side_or_under(label(text, name=f"print-problem-{problem.number}"), again)
                )

        if sync is not None and on_sync and on_enroll and on_retry:
            self.body.addWidget(
                SyncPanel(
                    queue_line=status_lines[0],
                    details=sync,
                    on_sync=on_sync,
                    on_retry=on_retry,
                )
            )
            if admin:  # enrolling the kiosk is an admin's job
                self.enroll_panel = EnrollPanel(
                    server_url=settings.server_url, device_id=sync.device_id, on_enroll=on_enroll
                )
                self.body.addWidget(self.enroll_panel)
            for line in status_lines[1:]:  # 好差评 counts
                self.body.addWidget(label(line, "large", name="status-line"))
        else:  # a tree without the sync service: the queue counts only
            status, box = frame("panel", name="status-panel")
            for line in status_lines:
                box.addWidget(label(line, "large", name="status-line"))
            self.body.addWidget(status)

        if definitions:  # forms and policy in force, refusals, 待核实 (issue 16)
            self.body.addWidget(label(S.DEFINITIONS_HEADING, "heading"))
            panel, box = frame("panel", name="definitions")
            for i, line in enumerate(definitions):
                box.addWidget(label(line, "large", name=f"definitions-{i}"))
            self.body.addWidget(panel)

        self.body.addWidget(label(S.RECENT_CASES, "heading"))
        for case in recent:
            row = [
                label(f"{case.number}　{case.form_title}　{case.state_label}"),
                button(
                    S.REPRINT,
                    "fa5s.print",
                    name=f"reprint-{case.number}",
                    on_click=partial(on_reprint, case.id),
                ),
            ]
            if on_capture is not None:
                row.append(
                    button(
                        S.CAPTURE_MATERIALS,
                        "fa5s.camera",
                        name=f"capture-{case.number}",
                        on_click=partial(on_capture, case.id),
                    )
                )
            self.body.addWidget(words_then_buttons(row))

        self.body.addWidget(label(S.SETTINGS_HEADING, "heading"))
        if not admin:
            self.body.addWidget(label(S.ADMIN_ONLY, "large", name="admin-only"))
        self.values: dict[str, Any] = {
            "font_scale": settings.font_scale,
            "voice_enabled": settings.voice_enabled,
            "idle_timeout_s": settings.idle_timeout_s,
        }
        self.scale_label = label("", "large", name="font-scale")
        self.body.addWidget(self._stepper(self.scale_label, "scale", self._scale))
        self.voice = button("", "fa5s.volume-up", name="voice", on_click=self._toggle_voice)
        self.body.addWidget(self.voice)
        self.idle_label = label("", "large", name="idle-timeout")
        self.body.addWidget(self._stepper(self.idle_label, "idle", self._idle))
        self.printer = self._line(S.PRINTER, settings.printer, "printer")
        self.server = self._line(S.SERVER, settings.server_url, "server")
        self.devices = DevicesPanel(settings, on_test=on_test_device or (lambda _d, _v: None))
        self.body.addWidget(self.devices)
        save = button(
            S.SAVE,
            "fa5s.save",
            role="primary",
            name="save",
            on_click=lambda: on_save(self.collect()),
        )
        save.setEnabled(admin)
        self.body.addWidget(save)
        exit_kiosk = button(
            S.EXIT_KIOSK, "fa5s.compress", name="exit-kiosk", on_click=on_exit_kiosk
        )
        quit_app = button(S.QUIT_APP, "fa5s.power-off", name="quit", on_click=on_quit)
        self.body.addWidget(Reflow([exit_kiosk, quit_app], [[[0, 1]], [[0], [1]]]))
        self.body.addStretch(1)
        self._refresh()
        self.set_nav(next=on_home, next_text=S.HOME)

    def _stepper(self, shown: Any, name: str, step: Callable[[int], None]) -> Reflow:
        down = button(
            S.SMALLER if name == "scale" else S.SHORTER,
            "fa5s.minus",
            name=f"{name}-down",
            on_click=lambda: step(-1),
        )
        up = button(
            S.BIGGER if name == "scale" else S.LONGER,
            "fa5s.plus",
            name=f"{name}-up",
            on_click=lambda: step(1),
        )
        return words_then_buttons([shown, down, up])

    def _line(self, caption: str, value: str, name: str) -> QLineEdit:
        self.body.addWidget(label(caption, "large"))
        line = QLineEdit(value)
        line.setObjectName(name)
        self.body.addWidget(line)
        return line

    def _scale(self, direction: int) -> None:
        self.values["font_scale"] = _step(FONT_SCALES, self.values["font_scale"], direction)
        self._refresh()

    def _idle(self, direction: int) -> None:
        self.values["idle_timeout_s"] = _step(IDLE_STEPS, self.values["idle_timeout_s"], direction)
        self._refresh()

    def _toggle_voice(self) -> None:
        self.values["voice_enabled"] = not self.values["voice_enabled"]
        self._refresh()

    def _refresh(self) -> None:
        self.scale_label.setText(
            S.FONT_SCALE.format(percent=round(self.values["font_scale"] * 100))
        )
        self.voice.setText(S.VOICE_ON if self.values["voice_enabled"] else S.VOICE_OFF)
        self.idle_label.setText(S.IDLE_TIMEOUT.format(seconds=self.values["idle_timeout_s"]))

    def collect(self) -> dict[str, Any]:
        return {
            **self.values,
            **self.devices.collect(),
            "printer": self.printer.text().strip(),
            "server_url": self.server.text().strip(),
        }
