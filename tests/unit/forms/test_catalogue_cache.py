"""The checked catalogue kept on disk (issue 19): the same catalogue as loading and
checking the files, loaded again when a file changes, never kept when it has a problem."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kiosk.forms import catalogue_cache
from kiosk.forms.catalogue import (
    DEFINITIONS_DIR,
    Catalogue,
    checked_default_catalogue,
    default_catalogue,
)
from kiosk.forms.loader import FormFileError, FormIssue


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KIOSK_CACHE", str(folder))
    return folder


def test_the_cached_catalogue_is_the_checked_one(cache: Path) -> None:
    first = default_catalogue()
    assert len(list(cache.glob("catalogue-*.pickle"))) == 1
    again = default_catalogue()
    assert again is not first  # read back from the file, not kept in the process
    fresh = checked_default_catalogue()
    assert again.forms == fresh.forms and again.composed == fresh.composed
    assert again.bundles == fresh.bundles and again.lists == fresh.lists
    assert again.policy == fresh.policy and again.files == fresh.files


def test_a_changed_file_is_loaded_again(cache: Path, tmp_path: Path) -> None:
    definitions = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS_DIR, definitions)
    loads: list[int] = []

    def load() -> Catalogue:
        loads.append(1)
        return checked_default_catalogue()

    catalogue_cache.cached_catalogue(definitions, load)
    catalogue_cache.cached_catalogue(definitions, load)
    assert len(loads) == 1
    changed = next(definitions.glob("*.yaml"))
    stat = changed.stat()
    # An edit of the same length with its modification time set back (b19: 测验 → 试验 and
    # `touch -d`) is a different catalogue; a touch alone is the same one.
    text = changed.read_bytes()
    edited = bytes([text[0] ^ 1]) + text[1:]  # what is loaded is not looked at
    assert len(edited) == len(text) and edited != text
    changed.write_bytes(edited)
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    catalogue_cache.cached_catalogue(definitions, load)
    assert len(loads) == 2
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    catalogue_cache.cached_catalogue(definitions, load)
    assert len(loads) == 2


def test_a_catalogue_with_a_problem_is_never_kept(cache: Path) -> None:
    def broken() -> Catalogue:
        raise FormFileError([FormIssue("x.v1.yaml", "-", "broken")])

    with pytest.raises(FormFileError):
        catalogue_cache.cached_catalogue(DEFINITIONS_DIR, broken)
    assert not list(cache.glob("catalogue-*.pickle"))


def test_an_unreadable_cache_is_rebuilt(cache: Path) -> None:
    default_catalogue()
    (kept,) = cache.glob("catalogue-*.pickle")
    kept.write_bytes(b"not a pickle")
    assert default_catalogue().forms == checked_default_catalogue().forms
    assert kept.read_bytes() != b"not a pickle"
