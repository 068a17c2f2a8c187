"""Older form versions stay packed after the catalogue's disk cache (kiosk/forms/versions.py,
issue 19: idle memory) and come back equal when read."""

from __future__ import annotations

import pickle

from kiosk.forms.catalogue import load_catalogue
from kiosk.forms.versions import Versions


def test_a_pickled_catalogue_unpacks_only_the_newest_versions() -> None:
    catalogue, issues = load_catalogue()
    assert not issues
    back = pickle.loads(pickle.dumps(catalogue))
    for pool, original in (
        (back.forms, catalogue.forms),
        (back.composed, catalogue.composed),
        (back.bundles, catalogue.bundles),
    ):
        assert list(pool) == list(original)  # same keys, same order
        newest = pool.newest_keys()
        assert set(pool._live) == newest and set(pool._packed) == set(pool) - newest
        assert pool._packed, "the shipped catalogue has older versions"
        old = next(iter(pool._packed))
        assert pool[old] == original[old]  # unpacked on first read, equal
        assert old in pool._live and old not in pool._packed
    assert back.get("hukou_cancellation") == catalogue.get("hukou_cancellation")
    assert [f.key for f in back.latest()] == [f.key for f in catalogue.latest()]


def test_versions_behave_as_a_mapping() -> None:
    v: Versions[str] = Versions({("a", 1): "a1", ("a", 2): "a2", ("b", 1): "b1"})
    assert v.newest_keys() == {("a", 2), ("b", 1)}
    back = pickle.loads(pickle.dumps(v))
    assert back == {("a", 1): "a1", ("a", 2): "a2", ("b", 1): "b1"}
    copied = back.copy()
    copied[("a", 3)] = "a3"
    del copied[("a", 1)]
    assert ("a", 3) not in back and ("a", 1) in back
    assert list(copied) == [("a", 2), ("b", 1), ("a", 3)]
    twice = pickle.loads(pickle.dumps(back))  # still packed: packed again as it was
    assert dict(twice.items()) == dict(back.items())
