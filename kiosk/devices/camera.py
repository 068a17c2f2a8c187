"""Where captured pictures come from, without Qt: a camera through OpenCV, or a
synthetic source that draws a photographed page (tests, demos, a kiosk without camera).

A ``FrameSource`` gives BGR frames (``numpy`` arrays) one at a time; ``read()`` returns
None when no frame is available (camera unplugged). The kiosk's live preview (kiosk/ui)
shows frames from a source and hands the chosen one to ``capture.prepare_frame``.
USB document cameras (高拍仪) are UVC cameras: ``OpenCVCamera(index)`` reads them, as
does QtMultimedia in the UI where the platform has it.
"""

from __future__ import annotations

from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

Frame = NDArray[Any]  # BGR pixels, uint8 (OpenCV)


class CameraUnavailable(RuntimeError):
    """No camera at this index / name (message in plain English)."""


class FrameSource(Protocol):
    name: str

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


class OpenCVCamera:
    """A UVC camera (webcam, USB 高拍仪) by index, through OpenCV's VideoCapture."""

    def __init__(self, index: int = 0, *, width: int = 2592, height: int = 1944) -> None:
        self.name = f"camera {index}"
        self._capture = cv2.VideoCapture(index)
        if not self._capture.isOpened():
            raise CameraUnavailable(f"no camera at index {index}")
        # Document cameras deliver their best resolution only when asked for it.
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    def read(self) -> Frame | None:
        ok, frame = self._capture.read()
        return frame if ok else None

    def close(self) -> None:
        self._capture.release()


def draw_page(
    *,
    width: int = 1600,
    height: int = 1200,
    angle: float = 8.0,
    page_share: float = 0.7,
    blur: int = 0,
    seed: int = 1,
    desk: tuple[int, int] = (40, 90),
    paper: int = 245,
    ink: int = 30,
    aspect: float = 1.414,
    clutter: int = 0,
) -> Frame:
    """A picture of a page with lines of 'text' lying on a textured desk, turned by
    ``angle`` degrees; ``blur`` > 0 applies a Gaussian blur of that kernel size (odd),
    as an out-of-focus camera would.

    The default is a white A4 page (``aspect`` 1.414) on a dark desk; ``desk`` (grey
    range), ``paper`` and ``ink`` (grey levels) make a light page on a light desk or a
    dark card (``aspect`` 1.586) on a light one; ``clutter`` draws that many objects
    (pens, a phone, a cup) on the desk around the page."""
    rng = np.random.default_rng(seed)
    surface: Frame = rng.integers(desk[0], desk[1], size=(height, width, 3), dtype=np.uint8)
    surface = cv2.GaussianBlur(surface, (9, 9), 0)
    for _ in range(clutter):
        shade = int(rng.integers(0, 256))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        if rng.random() < 0.5:
            tip = (x + int(rng.integers(-400, 400)), y + int(rng.integers(-60, 60)))
            cv2.line(surface, (x, y), tip, (shade, shade, shade), int(rng.integers(6, 20)))
        else:
            cv2.circle(surface, (x, y), int(rng.integers(30, 120)), (shade, shade, 255 - shade), -1)
    page_h = int(height * page_share)
    page_w = int(page_h / aspect)
    page = np.full((page_h, page_w, 3), paper, dtype=np.uint8)
    margin = page_w // 10
    y = margin
    line_h = max(12, page_h // 40)
    while y < page_h - margin:
        x = margin
        while x < page_w - margin:
            word = int(rng.integers(line_h, line_h * 4))
            end = min(x + word, page_w - margin)
            cv2.rectangle(page, (x, y), (end, y + line_h // 2), (ink, ink, ink), -1)
            x = end + line_h // 2
        y += line_h
    cv2.rectangle(page, (margin, margin // 3), (page_w - margin, margin // 2), (0, 0, 160), -1)
    # Place the page in the middle of the desk, turned.
    src = np.array([[0, 0], [page_w, 0], [page_w, page_h], [0, page_h]], dtype=np.float32)
    centre = np.array([width / 2, height / 2])
    theta = np.deg2rad(angle)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    dst = ((src - [page_w / 2, page_h / 2]) @ rot.T + centre).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(page, matrix, (width, height))
    mask = cv2.warpPerspective(np.full((page_h, page_w), 255, np.uint8), matrix, (width, height))
    frame: Frame = np.where(mask[..., None] > 0, warped, surface).astype(np.uint8)
    if blur:
        frame = cv2.GaussianBlur(frame, (blur | 1, blur | 1), 0)
    return frame


class SyntheticCamera:
    """A camera that films a page on a desk (``draw_page``): each ``read`` the same
    picture, or None after ``unplug()`` (a camera pulled out mid-capture)."""

    name = "synthetic"

    def __init__(self, **page: float | int) -> None:
        self._frame: Frame | None = draw_page(**page)  # type: ignore[arg-type]

    def read(self) -> Frame | None:
        return None if self._frame is None else self._frame.copy()

    def unplug(self) -> None:
        self._frame = None

    def close(self) -> None:
        self._frame = None


def open_camera(setting: str) -> FrameSource:
    """The camera a setting names: "synthetic", "opencv:N" / "N" (index), or "auto" (0).
    CameraUnavailable when it is not there; ValueError for an empty setting."""
    setting = setting.strip()
    if not setting:
        raise ValueError("no camera configured")
    if setting == "synthetic":
        return SyntheticCamera()
    index_text = setting.removeprefix("opencv:")
    if setting == "auto":
        index_text = "0"
    if not index_text.isdigit():
        raise CameraUnavailable(f"camera '{setting}' is chosen in the kiosk UI (QtMultimedia)")
    return OpenCVCamera(int(index_text))
