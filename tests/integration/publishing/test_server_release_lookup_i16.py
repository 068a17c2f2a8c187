"""Issue 16, tester's finding 1 (server half): the town server judges a case by the
release it names, or — a case from a kiosk that did not record one — by the release in
force at its finalize time; release 0 is the shipped definitions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import shipped_policy_version
from release_folder import release_folder
from sqlalchemy.orm import Session

from kiosk.forms.catalogue import default_catalogue
from kiosk.server.db import create_server_engine, migrate_to_head, server_home, session_factory
from kiosk.server.published_forms import PublishedForms
from kiosk.server.publishing import publish

SHIPPED_POLICY = shipped_policy_version()


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setenv("KIOSK_SERVER_HOME", str(tmp_path / "home"))
    engine = create_server_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    migrate_to_head(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def min_age(catalogue: object) -> object:
    form = catalogue.get("elderly_allowance")  # type: ignore[attr-defined]
    return form.policy.expression_value("elderly_allowance_min_age")


def test_a_case_is_judged_by_its_release_or_the_one_in_force_when_it_was_finalized(
    session: Session, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    publish(
        session,
        release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1, min_age=75),
        now - timedelta(days=10),
    )
    publish(
        session,
        release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2, min_age=70),
        now + timedelta(days=10),
    )
    session.commit()
    db_key = session.get_bind().engine.url.render_as_string(hide_password=True)
    catalogue = default_catalogue()
    PublishedForms(catalogue, server_home(), db_key).refresh(force=True)

    assert min_age(catalogue.of_release(0)) == 80  # shipped
    assert min_age(catalogue.of_release(1)) == 75
    assert min_age(catalogue.of_release(2)) == 70
    # No release recorded: the one in force at the finalize time.
    before = (now - timedelta(days=20)).isoformat()
    during = (now - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    after = (now + timedelta(days=11)).isoformat()
    assert min_age(catalogue.of_release(None, before)) == 80
    assert min_age(catalogue.of_release(None, during)) == 75
    assert min_age(catalogue.of_release(None, after)) == 70
    # A release this server does not keep: the overlay of all it keeps.
    assert min_age(catalogue.of_release(7)) == 70
