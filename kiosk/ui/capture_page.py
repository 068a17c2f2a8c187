"""拍材料: photograph the materials of a case, page by page.

Big material buttons (each says how many pages it has: 已拍照 N 页, the tick that it was
received), a live preview from the configured camera (kiosk.devices.camera: an OpenCV
camera or the synthetic one; frames are shown at 5 per second), 拍照 to take and prepare
a page (crop, deskew, blur check off the GUI thread), then 保存 or 重拍. A blurred page
says 请重拍 in words and is never offered for saving. 从扫描仪导入 takes the complete files
of the scan folder. No camera: the page says so and the scan folder still works.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kiosk.devices.capture import PreparedPage
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, label
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import (
    QGridLayout,
    QHBoxLayout,
    QImage,
    QLabel,
    QPixmap,
    Qt,
    QTimer,
    QVBoxLayout,
)

PREVIEW_W, PREVIEW_H = 480, 360


def to_pixmap(frame: Any) -> QPixmap:
    """A BGR numpy frame as a QPixmap scaled into the preview box."""
    height, width = frame.shape[:2]
    image = QImage(frame.data, width, height, frame.strides[0], QImage.Format.Format_BGR888)
    return QPixmap.fromImage(image.copy()).scaled(
        PREVIEW_W, PREVIEW_H, Qt.AspectRatioMode.KeepAspectRatio
    )


class CapturePage(BasePage):
    def __init__(
        self,
        *,
        number: str,
        materials: list[tuple[str, str]],
        counts: dict[str, int],
        camera: Any | None,
        on_take: Callable[[str, Any], None],
        on_keep: Callable[[str, PreparedPage], None],
        on_scans: Callable[[str], None] | None,
        on_done: Callable[[], None],
        badge: str | None = None,
    ) -> None:
        super().__init__(S.CAPTURE_HEADING.format(number=number), S.CAPTURE_HINT, name="capture")
        self.camera = camera
        self.material: str | None = materials[0][0] if materials else None
        self.labels = dict(materials)
        self.counts = dict(counts)
        self.prepared: PreparedPage | None = None
        self.material_buttons: dict[str, Any] = {}
        top = QHBoxLayout()
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setFixedSize(PREVIEW_W, PREVIEW_H)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.preview)
        actions = QVBoxLayout()
        self.take = button(
            S.TAKE_PHOTO, "fa5s.camera", role="primary", name="take", on_click=self._take
        )
        self.keep = button(S.KEEP_PHOTO, "fa5s.check", name="keep", on_click=self._keep)
        self.retake = button(S.RETAKE, "fa5s.redo", name="retake", on_click=self.live)
        actions.addWidget(self.take)
        actions.addWidget(self.keep)
        actions.addWidget(self.retake)
        if on_scans is not None:
            actions.addWidget(
                button(
                    S.FROM_SCANNER,
                    "fa5s.folder-open",
                    name="scans",
                    on_click=partial(self._scans, on_scans),
                )
            )
        actions.addStretch(1)
        top.addLayout(actions)
        top.addStretch(1)
        self.body.addLayout(top)
        self.message = label("", "large", name="capture-message")
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        grid = QGridLayout()
        for n, (material_id, _label) in enumerate(materials):
            b = button("", "fa5s.file-alt", name=f"material-{material_id}")
            b.clicked.connect(partial(self.choose, material_id))
            self.material_buttons[material_id] = b
            grid.addWidget(b, n, 0)
        self.body.addLayout(grid)
        self._on_take, self._on_keep = on_take, on_keep
        self.timer = QTimer(self)
        self.timer.setInterval(200)
        self.timer.timeout.connect(self._show_frame)
        self.set_nav(next=on_done, next_text=S.CAPTURE_DONE)
        self._refresh()
        self.live()

    # ----- state ------------------------------------------------------------------------

    def choose(self, material_id: str) -> None:
        self.material = material_id
        self._refresh()

    def _refresh(self) -> None:
        for material_id, b in self.material_buttons.items():
            n = self.counts.get(material_id, 0)
            mark = S.CAPTURED_PAGES.format(n=n) if n else S.NOT_CAPTURED
            chosen = "▶ " if material_id == self.material else ""
            b.setText(f"{chosen}{self.labels[material_id]}　{mark}")
        has_camera = self.camera is not None
        self.take.setEnabled(has_camera and self.prepared is None and self.material is not None)
        self.keep.setVisible(self.prepared is not None and self.prepared.sharp)
        self.retake.setVisible(self.prepared is not None)

    def live(self) -> None:
        """Back to the live preview (重拍)."""
        self.prepared = None
        if self.camera is None:
            self.preview.setText(S.NO_CAMERA)
            self.timer.stop()
        else:
            self.message.setText("")
            self.timer.start()
            self._show_frame()
        self._refresh()

    def _show_frame(self) -> None:
        frame = self.camera.read() if self.camera is not None else None
        if frame is None:
            self.preview.setText(S.CAMERA_NO_PICTURE)
            return
        self.preview.setPixmap(to_pixmap(frame))

    def _scans(self, on_scans: Callable[[str], None]) -> None:
        if self.material is not None:
            self.timer.stop()
            self.message.setText(S.CAPTURE_WORKING)
            on_scans(self.material)

    def _take(self) -> None:
        frame = self.camera.read() if self.camera is not None else None
        if frame is None or self.material is None:
            self.message.setText(S.CAMERA_NO_PICTURE)
            return
        self.timer.stop()
        self.message.setText(S.CAPTURE_WORKING)
        self._on_take(self.material, frame)

    def show_prepared(self, page: PreparedPage) -> None:
        """The cut-out page, and whether it may be kept."""
        self.prepared = page
        self.preview.setPixmap(QPixmap.fromImage(QImage.fromData(page.jpeg)).scaled(
            PREVIEW_W, PREVIEW_H, Qt.AspectRatioMode.KeepAspectRatio
        ))  # fmt: skip
        said = S.CAPTURE_SHARP if page.sharp else S.CAPTURE_BLURRED
        if page.notice:  # 未能自动裁边: the whole picture is kept; the volunteer looks
            said = f"{page.notice}：{S.CAPTURE_NOT_CROPPED}\n{said}"
        self.message.setText(said)
        self._refresh()

    def _keep(self) -> None:
        if self.prepared is not None and self.material is not None:
            self._on_keep(self.material, self.prepared)

    def kept(self, material_id: str, message: str, ok: bool) -> None:
        if ok:
            self.counts[material_id] = self.counts.get(material_id, 0) + 1
        self.message.setText(message)
        self.prepared = None
        self.live()
        self.message.setText(message)

    def closeEvent(self, event: Any) -> None:
        self.timer.stop()
        super().closeEvent(event)
