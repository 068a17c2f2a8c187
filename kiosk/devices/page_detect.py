"""Finding the page (or card) in a photo: its four corners, or None when not sure.

A wrong crop is worse than none: it cuts off part of a resident's document and is kept.
So several independent views of the picture propose candidates, and a candidate is a
page only when it passes every sanity check; otherwise ``find_page`` returns None and
the caller keeps the whole picture and says so (未能自动裁边).

Views (each on the grey picture scaled to DETECT_WIDTH): Otsu's threshold (a light page
on a dark desk), the same inverted (a dark card on a light desk), and Canny edges closed
into outlines (a light page on a light desk, where only its edge and shadow differ).
Thin things touching the page (a pen) are cut off by an opening. Candidates are outer
contours reduced to four corners (``approxPolyDP`` of the convex hull, else the
minimum-area rectangle).

Sanity checks (all must hold): the quad covers MIN_AREA_SHARE … MAX_AREA_SHARE of the
picture; its long side / short side is within ASPECT_RANGE (A4 1.41, ID and bank cards
1.59, 户口簿 pages ≈ 1.4, square photos 1.0); its corners are within CORNER_TOLERANCE
degrees of a right angle (a page photographed at a slant stays near rectangular); and
the contour fills at least MIN_FILL of the quad (a blob of clutter does not); and at
least MIN_EDGE_SUPPORT of the quad's sides lies on a Canny edge (a page's outline is an
edge all round; a page merged with an object beside it is not); and the band just
inside the quad is quiet, at most MAX_MARGIN_EDGES of it on an edge (a page or card has
a margin; the block of print on a page, a candidate as rectangular as the page, has
none). The best
candidate (largest area × fill) wins.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

DETECT_WIDTH = 1000  # px: the size the page is looked for at
MIN_AREA_SHARE = 0.08  # an ID card held under a document camera covers ~10 %
MAX_AREA_SHARE = 0.97  # the whole picture: no background around a page
ASPECT_RANGE = (1.0, 1.9)
CORNER_TOLERANCE = 20.0  # degrees from 90
MIN_FILL = 0.88  # contour area / quad area
MIN_EDGE_SUPPORT = 0.85  # share of the quad's sides on an edge of the picture
MAX_MARGIN_EDGES = 0.06  # share of edge pixels in the band just inside the quad

Image = NDArray[Any]
Corners = NDArray[np.float32]


def order_corners(points: Corners) -> Corners:
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


def _views(grey: Image, edges: Image) -> list[Image]:
    """Masks whose outer contours may be the page; thin things touching it (a pen, a
    cable) are cut off by an opening."""
    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    _, light = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    close = np.ones((15, 15), np.uint8)
    outline = np.zeros_like(edges)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(outline, contours, -1, 255, thickness=cv2.FILLED)
    outline = cv2.erode(outline, np.ones((7, 7), np.uint8))  # undo the edges' dilation
    opening = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15))
    return [
        cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_OPEN, opening), cv2.MORPH_CLOSE, close)
        for mask in (light, 255 - light, outline)
    ]


def edge_support(quad: Corners, edges: Image) -> float:
    """Share of points along the quad's four sides that lie on an edge of the picture
    (a page's outline is an edge all round; a blob of page and clutter is not)."""
    h, w = edges.shape[:2]
    hits = total = 0
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        for t in np.linspace(0.05, 0.95, 40):
            x, y = (a + (b - a) * t).round().astype(int)
            if 0 <= x < w and 0 <= y < h:
                total += 1
                hits += bool(edges[y, x])
    return hits / total if total else 0.0


def _quad(contour: Image) -> Corners:
    """The contour's convex hull simplified to four corners (follows perspective), else
    its minimum-area rectangle."""
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(approx) == 4:
        return approx.reshape(4, 2).astype(np.float32)
    return cv2.boxPoints(cv2.minAreaRect(contour)).astype(np.float32)


def _corner_angles(quad: Corners) -> list[float]:
    angles = []
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        angles.append(float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))))
    return angles


def plausible(quad: Corners, contour_area: float, picture_area: float) -> float:
    """The candidate's score (area share × fill), or 0 when a sanity check fails."""
    quad = order_corners(quad)
    quad_area = float(cv2.contourArea(quad))
    share = quad_area / picture_area
    if not MIN_AREA_SHARE <= share <= MAX_AREA_SHARE:
        return 0.0
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    long_side, short_side = max(sides[0], sides[2]), max(sides[1], sides[3])
    if long_side < short_side:
        long_side, short_side = short_side, long_side
    if short_side <= 0 or not ASPECT_RANGE[0] <= long_side / short_side <= ASPECT_RANGE[1]:
        return 0.0
    if any(abs(angle - 90.0) > CORNER_TOLERANCE for angle in _corner_angles(quad)):
        return 0.0
    fill = contour_area / quad_area if quad_area else 0.0
    if fill < MIN_FILL:
        return 0.0
    return share * min(fill, 1.0)


def margin_edges(quad: Corners, thin_edges: Image) -> float:
    """Share of edge pixels in the band 4–14 px inside the quad (detection scale)."""
    outer = np.zeros(thin_edges.shape[:2], np.uint8)
    cv2.fillConvexPoly(outer, quad.astype(np.int32), 255)
    near = cv2.erode(outer, np.ones((9, 9), np.uint8))
    far = cv2.erode(outer, np.ones((29, 29), np.uint8))
    band = (near > 0) & (far == 0)
    return float((thin_edges[band] > 0).mean()) if band.any() else 1.0


def find_page(image: Image) -> Corners | None:
    """The page's four corners in the image's pixels (ordered as ``order_corners``), or
    None when no candidate passes the sanity checks (see the module doc)."""
    scale = DETECT_WIDTH / image.shape[1]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    picture_area = float(grey.shape[0] * grey.shape[1])
    thin = cv2.Canny(cv2.GaussianBlur(grey, (5, 5), 0), 20, 60)
    edges = cv2.dilate(thin, np.ones((7, 7), np.uint8))
    best: tuple[float, Corners] | None = None
    for mask in _views(grey, edges):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            area = float(cv2.contourArea(contour))
            if area < MIN_AREA_SHARE * picture_area:
                break
            quad = _quad(contour)
            score = plausible(quad, area, picture_area)
            support = edge_support(order_corners(quad), edges) if score else 0.0
            if support < MIN_EDGE_SUPPORT or margin_edges(quad, thin) > MAX_MARGIN_EDGES:
                continue
            if best is None or score > best[0]:
                best = (score, quad)
    if best is None:
        return None
    return order_corners(best[1] / scale)
