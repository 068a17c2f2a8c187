"""The 家人去世 bundle on a real store: which forms apply, one transaction, one materials list."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import TODAY, catalogue

from kiosk import events
from kiosk.cli import main
from kiosk.forms.examples import example_path
from kiosk.registry import demo
from kiosk.services.bundles import (
    bundle_plan,
    fill_bundle,
    finalize_bundle,
    list_bundles,
    start_bundle,
)
from kiosk.services.cases import (
    InvalidAnswers,
    add_item,
    answer,
    list_cases,
    load_draft,
    show_case,
    validate_case,
)
from kiosk.services.context import KioskContext
from kiosk.services.outbox import outbox_status
from kiosk.store.models import AuditEntry, CaseRow, OutboxEntry

BUNDLE = "death_in_family"
ALWAYS = ["hukou_cancellation"]  # v3+: the 医保 form only for bills or a 职工医保 account
# The v3 example's deceased also drew a 计生奖扶 (welfare_stop applies through it too).
NO_STOPS = {"had_elderly_allowance": False, "had_family_planning": False}


def bundle_example() -> dict[str, Any]:
    form = catalogue().get(f"bundle.{BUNDLE}")
    data: dict[str, Any] = json.loads(example_path(form).read_text(encoding="utf-8"))
    return data


def counts(ctx: KioskContext) -> tuple[int, int, int]:
    with ctx.store.unit_of_work() as uow:
        return tuple(  # type: ignore[return-value]
            uow.session.query(m).count() for m in (CaseRow, AuditEntry, OutboxEntry)
        )


def forms_of(cases: list[Any]) -> list[str]:
    return [c.form_id for c in cases]


def test_the_bundle_is_listed(ctx: KioskContext) -> None:
    # Other life events are listed beside it (tests/integration/test_life_events.py).
    info = next(i for i in list_bundles(ctx) if i.id == BUNDLE)
    assert (info.id, info.version, info.short_title) == (BUNDLE, 5, "家人去世")
    assert info.form_ids == [
        "pension_death_benefit",
        "enterprise_survivor_benefit",
        "welfare_stop",
        "hukou_cancellation",
        "medical_insurance_stop",
    ]


# ----- conditions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ["pension_death_benefit", "welfare_stop", *ALWAYS]),
        ({"drew_pension": False}, ["welfare_stop", *ALWAYS]),
        (NO_STOPS, ["pension_death_benefit", *ALWAYS]),
        (
            NO_STOPS | {"had_dibao": True, "welfare__dibao_others_remain": True},
            ["pension_death_benefit", "welfare_stop", *ALWAYS],
        ),
        ({"drew_pension": False, **NO_STOPS}, ALWAYS),
        (
            {"medical_pending_bills": True},
            ["pension_death_benefit", "welfare_stop", *ALWAYS, "medical_insurance_stop"],
        ),
        (
            {
                "drew_pension": False,
                "had_enterprise_pension": True,
                "enterprise__work_related_death": False,
            },
            ["enterprise_survivor_benefit", "welfare_stop", *ALWAYS],
        ),
    ],
)
def test_which_forms_apply_follows_the_answers(
    ctx: KioskContext, changes: dict[str, Any], expected: list[str]
) -> None:
    cases = fill_bundle(ctx, BUNDLE, bundle_example() | changes, volunteer_id="V001")
    assert forms_of(cases) == expected
    assert len({c.number for c in cases}) == len(cases)  # each its own case number
    assert len({c.bundle_id for c in cases}) == 1 and cases[0].bundle_id
    assert all(c.state == "finalized" and c.volunteer_id == "V001" for c in cases)
    assert outbox_status(ctx).pending == len(cases)


def test_without_pension_the_pension_answers_are_not_asked_or_kept(ctx: KioskContext) -> None:
    answers = bundle_example() | {"drew_pension": False}
    for name in [n for n in answers if n.startswith("pension__")]:
        del answers[name]
    cases = fill_bundle(ctx, BUNDLE, answers)
    assert "pension_death_benefit" not in forms_of(cases)


def test_each_case_holds_its_own_forms_answers(ctx: KioskContext) -> None:
    cases = {c.form_id: c for c in fill_bundle(ctx, BUNDLE, bundle_example())}
    pension = show_case(ctx, cases["pension_death_benefit"].number)
    assert pension.answers["deceased_name"] == "张德明"
    assert [h["heir_name"] for h in pension.answers["heirs"]] == ["李桂兰", "张建国", "张秀兰"]
    assert pension.answers["death_age"] == 85
    welfare = show_case(ctx, cases["welfare_stop"].number)
    assert welfare.answers["stop_elderly_allowance"] is True
    assert welfare.answers["stop_dibao"] is False
    hukou = show_case(ctx, cases["hukou_cancellation"].number)
    assert hukou.summary.department == "派出所"
    assert hukou.answers["proof_type"] == "medical"
    assert "bank_account" not in hukou.answers
    # v5: one death-proof answer (电子的) gives the 户口 form both of its answers, and no
    # beneficiary on record gives the pension form's 是不是登记的领取人 (no: heirs agree).
    assert hukou.answers["certificate_electronic"] is True
    assert hukou.answers["death_certificate_number"] == "A500111202610300017"
    assert hukou.answers["new_head_id"] == "500225194512110049"
    assert pension.answers["is_beneficiary"] is False
    assert [h["heir_agrees"] for h in pension.answers["heirs"]] == [True, True, True]


# ----- all or nothing ------------------------------------------------------------------------


def test_bad_answers_save_nothing_and_name_every_problem(ctx: KioskContext) -> None:
    answers = bundle_example()
    answers["bank_account"] = "123"
    answers["pension__heirs"][0]["pension__heir_agrees"] = False
    del answers["death_proof"]  # v4: asked once for every form
    with pytest.raises(InvalidAnswers) as exc:
        fill_bundle(ctx, BUNDLE, answers)
    assert {p.path for p in exc.value.problems} == {
        "bank_account",
        "pension__heirs[0].pension__heir_agrees",
        "death_proof",
    }
    assert counts(ctx) == (0, 0, 0)


def test_a_failure_in_a_later_form_rolls_back_the_earlier_ones(
    ctx: KioskContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cases are created one by one in one transaction; a late failure undoes all."""
    import kiosk.services.bundles as bundles

    real = bundles.fill_case

    def failing(ctx: KioskContext, form_id: str, *args: Any, **kw: Any) -> Any:
        if form_id == "hukou_cancellation":  # the last form of the example
            raise RuntimeError("disk full")
        return real(ctx, form_id, *args, **kw)

    monkeypatch.setattr(bundles, "fill_case", failing)
    with pytest.raises(RuntimeError):
        fill_bundle(ctx, BUNDLE, bundle_example())
    assert counts(ctx) == (0, 0, 0)
    # The day's case counter was rolled back too: the next case is number 001.
    monkeypatch.setattr(bundles, "fill_case", real)
    cases = fill_bundle(ctx, BUNDLE, bundle_example())
    assert cases[0].number == TODAY.strftime("%y%m%d") + "-01-001"


