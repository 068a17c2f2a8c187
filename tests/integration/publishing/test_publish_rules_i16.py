"""Issue 16, tester's findings 2, 5 (server half) and 10: what ``kiosk-server forms
publish`` refuses or decides before it signs — an in-place edit of a published id +
version, an effective time before the policy's own day — and release numbers that are
never reused, even after the database went back to an older copy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import shipped_policy_version
from release_folder import release_folder
from sqlalchemy.orm import Session

from kiosk.forms.publish import PublishError
from kiosk.server import refdata
from kiosk.server.db import create_server_engine, migrate_to_head, session_factory
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


def test_an_in_place_edit_of_a_published_form_is_refused(session: Session, tmp_path: Path) -> None:
    first = release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1)
    assert publish(session, first)["release"] == 1
    session.commit()
    edited = release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2)
    form = edited / "welfare_stop.v1.yaml"
    form.write_text(form.read_text("utf-8").replace("fee: 免费", "fee: 收费10元"), "utf-8")
    with pytest.raises(PublishError) as err:
        publish(session, edited)
    assert (
        "welfare_stop.v1.yaml: -: form welfare_stop version 1 was already published (shipped)"
        in str(err.value)
    )
    assert "new version" in str(err.value)
    # A comment changes nothing that counts: published.
    form.write_text("# 2027 复核\n" + (first / "welfare_stop.v1.yaml").read_text("utf-8"), "utf-8")
    assert publish(session, edited)["release"] == 2


def test_the_same_policy_version_with_other_values_is_refused(
    session: Session, tmp_path: Path
) -> None:
    publish(session, release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1, min_age=75))
    session.commit()
    with pytest.raises(
        PublishError,
        match=rf"policy version {SHIPPED_POLICY + 1} was already published \(release 1\)",
    ):
        publish(
            session, release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 1, min_age=70)
        )
    assert (
        publish(
            session, release_folder(tmp_path, "r3", policy_version=SHIPPED_POLICY + 2, min_age=70)
        )["release"]
        == 2
    )


def test_release_numbers_are_not_reused_after_the_database_went_back(
    session: Session, tmp_path: Path
) -> None:
    publish(session, release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1))
    publish(session, release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2))
    session.commit()
    # The database is restored from before release 2 (its row says 1); the releases kept
    # on the server's disk still say 2 was handed out.
    row = refdata.get(session, "definitions")
    assert row is not None
    row.version = 1
    session.commit()
    body = publish(session, release_folder(tmp_path, "r3", policy_version=SHIPPED_POLICY + 3))
    assert body["release"] == 3
    assert refdata.get(session, "definitions").version == 3  # type: ignore[union-attr]


def test_the_policy_effective_day_is_the_earliest_switch(session: Session, tmp_path: Path) -> None:
    folder = release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1)
    later = date.today() + timedelta(days=10)
    policy = folder / "policy.yaml"
    policy.write_text(
        policy.read_text("utf-8").replace("effective: 2026-01-01", f"effective: {later}"), "utf-8"
    )
    with pytest.raises(PublishError, match=f"the policy applies from {later}"):
        publish(session, folder, datetime.now(UTC))
    body = publish(session, folder)  # no --effective: the policy's own day
    effective = datetime.fromisoformat(body["effective"])
    assert effective.astimezone().date() == later
    assert effective.astimezone().hour == 0


def test_publish_warns_when_it_supersedes_a_scheduled_release(
    session: Session, tmp_path: Path
) -> None:
    """Tester's finding 9: release 1 scheduled for next week never takes effect once
    release 2 is in force from today; the publish says so."""
    from kiosk.server.publishing import superseded_warnings

    soon = datetime.now(UTC) + timedelta(days=7)
    first = publish(
        session, release_folder(tmp_path, "r1", policy_version=SHIPPED_POLICY + 1), soon
    )
    assert superseded_warnings(session, first) == []
    second = publish(session, release_folder(tmp_path, "r2", policy_version=SHIPPED_POLICY + 2))
    warnings = superseded_warnings(session, second)
    assert len(warnings) == 1 and warnings[0].startswith("warning: release 1 ")
