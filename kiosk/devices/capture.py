"""A photographed or scanned page made ready to keep: found, cropped, deskewed, judged.

``prepare_page(data)`` takes the bytes of an image (JPEG, PNG … from a document camera,
a webcam or a scanner) and returns a ``PreparedPage``: the page cut out of its
background and straightened (a perspective warp of the page's four corners, found as
the largest four-cornered contour; when no such contour is found, the image is only
rotated by the angle of its text block's minimum-area rectangle), its sharpness and
whether that is enough to read. ``prepare_frame`` does the same for a camera frame
(a BGR ``numpy`` array, as OpenCV gives it).

Sharpness is the variance of the Laplacian of the grey page (scaled down to 1000 px wide)
(Pech-Pacheco et al. 2000, "Diatom autofocusing in brightfield microscopy"; the usual
blur measure for document capture): a sharp printed page scores in the hundreds, an
out-of-focus or shaken one below about 60 (``min_sharpness``; docs/devices.md).

Plain Python and OpenCV (opencv-python-headless): no Qt, so tests and the CLI use it.
Errors: ``CaptureError`` when the bytes are no image OpenCV can decode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

DETECT_WIDTH = 1000  # px: the size the page is looked for at, and judged at
MAX_SIDE = 2480  # px: A4 at 300 dpi; bigger pages are scaled down when kept
MIN_PAGE_SHARE = 0.2  # a page smaller than this share of the picture is not "the page"
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


def decode(data: bytes) -> Image:
    array = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(array, cv2.IMREAD_COLOR) if array.size else None
    if image is None:
        raise CaptureError("not an image OpenCV can read")
    return image


def sharpness(image: Image) -> float:
    """Variance of the Laplacian of the grey image, scaled down to DETECT_WIDTH wide."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    scale = DETECT_WIDTH / grey.shape[1]
    if scale < 1.0:  # never scaled up: that would smooth the page and hide sharpness
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def _order_corners(points: NDArray[np.float32]) -> NDArray[np.float32]:
    """Top-left, top-right, bottom-right, bottom-left."""
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(total)],
            points[np.argmin(diff)],
            points[np.argmax(total)],
            points[np.argmax(diff)],
        ],
        dtype=np.float32,
    )


def find_page(image: Image) -> NDArray[np.float32] | None:
    """The page's four corners in the image's pixels, or None when no page stands out."""
    scale = DETECT_WIDTH / image.shape[1]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    # A page is lighter than what it lies on: Otsu separates them; edges catch the rest.
    _, mask = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area = small.shape[0] * small.shape[1]
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
        if cv2.contourArea(contour) < MIN_PAGE_SHARE * area:
            break
        if cv2.contourArea(contour) > 0.98 * area:
            continue  # the whole picture: no background around a page
        hull = cv2.convexHull(contour)
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(approx) == 4:
            return _order_corners(approx.reshape(4, 2).astype(np.float32) / scale)
    return None


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
    """The skew of the dark marks on the page, in degrees (-45 … 45]; 0 when there are
    too few to tell."""
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
    if angle <= -45.0:
        angle += 90.0
    return float(angle)


def _rotate(image: Image, angle: float) -> Image:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        image, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def prepare_frame(image: Image, *, min_sharpness: float = 60.0) -> PreparedPage:
    """Crop, deskew, judge and encode one picture (BGR array); see the module doc."""
    corners = find_page(image)
    angle = 0.0
    if corners is not None:
        page = _warp(image, corners)
        if page.shape[1] > page.shape[0] * 1.15 and image.shape[0] > image.shape[1]:
            page = cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)  # stay portrait like the photo
    else:
        angle = text_angle(image)
        page = _rotate(image, angle) if abs(angle) > 0.3 else image
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
    )


def prepare_page(data: bytes, *, min_sharpness: float = 60.0) -> PreparedPage:
    """``prepare_frame`` for the bytes of an image file (CaptureError if it is none)."""
    return prepare_frame(decode(data), min_sharpness=min_sharpness)
