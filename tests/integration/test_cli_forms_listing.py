"""``kiosk forms list`` from its plain listing (kiosk.cli.forms_listing) prints what the
full path prints from the catalogue, and the listing is used only where it applies
(issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import forms_listing, main


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own: the first run writes the listing there."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KIOSK_CACHE", str(folder))
    return folder


@pytest.mark.parametrize("args", [["forms", "list"], ["forms", "list", "--json"]])
def test_the_listing_prints_what_the_catalogue_does(
    args: list[str], own_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert forms_listing.read_listing() is None
    assert main(args) == 0  # the full path, which writes the listing
    full = capsys.readouterr().out
    assert len(list(own_cache.glob("forms-list-*.json"))) == 1
    assert forms_listing.read_listing() is not None
    assert main(args) == 0
    assert capsys.readouterr().out == full
    if args[-1] == "--json":
        forms = json.loads(full)
        assert {f["id"] for f in forms} >= {"elderly_allowance", "pension_death_benefit"}
    else:
        assert full.startswith("in use: the shipped definitions (no release pulled), policy ")


def test_changed_form_files_are_a_different_listing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forms", "list"]) == 0
    first = forms_listing.listing_key()
    monkeypatch.setattr(forms_listing, "listing_key", lambda: first[::-1])
    assert forms_listing.read_listing() is None  # another digest: loaded the full way


def test_drafts_and_releases_are_listed_the_full_way(kiosk_home: Path, tmp_path: Path) -> None:
    args = type("Args", (), {"forms_dir": [tmp_path], "data_dir": None})()
    assert not forms_listing.applies(args)
    args.forms_dir = None
    assert forms_listing.applies(args)
    (kiosk_home / "forms" / "releases").mkdir(parents=True)
    assert not forms_listing.applies(args)


def test_a_broken_listing_is_read_again_the_full_way(
    own_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forms", "list"]) == 0
    full = capsys.readouterr().out
    (listing,) = own_cache.glob("forms-list-*.json")
    listing.write_text("{not json", encoding="utf-8")
    assert main(["forms", "list"]) == 0
    assert capsys.readouterr().out == full
