"""(id, version) → definition, with the older versions kept packed until asked for.

The catalogue holds every version of every form and bundle: an old version judges the
drafts and cases made under it (kiosk.forms.migrate), the newest serves every new case.
Unpacked, the shipped catalogue is ~4.5 MiB of Python objects, about half of it older
versions that a kiosk at rest never reads (issue 19: idle memory ≤ 2× a bare window).
So when a ``Versions`` is pickled (the catalogue's disk cache, kiosk/forms/catalogue_cache.py)
each older version is pickled on its own, and unpickled only on first use; the newest
version of each id comes back whole. Iterating keys never unpacks; values and items do.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any, TypeVar

Key = tuple[str, int]  # (form or bundle id, version)
T = TypeVar("T")


class Versions(MutableMapping[Key, T]):
    """A mapping in insertion order; see the module docstring. Not thread-safe for
    writers (the catalogue is replaced whole, kiosk.services.published); readers may
    unpack the same version at once, each getting an equal object."""

    def __init__(self, items: Iterable[tuple[Key, T]] | dict[Key, T] = ()) -> None:
        self._live: dict[Key, T] = {}
        self._packed: dict[Key, bytes] = {}
        self._order: dict[Key, None] = {}
        pairs = items.items() if isinstance(items, dict) else items
        for key, value in pairs:
            self[key] = value

    def __getitem__(self, key: Key) -> T:
        try:
            return self._live[key]
        except KeyError:
            packed = self._packed[key]  # KeyError when absent, as a dict
        value: T = pickle.loads(packed)
        self._live[key] = value
        self._packed.pop(key, None)
        return value

    def __setitem__(self, key: Key, value: T) -> None:
        self._packed.pop(key, None)
        self._live[key] = value
        self._order[key] = None

    def __delitem__(self, key: Key) -> None:
        del self._order[key]
        self._live.pop(key, None)
        self._packed.pop(key, None)

    def __iter__(self) -> Iterator[Key]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._order

    def __repr__(self) -> str:
        return f"Versions({sorted(self._order)})"

    def copy(self) -> Versions[T]:
        """A shallow copy (packed versions stay packed)."""
        copied: Versions[T] = Versions()
        copied._live, copied._packed = dict(self._live), dict(self._packed)
        copied._order = dict(self._order)
        return copied

    def newest_keys(self) -> set[Key]:
        """The newest version's key of every id."""
        newest: dict[str, int] = {}
        for ident, version in self._order:
            newest[ident] = max(version, newest.get(ident, version))
        return set(newest.items())

    def __reduce__(self) -> tuple[Any, ...]:
        newest = self.newest_keys()
        entries: list[tuple[Key, T | None, bytes | None]] = []
        for key in self._order:
            if key in newest:
                entries.append((key, self[key], None))
            elif key in self._packed:
                entries.append((key, None, self._packed[key]))
            else:
                packed = pickle.dumps(self._live[key], protocol=pickle.HIGHEST_PROTOCOL)
                entries.append((key, None, packed))
        return (_restore, (entries,))


def _restore(entries: list[tuple[Key, Any, bytes | None]]) -> Versions[Any]:
    """A pickled ``Versions`` back: newest versions whole, the others still packed."""
    restored: Versions[Any] = Versions()
    for key, value, packed in entries:
        restored._order[key] = None
        if packed is None:
            restored._live[key] = value
        else:
            restored._packed[key] = packed
    return restored
