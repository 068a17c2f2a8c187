"""好差评 stored with the cases of one transaction; counts for staff; bad input refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FORM_ID, catalogue, example, fixed_clock

from kiosk.services.cases import fill_case
from kiosk.services.context import open_kiosk
from kiosk.services.ratings import RatingError, rate_cases, rating_counts


def test_rating_is_stored_once_and_counted(tmp_path: Path) -> None:
    ctx = open_kiosk(tmp_path / "k", catalogue=catalogue(), clock=fixed_clock)
    try:
        case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
        with pytest.raises(RatingError):
            rate_cases(ctx, [case.id], "great")
        with pytest.raises(RatingError):  # a reason only for the lower two
            rate_cases(ctx, [case.id], "satisfied", "waited")
        assert rating_counts(ctx)["satisfied"] == 0
        rate_cases(ctx, [case.id], "very_dissatisfied", "waited")
        counts = rating_counts(ctx)
        assert counts["very_dissatisfied"] == 1 and sum(counts.values()) == 1
        with pytest.raises(RatingError):  # 一次一评
            rate_cases(ctx, [case.id], "satisfied")
        with ctx.store.unit_of_work() as uow:
            row = uow.cases.require(case.id)
            assert (row.rating, row.rating_reason) == ("very_dissatisfied", "waited")
            assert row.rated_at is not None
    finally:
        ctx.close()


def test_a_bundles_one_rating_counts_once_for_staff(tmp_path: Path) -> None:
    """一次一评: the 家人去世 bundle's cases keep the one rating each; staff count it once."""
    import json

    from kiosk.forms.examples import example_path
    from kiosk.services.bundles import fill_bundle

    ctx = open_kiosk(tmp_path / "k", catalogue=catalogue(), clock=fixed_clock)
    try:
        form = catalogue().get("bundle.death_in_family")
        answers = json.loads(example_path(form).read_text(encoding="utf-8"))
        bundle = [c.id for c in fill_bundle(ctx, "death_in_family", answers)]
        assert len(bundle) >= 3
        single = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
        with pytest.raises(RatingError, match="one transaction"):  # one rating, one count
            rate_cases(ctx, [*bundle, single.id], "satisfied")
        assert sum(rating_counts(ctx).values()) == 0
        rate_cases(ctx, bundle, "satisfied")
        rate_cases(ctx, [single.id], "satisfied")
        counts = rating_counts(ctx)
        assert counts["satisfied"] == 2 and sum(counts.values()) == 2, counts
    finally:
        ctx.close()
