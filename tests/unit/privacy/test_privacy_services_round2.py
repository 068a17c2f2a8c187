"""The second round of issue 14 (a fresh tester's findings), on a real temporary store:
login ids never in clear, weak PINs, account kinds, masking by a field's kind, ID-shaped
numbers only in audit text, a child subject needs the guardian's consent."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import DECEASED_ID, FORM_ID, example

from kiosk.domain.masking import scrub_numbers
from kiosk.forms.examples import example_answers
from kiosk.services import accounts
from kiosk.services.audit import export_audit
from kiosk.services.cases import fill_case, record_guardian_consent, show_case, start_case
from kiosk.services.consent import (
    GuardianConsentNeeded,
    give_consent,
    minor_age,
    notice_for,
)
from kiosk.services.context import KioskContext
from kiosk.services.masked_view import mask_case_detail
from kiosk.store.models import LoginThrottle

SINCE = date(2000, 1, 1)
CHILD_ID = "500111201409090835"  # 12 years old in 2026
ADULT_ID = "500111198705050921"


def test_unknown_and_bad_login_ids_are_never_stored_in_clear(ctx: KioskContext) -> None:
    bad = accounts.verify_login(ctx, "张德明", "246802")
    assert bad.bad_id and bad.account is None
    for _ in range(3):  # an ID number has the form of an id: counted, as a hash
        accounts.verify_login(ctx, "5002251941030801", "246802")
    assert accounts.verify_login(ctx, "5002251941030801", "246802").locked_s > 0
    actors = {r.actor for r in export_audit(ctx, since=SINCE)}
    assert all(a.startswith("login:unknown#") for a in actors), actors
    with ctx.store.unit_of_work() as uow:
        keys = [t.account_id for t in uow.session.query(LoginThrottle)]
    assert keys and all(k.startswith("unknown#") and len(k) == 16 for k in keys)
    assert "张德明" not in repr(actors) and "5002251941030801" not in repr(keys)
    with pytest.raises(accounts.AccountError, match="ASCII"):
        accounts.check_id("张德明")
    assert accounts.check_id(" ｓ０１ ") == "S01"  # NFKC, upper case
    with pytest.raises(accounts.AccountError):
        accounts.check_id("A" * 33)


def test_known_account_ids_stay_readable(ctx: KioskContext) -> None:
    accounts.add_account(ctx, "S-01", "刘主任", "246802", role="admin", actor="test")
    accounts.verify_login(ctx, "s-01", "975310")
    assert ("login:S-01", "login_failed") in {
        (r.actor, r.action) for r in export_audit(ctx, since=SINCE)
    }
    assert accounts.verify_login(ctx, "ｓ－０１", "246802").account is not None


@pytest.mark.parametrize(
    "pin", ["111111", "000000", "123456", "654321", "234567", "890123", "987654", "123123"]
)
def test_weak_pins_are_refused(ctx: KioskContext, pin: str) -> None:
    with pytest.raises(accounts.AccountError, match="too easy"):
        accounts.add_account(ctx, "9001", "刘主任", pin, role="admin", actor="test")


def test_an_account_keeps_its_kind_unless_replaced(ctx: KioskContext) -> None:
    accounts.add_account(ctx, "A1", "刘主任", "246802", role="admin", actor="test")
    with pytest.raises(accounts.AccountError, match="already a admin"):
        accounts.add_account(ctx, "A1", "王志愿", "735921", role="volunteer", actor="test")
    assert accounts.get_account(ctx, "A1").role == "admin"  # type: ignore[union-attr]
    accounts.add_account(ctx, "A1", "刘主任", "735921", role="staff", actor="test")  # same kind
    accounts.add_account(ctx, "A1", "王志愿", "735921", role="volunteer", actor="t", replace=True)
    assert accounts.get_account(ctx, "A1").role == "volunteer"  # type: ignore[union-attr]


def test_scrub_masks_id_bank_and_phone_shapes_only() -> None:
    text = "同 261130-01-0001 和 261201-12-003；号 500225194103080133 卡 6217170000123456780"
    out = scrub_numbers(text)
    assert "261130-01-0001" in out and "261201-12-003" in out
    assert DECEASED_ID not in out and "6217170000123456780" not in out
    assert "13896012345" not in scrub_numbers("电话13896012345")
    assert scrub_numbers("2026-11-30 金额 123456.78") == "2026-11-30 金额 123456.78"


def test_masked_case_masks_by_the_kind_of_field(ctx: KioskContext) -> None:
    case = fill_case(ctx, FORM_ID, example())
    detail = show_case(ctx, case.id)
    form = ctx.catalogue.get(FORM_ID)
    masked = mask_case_detail(form, detail)
    text = repr(masked.answers) + repr([r.display for r in masked.rows])
    assert "1941-03-08" not in text and "1941年3月8日" not in text
    assert "v03-4" not in text and "4组" not in text
    for name in ("张德明", "张秀英", "李桂兰", "张建国"):
        assert name not in text
    assert "5002**********0133" in text


def test_a_child_subject_needs_the_guardians_consent(ctx: KioskContext) -> None:
    form = ctx.catalogue.get("disability_card")
    answers = example_answers(form)
    assert answers["person_id"] == CHILD_ID
    assert minor_age(form, answers, ctx.today()) == 12
    assert minor_age(form, {**answers, "person_id": ADULT_ID}, ctx.today()) is None
    # The adult at the kiosk was identified: the notice asked no guardian.
    notice = notice_for(ctx, ["disability_card"], resident_age=39)
    assert not notice.guardian_needed
    consent = give_consent(notice, spoken=True, actor="resident", sensitive_at="2026-11-20T01:00")
    with pytest.raises(GuardianConsentNeeded):
        fill_case(ctx, "disability_card", answers, consent=consent)
    draft = start_case(ctx, "disability_card", consent=consent, resident_id=ADULT_ID)
    from kiosk.services.cases import answer, finalize_case

    for key, value in answers.items():
        answer(ctx, draft.case.id, key, value)
    with pytest.raises(GuardianConsentNeeded):
        finalize_case(ctx, draft.case.id)
    record_guardian_consent(ctx, draft.case.id, actor="resident", sensitive_at="2026-11-20T01:01")
    done = finalize_case(ctx, draft.case.id)
    shown = show_case(ctx, done.id)
    assert "监护人同意" in shown.consent
    assert [a.action for a in shown.audit].count("consent_sensitive") == 2