# ----- the interactive path (the UI's) ---------------------------------------------------------


def answer_bundle(ctx: KioskContext, case_id: str, answers: dict[str, Any]) -> None:
    for name, value in answers.items():
        if name in ("family_heirs", "pension__heirs"):
            for i, heir in enumerate(value):
                if name == "family_heirs":  # the pension form's heirs are its copies
                    assert add_item(ctx, case_id, name).ok
                for key, v in heir.items():
                    assert answer(ctx, case_id, f"{name}[{i}].{key}", v).ok
            continue
        result = answer(ctx, case_id, name, value)
        assert result.ok, [str(p) for p in result.problems]


def test_start_answer_plan_finalize_with_the_demo_registry(demo_ctx: KioskContext) -> None:
    ctx = demo_ctx
    seen: list[str] = []
    unsubscribe = events.case_did_finalize.subscribe(seen.append)
    draft = start_bundle(ctx, BUNDLE, resident_id=demo.ZHANG_XIUYING, volunteer_id="V007")
    case_id = draft.case.id
    assert draft.case.form_id == f"bundle.{BUNDLE}"
    assert draft.fill.answers["applicant_name"] == "张秀英"  # from the registry
    # The registry knows he drew the pension and 高龄津贴: the plan says so at once.
    result = answer(ctx, case_id, "deceased_id", demo.ZHANG_DEMING)
    assert result.draft.fill.answers["drew_pension"] is True
    plan = bundle_plan(ctx, case_id)
    assert [f.form_id for f in plan.forms] == [
        "pension_death_benefit",
        "welfare_stop",
        *ALWAYS,
    ]
    # The records say no enterprise pension and no 职工医保 (bills not yet answered).
    assert [f.form_id for f in plan.skipped] == [
        "enterprise_survivor_benefit",
        "medical_insurance_stop",
    ]
    assert all(f.department and f.why for f in plan.forms)

    answer_bundle(ctx, case_id, bundle_example())
    assert validate_case(ctx, case_id) == []
    assert load_draft(ctx, case_id).fill.form.id == f"bundle.{BUNDLE}"

    cases = finalize_bundle(ctx, case_id, actor="volunteer:V007")
    unsubscribe()
    assert forms_of(cases) == ["pension_death_benefit", "welfare_stop", *ALWAYS]
    assert {c.bundle_id for c in cases} == {case_id}
    assert all(c.volunteer_id == "V007" for c in cases)
    assert seen == [c.id for c in cases]
    # The intake draft is gone; only the three cases remain.
    assert sorted(c.form_id for c in list_cases(ctx)) == sorted(forms_of(cases))


