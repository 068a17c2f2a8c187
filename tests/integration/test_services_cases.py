"""Case services on a real store: start → answer → finalize, fill, and what is refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import pytest
from helpers import APPLICANT_ID, DECEASED_ID, FORM_ID, TODAY, example

from kiosk import events
from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_states import (
    EDITABLE_STATES,
    SERVER_STATES,
    CaseState,
    InvalidTransition,
    check_transition,
)
from kiosk.services.cases import (
    CaseError,
    InvalidAnswers,
    add_item,
    answer,
    fill_case,
    finalize_case,
    list_cases,
    load_draft,
    remove_item,
    show_case,
    start_case,
    validate_case,
)
from kiosk.services.context import KioskContext
from kiosk.services.outbox import outbox_status
from kiosk.store.models import AuditEntry, CaseRow, OutboxEntry


def counts(ctx: KioskContext) -> tuple[int, int, int]:
    """(cases, audit entries, outbox entries) in the store."""
    with ctx.store.unit_of_work() as uow:
        return tuple(  # type: ignore[return-value]
            uow.session.query(model).count() for model in (CaseRow, AuditEntry, OutboxEntry)
        )


def answer_all(ctx: KioskContext, case_id: str, answers: dict[str, Any]) -> None:
    """Answer page by page, as the UI does, in the form's order."""
    for name, value in answers.items():
        if name == "heirs":
            continue
        result = answer(ctx, case_id, name, value, actor="volunteer:V001")
        assert result.ok, [str(p) for p in result.problems]
    for i, heir in enumerate(answers["heirs"]):
        assert add_item(ctx, case_id, "heirs").ok
        for key, value in heir.items():
            assert answer(ctx, case_id, f"heirs[{i}].{key}", value).ok


@pytest.fixture
def finalized_events() -> Iterator[list[str]]:
    seen: list[str] = []
    unsubscribe = events.case_did_finalize.subscribe(seen.append)
    yield seen
    unsubscribe()


# ----- the round trip ---------------------------------------------------------------------


def test_start_answer_finalize_round_trip(ctx: KioskContext, finalized_events: list[str]) -> None:
    draft = start_case(ctx, FORM_ID, resident_id=APPLICANT_ID, volunteer_id="V001")
    case_id = draft.case.id
    assert uuid.UUID(case_id).version == 4
    assert draft.case.state == CaseState.DRAFT
    assert draft.case.number == "261120-01-001"
    assert draft.fill.answers["applicant_id"] == APPLICANT_ID  # the identified resident

    answers = example()
    answer_all(ctx, case_id, answers)
    assert validate_case(ctx, case_id) == []
    assert load_draft(ctx, case_id).current_page == "heirs[2].heir_agrees"

    summary = finalize_case(ctx, case_id, actor="volunteer:V001")
    assert summary.state == CaseState.FINALIZED
    assert summary.finalized_at is not None
    assert finalized_events == [case_id]

    detail = show_case(ctx, summary.number)
    assert detail.summary.id == case_id
    assert detail.answers["deceased_name"] == answers["deceased_name"]
    assert detail.answers["death_age"] == 85
    assert detail.content_hash == content_hash(FORM_ID, 3, detail.answers)
    assert detail.subject_name == answers["deceased_name"]

    # Audit: who, when, what — created, every answer, the items, finalized.
    actions = [a.action for a in detail.audit]
    assert actions[0] == "created"
    assert actions[-1] == "finalized"
    assert actions.count("item_added") == 3
    assert actions.count("answered") == len(answers) - 1 + 4 * 3
    assert detail.audit[0].actor == "volunteer:V001"
    assert detail.audit[-1].actor == "volunteer:V001"
    assert detail.audit[-1].detail == f"sha256 {detail.content_hash[:16]}"
    # Audit times are the kiosk's clock (naive UTC), not the PC's wall clock.
    kiosk_time = ctx.clock().astimezone(UTC).replace(tzinfo=None)
    assert all(a.at == kiosk_time for a in detail.audit)
    # The audit trail names pages, never the answers themselves.
    for line in detail.audit:
        assert DECEASED_ID not in line.detail and answers["deceased_name"] not in line.detail

    with ctx.store.unit_of_work() as uow:
        entry = uow.outbox.get(case_id)
        assert entry is not None and entry.state == "pending"
    assert outbox_status(ctx).pending == 1


