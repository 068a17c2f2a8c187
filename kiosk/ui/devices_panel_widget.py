"""The staff page's device section: which camera, scan folder and receipt printer, the
slip's width, receipts on or off, and a test button for each device. The tests run off
the GUI thread (kiosk.services.devices_check) and say in words what they found; a
setting that leaves something out of the slip (no hall phone number) is warned about
as it is typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kiosk.config import Settings
from kiosk.services.devices_check import setting_warnings
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label
from kiosk.ui.qt import QHBoxLayout, QLineEdit, QWidget
from kiosk.ui.qt_camera import video_inputs
from kiosk.ui.reflow_widget import Reflow


class DevicesPanel(QWidget):
    def __init__(
        self,
        settings: Settings,
        *,
        on_test: Callable[[str, dict[str, Any]], None],
    ) -> None:
        super().__init__()
        self.setObjectName("devices-panel")
        box, layout = frame("panel", name="devices")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        layout.addWidget(label(S.DEVICES_HEADING, "heading"))
        self.values: dict[str, Any] = {
            "receipt_enabled": settings.receipt_enabled,
            "receipt_width_mm": settings.receipt_width_mm,
        }
        found = video_inputs()  # QtMultimedia's list: USB 高拍仪 are cameras too
        self.cameras = label(
            S.CAMERAS_FOUND.format(names="、".join(found)) if found else S.CAMERAS_NONE,
            "large",
            name="cameras-found",
        )
        self.cameras.setWordWrap(True)
        layout.addWidget(self.cameras)
        self.lines: dict[str, QLineEdit] = {}
        for name, caption in (
            ("camera", S.CAMERA),
            ("scan_folder", S.SCAN_FOLDER),
            ("receipt_printer", S.RECEIPT_PRINTER),
            ("hall_phone", S.HALL_PHONE),
        ):
            layout.addWidget(label(caption, "large"))
            line = QLineEdit(str(getattr(settings, name)))
            line.setObjectName(name)
            layout.addWidget(line)
            self.lines[name] = line
        self.enabled = button("", "fa5s.receipt", name="receipt-enabled", on_click=self._toggle)
        self.width_button = button(
            "", "fa5s.arrows-alt-h", name="receipt-width", on_click=self._width
        )
        # Side by side when they fit, else one a line (200 % text on a narrow screen).
        layout.addWidget(Reflow([self.enabled, self.width_button], [[[0, 1]], [[0], [1]]]))
        tests = [
            button(
                caption, icon, name=f"test-{device}", on_click=partial(self._test, on_test, device)
            )
            for device, caption, icon in (
                ("camera", S.TEST_CAMERA, "fa5s.camera"),
                ("scan_folder", S.TEST_SCAN_FOLDER, "fa5s.folder-open"),
                ("receipt_printer", S.TEST_RECEIPT, "fa5s.print"),
            )
        ]
        layout.addWidget(Reflow(tests, [[[0, 1, 2]], [[0, 1], [2]], [[0], [1], [2]]]))
        self.warnings = label("", "large", name="device-warnings")
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        self.lines["hall_phone"].textChanged.connect(lambda _text: self._refresh())
        self.result = label("", "large", name="device-result")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self._settings = settings
        self._refresh()

    def _test(self, on_test: Callable[[str, dict[str, Any]], None], device: str) -> None:
        on_test(device, self.collect())

    def _toggle(self) -> None:
        self.values["receipt_enabled"] = not self.values["receipt_enabled"]
        self._refresh()

    def _width(self) -> None:
        self.values["receipt_width_mm"] = 80 if self.values["receipt_width_mm"] < 80 else 58
        self._refresh()

    def _refresh(self) -> None:
        self.enabled.setText(S.RECEIPT_ON if self.values["receipt_enabled"] else S.RECEIPT_OFF)
        self.width_button.setText(S.RECEIPT_WIDTH.format(mm=self.values["receipt_width_mm"]))
        if hasattr(self, "warnings"):
            try:
                current = self._settings.model_copy(update=self.collect())
            except ValueError:
                current = self._settings
            said = [w.message for w in setting_warnings(current)]
            self.warnings.setText("\n".join(f"⚠ {w}" for w in said))
            self.warnings.setVisible(bool(said))

    def show_result(self, text: str) -> None:
        self.result.setText(text)

    def collect(self) -> dict[str, Any]:
        return {**self.values, **{k: v.text().strip() for k, v in self.lines.items()}}
