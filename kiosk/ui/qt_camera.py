"""Live camera through QtMultimedia: webcams and USB document cameras (高拍仪 are UVC
cameras, listed by QMediaDevices like any other), as a FrameSource for the capture page.

``video_inputs()`` names the cameras the system has (empty when none, or when
QtMultimedia cannot load). ``open_qt_camera(setting)`` opens the one a setting names:
``auto`` the system's default camera, ``qt:NAME`` the camera whose description or id is
NAME; None when it is not there (the capture page then says so and the scan folder
still works). The camera is asked for its largest resolution (a document camera gives
its best only when asked); frames arrive through a QVideoSink, and ``read()`` converts
the newest to BGR pixels (numpy, as OpenCV and kiosk.devices.capture take them) only
when the preview or 拍照 asks. The synthetic and OpenCV sources (kiosk.devices.camera)
stay for tests and for machines without QtMultimedia.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.ui.qt import QImage, multimedia

if TYPE_CHECKING:  # numpy (and OpenCV with kiosk.devices.camera) only when a frame is read:
    # the staff page lists the cameras without them (issue 19: idle memory)
    from kiosk.devices.camera import Frame


def video_inputs() -> list[str]:
    """Descriptions of the cameras present now ([] when none or no QtMultimedia)."""
    qm = multimedia()
    return [] if qm is None else [d.description() for d in qm.QMediaDevices.videoInputs()]


def _device(setting: str) -> Any:
    qm = multimedia()
    if qm is None:
        return None
    devices = qm.QMediaDevices.videoInputs()
    if setting == "auto":
        default = qm.QMediaDevices.defaultVideoInput()
        return None if default.isNull() else default
    wanted = setting.removeprefix("qt:")
    for device in devices:
        if wanted in (device.description(), bytes(device.id().data()).decode(errors="replace")):
            return device
    return None


def to_bgr(image: QImage) -> Frame:
    """A QImage as BGR pixels (a copy: the image's buffer is Qt's)."""
    import numpy as np

    image = image.convertToFormat(QImage.Format.Format_BGR888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, count=stride * height)
    return rows.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


class QtCamera:
    """One QtMultimedia camera as a FrameSource (see the module doc)."""

    def __init__(self, device: Any) -> None:
        qm = multimedia()
        self.name = device.description()
        self._camera = qm.QCamera(device)
        formats = list(device.videoFormats())
        if formats:
            best = max(formats, key=lambda f: f.resolution().width() * f.resolution().height())
            self._camera.setCameraFormat(best)
        self._sink = qm.QVideoSink()
        self._session = qm.QMediaCaptureSession()
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._frame: Any = None
        self._sink.videoFrameChanged.connect(self._arrived)
        self._camera.errorOccurred.connect(self._failed)
        self._camera.start()

    def _arrived(self, frame: Any) -> None:
        self._frame = frame

    def _failed(self, *_error: Any) -> None:
        self._frame = None  # unplugged or taken by another program: no frame, said so

    def read(self) -> Frame | None:
        frame = self._frame
        if frame is None or not frame.isValid() or not self._camera.isActive():
            return None
        image = frame.toImage()
        return None if image.isNull() else to_bgr(image)

    def close(self) -> None:
        self._camera.stop()
        self._frame = None


def open_qt_camera(setting: str) -> QtCamera | None:
    """The camera ``auto`` or ``qt:NAME`` names, started; None when it is not there."""
    device = _device(setting.strip())
    return None if device is None else QtCamera(device)