def test_the_content_hash_is_stable_and_follows_the_content(ctx: KioskContext) -> None:
    first = show_case(ctx, fill_case(ctx, FORM_ID, example()).id)
    second = show_case(ctx, fill_case(ctx, FORM_ID, example()).id)
    # Same answers → same hash, whatever the case's UUID, number or time.
    assert first.summary.id != second.summary.id
    assert first.content_hash == second.content_hash
    assert first.content_hash == content_hash(FORM_ID, 3, first.answers)
    changed = show_case(ctx, fill_case(ctx, FORM_ID, example() | {"death_date": "2026-10-29"}).id)
    assert changed.content_hash != first.content_hash
    assert changed.content_hash == content_hash(FORM_ID, 3, changed.answers)


def test_fill_case_freezes_only_what_applies(ctx: KioskContext) -> None:
    answers = example() | {"account_is_applicants": False, "account_holder": "张建国"}
    detail = show_case(ctx, fill_case(ctx, FORM_ID, answers, volunteer_id="V002").id)
    assert detail.answers["account_holder"] == "张建国"
    assert detail.summary.volunteer_id == "V002"
    assert [a.actor for a in detail.audit] == ["volunteer:V002", "volunteer:V002"]
    hidden = example() | {"account_holder": "张建国"}  # the account is the applicant's
    detail = show_case(ctx, fill_case(ctx, FORM_ID, hidden).id)
    assert "account_holder" not in detail.answers
    # The same deceased again: a duplicate claim, noted in the audit (not refused on the PC).
    assert [a.action for a in detail.audit] == ["created", "duplicate_noted", "finalized"]
    assert {a.actor for a in detail.audit} == {"cli"}


# ----- what is refused --------------------------------------------------------------------


def test_finalizing_an_incomplete_draft_changes_nothing(ctx: KioskContext) -> None:
    case_id = start_case(ctx, FORM_ID).case.id
    assert answer(ctx, case_id, "deceased_id", DECEASED_ID).ok
    before = counts(ctx)
    draft_before = load_draft(ctx, case_id).fill.answers
    with pytest.raises(InvalidAnswers) as err:
        finalize_case(ctx, case_id)
    paths = [p.path for p in err.value.problems]
    assert "deceased_name" in paths and "applicant_id" in paths
    assert "deceased_id" not in paths and "deceased_sex" not in paths
    assert counts(ctx) == before
    draft = load_draft(ctx, case_id)
    assert draft.case.state == CaseState.DRAFT
    assert draft.fill.answers == draft_before
    assert outbox_status(ctx).pending == 0


def test_a_finalized_case_cannot_be_answered_or_finalized_again(ctx: KioskContext) -> None:
    case = fill_case(ctx, FORM_ID, example())
    before = counts(ctx)
    with pytest.raises(CaseError, match="can no longer change"):
        answer(ctx, case.id, "death_date", "2026-10-29")
    with pytest.raises(CaseError):
        add_item(ctx, case.id, "heirs")
    with pytest.raises(CaseError):
        remove_item(ctx, case.id, "heirs", 0)
    with pytest.raises(CaseError):
        finalize_case(ctx, case.id)
    assert counts(ctx) == before
    assert show_case(ctx, case.id).answers["death_date"] == "2026-10-30"


def test_a_rejected_answer_is_not_saved(ctx: KioskContext) -> None:
    case_id = start_case(ctx, FORM_ID).case.id
    assert answer(ctx, case_id, "deceased_id", DECEASED_ID).ok
    assert answer(ctx, case_id, "death_date", "2026-10-30").ok
    before = counts(ctx)
    future = (TODAY + timedelta(days=1)).isoformat()
    for path, value in [
        ("death_date", future),
        ("death_date", "2026-02-30"),
        ("applicant_id", DECEASED_ID),
        ("deceased_id", "500225194103080134"),
        ("no_such_question", "x"),
    ]:
        result = answer(ctx, case_id, path, value)
        assert not result.ok
        assert [p.path for p in result.problems] == [path]
    assert counts(ctx) == before
    answers = load_draft(ctx, case_id).fill.answers
    assert answers["death_date"] == "2026-10-30"
    assert answers["deceased_id"] == DECEASED_ID
    assert "applicant_id" not in answers


def _bad(change: dict[str, Any], drop: str | None = None) -> dict[str, Any]:
    answers = example() | change
    if drop:
        del answers[drop]
    return answers


BAD_INPUTS = {
    "broken ID checksum": (_bad({"deceased_id": "500225194103080134"}), "deceased_id"),
    "impossible date": (_bad({"death_date": "2026-02-30"}), "death_date"),
    "future death date": (_bad({"death_date": "2026-11-21"}), "death_date"),
    "missing required": (_bad({}, drop="applicant_name"), "applicant_name"),
    "heir does not agree": (
        _bad({"heirs": [example()["heirs"][0] | {"heir_agrees": False}]}),
        "heirs[0].heir_agrees",
    ),
    "unknown question": (_bad({"nickname": "老张"}), "nickname"),
}