def test_the_plan_has_one_materials_list_without_duplicates(ctx: KioskContext) -> None:
    draft = start_bundle(ctx, BUNDLE)
    dibao = {"had_dibao": True, "welfare__dibao_others_remain": False}
    answer_bundle(ctx, draft.case.id, bundle_example() | dibao)
    plan = bundle_plan(ctx, draft.case.id)
    ids = [m.id for m in plan.materials]
    labels = [m.label for m in plan.materials]
    assert len(ids) == len(set(ids)) and len(labels) == len(set(labels))
    by_id = {m.id: m for m in plan.materials}
    assert len(by_id["applicant_id_card"].for_forms) == 3  # pension, welfare, hukou
    assert "dibao_certificate" in by_id  # only because of 低保
    assert "heirs_consent" in by_id  # the pension form's conditional material
    assert "medical_bills" not in by_id  # no bills pending
    # 原件 for the 户口 and 原件和复印件1份 for 停发: the one bring serves both.
    assert by_id["applicant_id_card"].copies == "原件和复印件1份"


def test_merged_copies_are_reconciled() -> None:
    from kiosk.printing.sheet import merge_copies

    assert merge_copies("原件", "原件和复印件1份") == "原件和复印件1份"
    assert merge_copies("原件和复印件1份", "原件") == "原件和复印件1份"
    assert merge_copies("原件", None) == "原件"
    assert merge_copies("原件（交回）", "复印件2份") == "原件（交回）；复印件2份"
    # The printed cover: one line per material id, the copies reconciled.
    from types import SimpleNamespace

    from kiosk.printing.sheet import Material, combine_materials

    hukou = [Material("死亡证明", "原件", "death_certificate", 1)]
    welfare = [Material("死亡医学证明或火化证明", "原件和复印件1份", "death_certificate")]
    sheets = [SimpleNamespace(materials=hukou), SimpleNamespace(materials=welfare)]
    assert combine_materials(sheets) == [  # type: ignore[arg-type]
        Material("死亡证明", "原件和复印件1份", "death_certificate", 1)
    ]


