"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from kiosk.services.context import KioskContext


@pytest.fixture(autouse=True)
def kiosk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data root through KIOSK_HOME."""
    home = tmp_path / "kiosk-home"
    home.mkdir()
    monkeypatch.setenv("KIOSK_HOME", str(home))
    return home


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[KioskContext]:
    """A kiosk opened on its own data root with a fixed clock (see tests/helpers.py), as if
    enrolled with device number 1 (case numbers ``261120-01-001``...)."""
    from helpers import catalogue, fixed_clock

    from kiosk.domain.case_numbers import DEVICE_NO_KEY
    from kiosk.services.context import open_kiosk

    context = open_kiosk(tmp_path / "home", catalogue=catalogue(), clock=fixed_clock)
    with context.store.unit_of_work() as uow:
        uow.meta.set(DEVICE_NO_KEY, "1")
        uow.commit()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def demo_ctx(ctx: KioskContext) -> KioskContext:
    """``ctx`` with the demo registry loaded (kiosk.registry.demo; docs/registry.md)."""
    from kiosk.services.registry import load_demo_data

    load_demo_data(ctx)
    return ctx