@pytest.mark.parametrize(("answers", "field"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_fill_case_with_bad_input_names_the_field_and_saves_nothing(
    ctx: KioskContext, answers: dict[str, Any], field: str
) -> None:
    assert counts(ctx) == (0, 0, 0)
    with pytest.raises(InvalidAnswers) as err:
        fill_case(ctx, FORM_ID, answers)
    problems = err.value.problems
    assert field in [p.path for p in problems]
    assert all(p.is_error and p.problem.message and p.problem.message_en for p in problems)
    assert counts(ctx) == (0, 0, 0)
    assert list_cases(ctx) == []
    # Nothing was used up either: the next good case gets the first number of the day.
    assert fill_case(ctx, FORM_ID, example()).number == "261120-01-001"


def test_fill_case_reports_every_error_once(ctx: KioskContext) -> None:
    answers = example() | {
        "deceased_id": "500225194103080134",
        "applicant_phone": "12345",
        "bank_name": "no such bank",
    }
    del answers["applicant_name"]
    with pytest.raises(InvalidAnswers) as err:
        fill_case(ctx, FORM_ID, answers)
    paths = [p.path for p in err.value.problems]
    assert len(paths) == len(set(paths))
    assert {"deceased_id", "applicant_phone", "bank_name", "applicant_name"} <= set(paths)
    assert counts(ctx) == (0, 0, 0)


def test_removing_an_item_is_saved_and_audited(ctx: KioskContext) -> None:
    case_id = start_case(ctx, FORM_ID).case.id
    add_item(ctx, case_id, "heirs")
    add_item(ctx, case_id, "heirs")
    assert answer(ctx, case_id, "heirs[1].heir_name", "张建国").ok
    result = remove_item(ctx, case_id, "heirs", 0)
    assert result.draft.fill.answers["heirs"] == [{"heir_name": "张建国"}]
    assert load_draft(ctx, case_id).fill.answers["heirs"] == [{"heir_name": "张建国"}]
    actions = [a.action for a in show_case(ctx, case_id).audit]
    assert actions == ["created", "item_added", "item_added", "answered", "item_removed"]


def test_lists_hold_no_personal_data(ctx: KioskContext) -> None:
    fill_case(ctx, FORM_ID, example())
    start_case(ctx, FORM_ID)
    listed = list_cases(ctx)
    assert [c.state for c in listed] == ["draft", "finalized"]
    assert list_cases(ctx, states=["finalized"])[0].form_id == FORM_ID
    text = repr(listed)
    assert DECEASED_ID not in text and "张德明" not in text


# ----- states and transitions -------------------------------------------------------------

S = CaseState
ALLOWED = [
    (S.DRAFT, S.FINALIZED),
    (S.FINALIZED, S.PRINTED),
    (S.FINALIZED, S.QUEUED),
    (S.FINALIZED, S.SENT),
    (S.PRINTED, S.QUEUED),
    (S.PRINTED, S.SENT),
    (S.QUEUED, S.SENT),
    (S.QUEUED, S.QUARANTINED),
    (S.QUARANTINED, S.QUEUED),
    (S.SENT, S.ACCEPTED),
    (S.SENT, S.NEEDS_MATERIALS),
    (S.SENT, S.REFUSED),
    (S.ACCEPTED, S.NEEDS_MATERIALS),
    (S.NEEDS_MATERIALS, S.ACCEPTED),
    (S.ACCEPTED, S.COMPLETED),
]
REFUSED = [
    (S.DRAFT, S.PRINTED),
    (S.DRAFT, S.SENT),
    (S.DRAFT, S.DRAFT),
    (S.FINALIZED, S.DRAFT),
    (S.FINALIZED, S.FINALIZED),
    (S.PRINTED, S.DRAFT),
    (S.SENT, S.DRAFT),
    (S.SENT, S.QUEUED),
    (S.COMPLETED, S.DRAFT),
    (S.COMPLETED, S.COMPLETED),
    (S.REFUSED, S.FINALIZED),
    (S.QUARANTINED, S.DRAFT),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions(current: CaseState, target: CaseState) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_transitions(current: CaseState, target: CaseState) -> None:
    with pytest.raises(InvalidTransition) as err:
        check_transition(current, target)
    assert str(err.value) == f"a case in state '{current}' cannot become '{target}'"


def test_only_drafts_are_editable_and_nothing_returns_to_draft() -> None:
    assert set(EDITABLE_STATES) == {S.DRAFT}
    for state in S:
        if state != S.DRAFT:
            with pytest.raises(InvalidTransition):
                check_transition(state, S.DRAFT)
    for server_state in SERVER_STATES:
        with pytest.raises(InvalidTransition):
            check_transition(S.DRAFT, server_state)
