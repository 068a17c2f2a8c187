"""Everything a service operation needs, opened once per process (Anki's collection)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Settings, load_settings, make_private_root, resolve_data_root
from kiosk.forms.prefill import ChainedPrefill, IdNumberPrefill, PrefillSource
from kiosk.forms.release_manifests import RELEASES_DIR  # loads no definitions
from kiosk.registry.prefill import RegistryPrefill
from kiosk.store.uow import Store

if TYPE_CHECKING:
    from kiosk.forms.catalogue import Catalogue


def local_now() -> datetime:
    return datetime.now().astimezone()


def _default_catalogue() -> Catalogue:
    from kiosk.forms.catalogue import default_catalogue

    return default_catalogue()


class KioskContext:
    """The data root, settings, store, form catalogue, prefill sources and clock.

    ``catalogue`` may be given as a function: it is then loaded on first use (once, from
    any thread), so commands that never read a form (``kiosk status``) do not load the
    definitions nor import the form engine.
    """

    def __init__(
        self,
        data_root: Path,
        settings: Settings,
        store: Store,
        catalogue: Catalogue | Callable[[], Catalogue],
        prefill: PrefillSource,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        self.data_root = data_root
        self.settings = settings
        self.store = store
        self.prefill = prefill
        self.clock = clock
        self._catalogue: Catalogue | None = None
        self._load_catalogue: Callable[[], Catalogue] | None = None
        if callable(catalogue):
            self._load_catalogue = catalogue
        else:
            self._catalogue = catalogue
        self._lock = threading.Lock()

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            with self._lock:
                if self._catalogue is None:
                    if self._load_catalogue is None:
                        raise RuntimeError("no catalogue and no loader for one (a bug)")
                    self._catalogue = self._load_catalogue()
        return self._catalogue

    @catalogue.setter
    def catalogue(self, value: Catalogue) -> None:
        self._catalogue = value

    def today(self) -> date:
        return self.clock().date()

    def close(self) -> None:
        self.store.close()


def open_kiosk(
    data_dir: str | Path | None = None,
    *,
    catalogue: Catalogue | None = None,
    prefill: PrefillSource | None = None,
    clock: Callable[[], datetime] | None = None,
    **setting_overrides: Any,
) -> KioskContext:
    """Open the kiosk under its data root (``--data-dir``, ``KIOSK_HOME``, platform default)."""
    root = resolve_data_root(data_dir)
    make_private_root(root)
    settings = load_settings(root, **setting_overrides)
    store = Store.open(root)
    # Cases finalized before identity codes were stored get theirs (own cases only);
    # printing is imported only when one needs signing (issue 19: start fast).
    from kiosk.services.identity import sign_missing_identity_codes

    sign_missing_identity_codes(store, root)
    kiosk_clock = clock or local_now
    store.now = lambda: utc_naive(kiosk_clock())  # audit times follow the kiosk's clock
    ctx = KioskContext(
        data_root=root,
        settings=settings,
        store=store,
        catalogue=catalogue or _default_catalogue,
        # The ID number itself, then the registry extract (让数据多跑路).
        prefill=prefill or ChainedPrefill([IdNumberPrefill(), RegistryPrefill(store)]),
        clock=kiosk_clock,
    )
    # The definitions the town server published, once in force. Without a release the
    # catalogue is not loaded here, so a command that reads no form does not load it.
    if catalogue is None and (root / RELEASES_DIR).is_dir():
        from kiosk.services.published import refresh_catalogue

        refresh_catalogue(ctx)
    return ctx


def utc_naive(moment: datetime) -> datetime:
    """A moment as the store keeps times: naive UTC (a naive moment is local time)."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).replace(tzinfo=None)
