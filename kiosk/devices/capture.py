"""A photographed or scanned page made ready to keep: found, cropped, deskewed, judged.

``prepare_pages(data)`` takes the bytes of an image or PDF file (JPEG, PNG, multi-page
TIFF … from a document camera, a webcam or a scanner; decoded only within the byte,
pixel and page limits of kiosk.devices.page_files) and returns one ``PreparedPage`` per
page: the page cut out of its background and straightened (a perspective warp of the
page's four corners, found by kiosk.devices.page_detect only when sure), its sharpness
and whether that is enough to read. When no page is found confidently the whole picture
is kept, only rotated by the angle of its text lines, and ``notice`` says 未能自动裁边
for the volunteer: never a wrong crop. ``prepare_frame`` does the same for a camera
frame (a BGR ``numpy`` array, as OpenCV gives it).

Sharpness is the variance of the Laplacian of the grey page (scaled down to 1000 px wide)
(Pech-Pacheco et al. 2000, "Diatom autofocusing in brightfield microscopy"; the usual
blur measure for document capture): a sharp printed page scores in the hundreds, an
out-of-focus or shaken one below about 60 (``min_sharpness``; docs/devices.md).

Plain Python and OpenCV (opencv-python-headless): no Qt, so tests and the CLI use it.
Errors: ``CaptureError`` (message names the file) when the bytes are no image or PDF,
or above the limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from kiosk.devices.page_detect import find_page
from kiosk.devices.page_files import PageFileError, decode_pages

DETECT_WIDTH = 1000  # px: the size the page is judged at
MAX_SIDE = 2480  # px: A4 at 300 dpi; bigger pages are scaled down when kept
# The shortest side a page may have and still be read: an A4 page's 小四 (12 pt) print is
# then about 10 px high (~58 dpi), a 居民身份证 (54 mm short side, GB/T 14916) ~225 dpi.
# A thumbnail or a picture taken from across the room is below it.
MIN_SHORT_SIDE = 480
MAX_DESKEW = 20.0  # degrees: a larger text angle on an uncropped picture is not trusted
NOT_CROPPED_ZH = "未能自动裁边"  # shown to the volunteer when the whole picture is kept
JPEG_QUALITY = 90

Image = NDArray[Any]  # BGR or grey pixels, uint8 (OpenCV)


class CaptureError(ValueError):
    """The bytes are not an image (message in plain English)."""


@dataclass(frozen=True)
class PreparedPage:
    jpeg: bytes
    width: int
    height: int
    sharpness: float
    sharp: bool
    found_page: bool  # the page's edges were found and the page cut out
    angle: float  # degrees the page was turned by (0 when warped by its corners)
    cropping: bool = True  # False: kept as it was on purpose (``crop=False``)

    @property
    def too_small(self) -> bool:
        """Too few pixels to read (shorter side below MIN_SHORT_SIDE)."""
        return min(self.width, self.height) < MIN_SHORT_SIDE

    @property
    def size_text(self) -> str:
        return f"{self.width} x {self.height} px"

    @property
    def notice(self) -> str | None:
        """未能自动裁边 when the page was looked for, not found, and the whole picture kept."""
        return NOT_CROPPED_ZH if self.cropping and not self.found_page else None


def decode_all(data: bytes, name: str = "file") -> list[Image]:
    """Every page of an image or PDF file as BGR pixels, bounded in pixels and pages
    before decoding (kiosk.devices.page_files); CaptureError naming ``name`` otherwise."""
    try:
        pages = decode_pages(data, name)
    except PageFileError as exc:
        raise CaptureError(str(exc)) from None
    return [cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR) for page in pages]


def decode(data: bytes, name: str = "file") -> Image:
    """The first page of ``decode_all``."""
    return decode_all(data, name)[0]


def sharpness(image: Image) -> float:
    """Variance of the Laplacian of the grey image, scaled down to DETECT_WIDTH wide."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    scale = DETECT_WIDTH / grey.shape[1]
    if scale < 1.0:  # never scaled up: that would smooth the page and hide sharpness
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def _warp(image: Image, corners: NDArray[np.float32]) -> Image:
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(corners, target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC)


def text_angle(image: Image) -> float:
    """The skew of the dark marks on the page, in degrees [-45 … 45); 0 when there are
    too few to tell. (OpenCV's ``minAreaRect`` angle convention changed in 4.5; the
    result is brought into [-45, 45) whatever the version gives.)"""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Join the letters of a line into one stroke, so the lines set the angle.
    ink = cv2.dilate(ink, np.ones((3, 25), np.uint8))
    points = cv2.findNonZero(ink)
    if points is None or len(points) < 100:
        return 0.0
    (_, _), (w, h), angle = cv2.minAreaRect(points)
    if w < h:
        angle -= 90.0
    return float((angle + 45.0) % 90.0 - 45.0)


def _rotate(image: Image, angle: float) -> Image:
    """Turned by ``angle`` degrees on a canvas grown to hold all of it: the corners of a
    picture kept uncropped are never cut off."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = round(float(h * sin + w * cos)), round(float(h * cos + w * sin))
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        image, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def prepare_frame(image: Image, *, min_sharpness: float = 60.0, crop: bool = True) -> PreparedPage:
    """Crop, deskew, judge and encode one picture (BGR array); see the module doc.
    ``crop=False`` keeps the picture as it is (only scaled and judged)."""
    corners = find_page(image) if crop else None
    angle = 0.0
    if not crop:
        page = image
    elif corners is not None:
        page = _warp(image, corners)
        if page.shape[1] > page.shape[0] * 1.15 and image.shape[0] > image.shape[1]:
            page = cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)  # stay portrait like the photo
    else:  # kept whole; turned straight only by a small skew that the lines show clearly
        angle = text_angle(image)
        if not 0.3 < abs(angle) <= MAX_DESKEW:
            angle = 0.0
        page = _rotate(image, angle) if angle else image
    longest = max(page.shape[:2])
    if longest > MAX_SIDE:
        scale = MAX_SIDE / longest
        page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    score = sharpness(page)
    ok, encoded = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise CaptureError("the page could not be encoded as JPEG")
    return PreparedPage(
        jpeg=encoded.tobytes(),
        width=int(page.shape[1]),
        height=int(page.shape[0]),
        sharpness=score,
        sharp=score >= min_sharpness,
        found_page=corners is not None,
        angle=angle,
        cropping=crop,
    )


def prepare_page(data: bytes, *, min_sharpness: float = 60.0, name: str = "file") -> PreparedPage:
    """``prepare_frame`` for the first page of an image file (CaptureError if it is none)."""
    return prepare_frame(decode(data, name), min_sharpness=min_sharpness)


def prepare_pages(
    data: bytes, *, min_sharpness: float = 60.0, name: str = "file", crop: bool = True
) -> list[PreparedPage]:
    """``prepare_frame`` for every page of an image, multi-page TIFF or PDF file."""
    return [
        prepare_frame(page, min_sharpness=min_sharpness, crop=crop)
        for page in decode_all(data, name)
    ]
