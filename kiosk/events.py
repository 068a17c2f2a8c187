"""Core events, named for what happened (Anki's hooks). The UI hops them onto its own thread.

Subscribers must be quick and must not raise; a failing subscriber is logged and
the others still run, so a UI problem never undoes a saved case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from kiosk.sync.state import SyncStatus

T = TypeVar("T")
log = logging.getLogger(__name__)


class Hook(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[[T], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> Callable[[], None]:
        """Add a subscriber; return a function that removes it again."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def emit(self, payload: T) -> None:
        for callback in list(self._subscribers):
            try:
                callback(payload)
            except Exception:
                log.exception("subscriber of %s failed", self.name)


# Payloads are case UUIDs (never personal data).
case_did_save: Hook[str] = Hook("case_did_save")
case_did_finalize: Hook[str] = Hook("case_did_finalize")
case_did_print: Hook[str] = Hook("case_did_print")
# Payload: kiosk.sync.state.SyncStatus (counts and times only) after each batch and round.
sync_did_progress: Hook[SyncStatus] = Hook("sync_did_progress")
