"""The Qt binding keeps Python's None alive (PySide6 6.12.0 on Python 3.11 did not).

PySide6 6.12.0 returned None from every void method without taking a reference to it;
on Python 3.11 (where None is not immortal, PEP 683) each call lowered None's count by
one until the interpreter aborted with ``none_dealloc``: the 手写 pad did so within three
characters on a touch screen. pyproject.toml pins PySide6 below 6.12; this test fails on
any binding with that fault, whatever its version.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter, QPainterPath


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from 3.12 on")
def test_void_methods_do_not_drop_a_reference_to_none() -> None:
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    path = QPainterPath(QPointF(0, 0))
    before = sys.getrefcount(None)
    for i in range(1000):
        painter.drawLine(QPointF(0, 0), QPointF(i % 16, 8))
        path.lineTo(QPointF(i % 16, 4))
    after = sys.getrefcount(None)
    painter.end()
    assert after - before > -100, f"None lost {before - after} references in 2,000 calls"
