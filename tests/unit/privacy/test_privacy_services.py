"""Masking, named accounts and lockout, receipt codes, presence proofs, consent, duplicate
claims and the audit export, on a real temporary store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import APPLICANT_ID, DECEASED_ID, FIXED_NOW, FORM_ID, example

from kiosk.domain.id_card_chip import IdCardData
from kiosk.domain.masking import (
    mask_bank_account,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub_numbers,
    village_without_group,
)
from kiosk.services import accounts, presence
from kiosk.services.audit import export_audit, log_event, purge_audit
from kiosk.services.cases import (
    CaseError,
    allow_duplicate,
    answer,
    fill_case,
    finalize_case,
    start_case,
)
from kiosk.services.consent import give_consent, notice_for
from kiosk.services.context import KioskContext
from kiosk.services.duplicates import DuplicateClaim
from kiosk.services.identity_proof import PresenceNotProven, Proof
from kiosk.services.receipt_codes import issue_receipt_code, use_receipt_code
from kiosk.store.models import utcnow

SINCE = date(2000, 1, 1)


def test_masks() -> None:
    assert mask_name("张德明") == "张*明"
    assert mask_name("张三") == "张*" and mask_name("欧阳秀英") == "欧**英"
    assert mask_id_number("500111193504050133") == "5001**********0133"
    assert mask_bank_account("6217170000123456780") == "6217***********6780"
    assert mask_phone("13896012345") == "138****2345"
    assert (
        village_without_group("v03-4") == "v03" and village_without_group("新店村4组") == "新店村"
    )
    assert scrub_numbers("上一件 500225194103080133 填错") == "上一件 50**************33 填错"


def test_pins_are_six_digits_or_more_and_lockout_grows(ctx: KioskContext) -> None:
    with pytest.raises(accounts.AccountError, match="6 to 12 digits"):
        accounts.add_account(ctx, "9001", "刘主任", "1234", role="admin", actor="test")
    accounts.add_account(ctx, "9001", "刘主任", "246802", role="admin", actor="test")
    assert [accounts.lockout_seconds(n) for n in range(1, 9)] == [0, 0, 30, 60, 120, 240, 480, 960]
    assert accounts.lockout_seconds(40) == 3600

    now = [FIXED_NOW]
    ctx.clock = lambda: now[0]
    staff = frozenset({"staff", "admin"})
    results = [accounts.verify_login(ctx, "9001", "000000", roles=staff) for _ in range(3)]
    assert [r.locked_s for r in results] == [0, 0, 30]
    assert accounts.verify_login(ctx, "9001", "246802", roles=staff).account is None  # locked
    now[0] += timedelta(seconds=31)
    assert accounts.verify_login(ctx, "9001", "000000", roles=staff).locked_s == 60  # grows
    now[0] += timedelta(seconds=61)
    ok = accounts.verify_login(ctx, "9001", "246802", roles=staff)
    assert ok.account is not None and ok.account.actor == "admin:9001"
    # A success clears the count: the next wrong PIN is a first one again.
    assert accounts.verify_login(ctx, "9001", "000000", roles=staff).locked_s == 0
    # Unknown ids lock out the same way (nothing to learn from the answers).
    for _ in range(2):
        accounts.verify_login(ctx, "9999", "000000")
    assert accounts.verify_login(ctx, "9999", "000000").locked_s == 30


def test_roles_and_demo_accounts(ctx: KioskContext) -> None:
    from kiosk.services.volunteers import ensure_demo_volunteers, verify_volunteer

    accounts.add_account(ctx, "1001", "王志愿", "135790", role="volunteer", actor="test")
    staff = frozenset({"staff", "admin"})
    assert accounts.verify_login(ctx, "1001", "135790", roles=staff).account is None
    assert verify_volunteer(ctx, "1001", "135790") is not None
    ctx.settings.demo_data = True
    ensure_demo_volunteers(ctx)
    assert verify_volunteer(ctx, "1002", "135790") is not None
    ctx.settings.demo_data = False  # the same data root, started without --demo
    assert verify_volunteer(ctx, "1002", "135790") is None


def test_a_typed_number_prefills_from_the_number_only(demo_ctx: KioskContext) -> None:
    typed = start_case(demo_ctx, FORM_ID, resident_id=APPLICANT_ID, proof=Proof.TYPED)
    assert "applicant_name" not in typed.fill.answers  # the registry knows her, but no proof
    answered = answer(demo_ctx, typed.case.id, "deceased_id", DECEASED_ID)
    assert "deceased_name" not in answered.draft.fill.answers
    proven = start_case(demo_ctx, FORM_ID, resident_id=APPLICANT_ID, proof=Proof.VOLUNTEER)
    assert proven.fill.answers["applicant_name"] == "张秀英"
    card = IdCardData(APPLICANT_ID, "张秀英", nation="汉", valid_until=date(2036, 1, 1))
    carded = start_case(demo_ctx, FORM_ID, resident_id=APPLICANT_ID, proof=Proof.CARD, card=card)
    assert carded.fill.prefill_label("applicant_name") == "身份证"


def test_presence_views_and_my_cases(demo_ctx: KioskContext) -> None:
    typed = presence.look_up(demo_ctx, APPLICANT_ID)
    assert (typed.name, typed.village, typed.age) == ("张*英", "新店村", None)
    with pytest.raises(PresenceNotProven):
        presence.person_cases(demo_ctx, typed, actor="resident")
    volunteer = accounts.Account("1001", "王志愿", "volunteer")
    proven = presence.confirm_by_volunteer(demo_ctx, APPLICANT_ID, volunteer)
    assert (proven.name, proven.village, proven.age) == ("张秀英", "新店村4组", 58)
    assert presence.person_cases(demo_ctx, proven, actor="volunteer:1001") == []
    expired = presence.read_card(demo_ctx, IdCardData(APPLICANT_ID, valid_until=date(2020, 1, 1)))
    assert expired.card_expired and not expired.proven


def test_receipt_codes_are_one_time_hashed_and_expire(demo_ctx: KioskContext) -> None:
    case = fill_case(demo_ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    code = issue_receipt_code(demo_ctx, case.id)
    assert code.startswith("BBR1:") and len(code) == len("BBR1:XXXX-XXXX-XXXX")
    raw = (demo_ctx.data_root / "kiosk.sqlite3").read_bytes()
    assert code[5:].replace("-", "").encode() not in raw
    assert use_receipt_code(demo_ctx, code.lower()) == APPLICANT_ID  # as a scanner may send
    assert use_receipt_code(demo_ctx, code) is None  # once only
    reissued = issue_receipt_code(demo_ctx, case.id)
    newer = issue_receipt_code(demo_ctx, case.id)  # a reprinted receipt replaces the unused one
    assert use_receipt_code(demo_ctx, reissued) is None
    demo_ctx.clock = lambda: FIXED_NOW + timedelta(days=91)
    assert use_receipt_code(demo_ctx, newer) is None  # expired
    refused = [
        r.detail for r in export_audit(demo_ctx, since=SINCE) if r.action == "receipt_refused"
    ]
    assert refused == ["used", "unknown", "expired"]


def test_consent_notice_has_the_four_answers_sensitive_items_and_guardian(
    ctx: KioskContext,
) -> None:
    notice = notice_for(ctx, ["minimum_living"], resident_age=40)
    assert len(notice.lines()) == 4 and "30天后删除" in notice.how_long
    assert {s.category for s in notice.sensitive} >= {"金融账户", "健康和残疾状况"}
    assert not notice.guardian_needed
    child = notice_for(ctx, ["disability_card"], resident_age=9)
    with pytest.raises(ValueError, match="own consent"):  # two acts, not one (Art. 29)
        give_consent(child, spoken=True, actor="volunteer:1001")
    consent = give_consent(
        child, spoken=True, actor="volunteer:1001", sensitive_at="2026-11-20T01:00:00+00:00"
    )
    assert consent.by == "guardian" and consent.sensitive == ["残疾和健康状况"]
    assert "监护人" in consent.line() and "残疾和健康状况" in consent.line()
    assert notice_for(ctx, ["hukou_cancellation"], resident_age=40).sensitive == []
    draft = start_case(ctx, "disability_card", consent=consent)
    from kiosk.services.cases import show_case

    assert [a.action for a in show_case(ctx, draft.case.id).audit][-2:] == [
        "consent",
        "consent_sensitive",
    ]


def test_a_duplicate_claim_needs_a_reason_on_the_kiosk(ctx: KioskContext) -> None:
    first = fill_case(ctx, FORM_ID, example())
    draft = start_case(ctx, FORM_ID, resident_id=APPLICANT_ID)
    assert draft.duplicates == []  # the subject (the deceased) is not known yet
    result = answer(ctx, draft.case.id, "deceased_id", DECEASED_ID)
    assert [c.number for c in result.draft.duplicates] == [first.number]
    for path, value in example().items():
        if path != "heirs":
            answer(ctx, draft.case.id, path, value)
    with pytest.raises(DuplicateClaim) as caught:
        finalize_case(ctx, draft.case.id)
    assert caught.value.numbers == [first.number]
    with pytest.raises(CaseError, match="volunteer"):
        allow_duplicate(ctx, draft.case.id, "上一件填错了", actor="resident")
    allow_duplicate(ctx, draft.case.id, "上一件填错了 500225194103080133", actor="volunteer:1001")
    finalize_case(ctx, draft.case.id)
    from kiosk.services.cases import show_case

    [entry] = [a for a in show_case(ctx, draft.case.id).audit if a.action == "duplicate_override"]
    assert DECEASED_ID not in entry.detail and first.number in entry.detail
    # On the PC (kiosk fill, paper forms) a duplicate is noted, not refused.
    third = fill_case(ctx, FORM_ID, example())
    assert "duplicate_noted" in [a.action for a in show_case(ctx, third.id).audit]


def test_the_audit_export_has_no_numbers_or_names_and_is_kept_six_months(
    demo_ctx: KioskContext,
) -> None:
    fill_case(demo_ctx, FORM_ID, example(), resident_id=APPLICANT_ID)
    presence.read_card(demo_ctx, IdCardData(APPLICANT_ID, "张秀英", valid_until=None))
    log_event(demo_ctx, actor="staff:9001", action="note", detail=f"typed {APPLICANT_ID}")
    records = export_audit(demo_ctx, since=SINCE)
    assert {"created", "finalized", "card_read", "note"} <= {r.action for r in records}
    for r in records:
        for private in (APPLICANT_ID, DECEASED_ID, "张秀英", "张德明"):
            assert private not in f"{r.actor} {r.detail}"
    assert demo_ctx.settings.audit_retention_days >= 183
    assert purge_audit(demo_ctx, now=utcnow() + timedelta(days=182)) == 0
    assert purge_audit(demo_ctx, now=utcnow() + timedelta(days=400)) > 0
    from kiosk.config import Settings

    with pytest.raises(ValueError):
        Settings(audit_retention_days=90)