def test_the_plan_changes_as_the_answers_change(ctx: KioskContext) -> None:
    draft = start_bundle(ctx, BUNDLE)
    case_id = draft.case.id
    answer_bundle(ctx, case_id, bundle_example())
    answer(ctx, case_id, "drew_pension", False)
    answer(ctx, case_id, "had_elderly_allowance", False)
    answer(ctx, case_id, "had_family_planning", False)
    plan = bundle_plan(ctx, case_id)
    assert [f.form_id for f in plan.forms] == ALWAYS
    assert [f.form_id for f in plan.skipped] == [
        "pension_death_benefit",
        "enterprise_survivor_benefit",
        "welfare_stop",
        "medical_insurance_stop",
    ]
    assert "bank_card" not in {m.id for m in plan.materials}


def test_finalize_with_missing_answers_saves_nothing(ctx: KioskContext) -> None:
    draft = start_bundle(ctx, BUNDLE)
    answer(ctx, draft.case.id, "deceased_id", demo.ZHANG_DEMING)
    before = counts(ctx)
    with pytest.raises(InvalidAnswers) as exc:
        finalize_bundle(ctx, draft.case.id)
    assert "death_date" in {p.path for p in exc.value.problems}
    assert counts(ctx) == before
    assert load_draft(ctx, draft.case.id).case.state == "draft"


# ----- the CLI ---------------------------------------------------------------------------------


def test_cli_bundle_list_example_fill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--data-dir", str(tmp_path / "cli")]
    assert main([*home, "bundle", "list"]) == 0
    assert "death_in_family" in capsys.readouterr().out
    assert main(["bundle", "example", BUNDLE]) == 0
    answers = tmp_path / "answers.json"
    answers.write_text(capsys.readouterr().out, encoding="utf-8")
    assert json.loads(answers.read_text(encoding="utf-8")) == bundle_example()
    assert main([*home, "bundle", "fill", BUNDLE, "--answers", str(answers)]) == 0
    *lines, bundle_line = capsys.readouterr().out.splitlines()
    # the bundle id, so the clerk can print the whole set (kiosk print --bundle ID)
    assert re.fullmatch(r"bundle [0-9a-f-]{36} \(print: kiosk print --bundle .*\)", bundle_line)
    assert [line.split()[3] for line in lines] == [
        "pension_death_benefit",
        "welfare_stop",
        *ALWAYS,
    ]
    assert len({line.split()[1] for line in lines}) == 3


def test_cli_bundle_fill_bad_answers_exits_2_with_every_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--data-dir", str(tmp_path / "cli")]
    bad = bundle_example() | {"death_date": "2027-01-01", "applicant_phone": "123"}
    answers = tmp_path / "bad.json"
    answers.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main([*home, "bundle", "fill", BUNDLE, "--answers", str(answers)]) == 2
    err = capsys.readouterr().err
    assert "2 problem(s); nothing saved" in err
    assert "death_date:" in err and "applicant_phone:" in err
    assert main([*home, "cases", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_cli_bundle_unknown_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bundle", "example", "wedding"]) == 1
    assert "no such form: bundle wedding" in capsys.readouterr().err


def test_a_bundle_intake_never_becomes_a_case_of_its_own(ctx: KioskContext) -> None:
    from kiosk.services.cases import CaseError, fill_case, finalize_case

    draft = start_bundle(ctx, BUNDLE)
    answer_bundle(ctx, draft.case.id, bundle_example())
    with pytest.raises(CaseError, match="finalize_bundle"):
        finalize_case(ctx, draft.case.id)
    with pytest.raises(CaseError, match="finalize_bundle"):
        fill_case(ctx, f"bundle.{BUNDLE}", bundle_example())
    assert [c.state for c in list_cases(ctx)] == ["draft"]
