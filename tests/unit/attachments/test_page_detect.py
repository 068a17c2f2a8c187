"""The page is cut out only when found for sure; otherwise the whole picture is kept and
the volunteer told 未能自动裁边 (issue 18, tester finding 3). Synthetic photographed
pages: skewed, light on light, a dark card on a light desk, clutter around them."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from kiosk.devices.camera import draw_page
from kiosk.devices.capture import NOT_CROPPED_ZH, prepare_frame
from kiosk.devices.page_detect import find_page

A4 = 1.414
CARD = 1.586
LIGHT_DESK = {"desk": (200, 230), "paper": 246}
DARK_CARD = {"desk": (200, 235), "paper": 45, "ink": 220, "aspect": CARD, "page_share": 0.45}


def _kept(frame: Any) -> tuple[bool, float, Any]:
    page = prepare_frame(frame)
    image = cv2.imdecode(np.frombuffer(page.jpeg, np.uint8), cv2.IMREAD_COLOR)
    return page.found_page, page.height / page.width, image


@pytest.mark.parametrize(
    ("scene", "aspect"),
    [
        ({"angle": 17}, A4),
        ({"angle": -12, **LIGHT_DESK}, A4),
        ({"angle": 9, **LIGHT_DESK, "seed": 4}, A4),
        ({"angle": 12, **DARK_CARD}, CARD),
        ({"angle": -20, **DARK_CARD, "clutter": 6, "seed": 3}, CARD),
        ({"angle": 5, "clutter": 10, "seed": 3}, A4),
    ],
)
def test_a_page_or_card_is_found_and_cut_out_whole(scene: dict[str, Any], aspect: float) -> None:
    found, ratio, image = _kept(draw_page(**scene))
    assert found and ratio == pytest.approx(aspect, abs=0.04)
    desk_low, _ = scene.get("desk", (40, 90))
    paper = scene.get("paper", 245)
    border = np.concatenate([image[:3].reshape(-1, 3), image[-3:].reshape(-1, 3)])
    assert abs(float(border.mean()) - paper) < abs(desk_low - paper) / 2, "desk left at the edge"


@pytest.mark.parametrize(
    "scene",
    [
        {"angle": -7, "desk": (195, 230), "paper": 248, "clutter": 8, "seed": 2},
        {"angle": -7, "desk": (195, 230), "paper": 248, "clutter": 8, "seed": 3},
        {"angle": -20, **DARK_CARD, "clutter": 6, "seed": 1},
        {"angle": 5, "clutter": 10, "seed": 1},
        {"angle": 5, "clutter": 10, "seed": 2},
    ],
)
def test_when_unsure_the_whole_picture_is_kept_and_flagged(scene: dict[str, Any]) -> None:
    frame = draw_page(**scene)
    page = prepare_frame(frame)
    if page.found_page:  # a crop is allowed only when it is the page, whole
        aspect = scene.get("aspect", A4)
        assert page.height / page.width == pytest.approx(aspect, abs=0.04)
        return
    assert page.notice == NOT_CROPPED_ZH
    # Kept whole: at most turned straight on a larger canvas, nothing cut off.
    assert page.width >= frame.shape[1] and page.height >= frame.shape[0]
    # Never turned on its side: OpenCV >= 4.5 gives minAreaRect angles in (0, 90], once
    # read as -90 degrees for the clutter scenes here.
    assert abs(page.angle) <= 20


def test_a_pen_touching_a_card_leaves_the_card_whole() -> None:
    """Known limit: a dark pen touching the card's corner pulls that corner out by a few
    pixels, so a sliver of desk stays; the card itself is never cut."""
    scene = {"angle": -20, **DARK_CARD, "clutter": 6, "seed": 2}
    found, ratio, image = _kept(draw_page(**scene))
    assert found and ratio == pytest.approx(CARD, abs=0.07)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    assert float(grey[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].mean()) < 160  # the card


def test_no_page_at_all_is_not_cropped() -> None:
    rng = np.random.default_rng(5)
    desk = cv2.GaussianBlur(rng.integers(40, 220, (1200, 1600, 3), dtype=np.uint8), (31, 31), 0)
    assert find_page(desk) is None
    flat = np.full((1200, 1600, 3), 230, np.uint8)
    assert find_page(flat) is None
    assert prepare_frame(flat).notice == NOT_CROPPED_ZH
