"""Answers and check rows with personal data masked, for screens and the CLI outside the
page where the data was entered or confirmed (DESIGN.md "Who may see what").

Every answer is masked by the kind of data it holds, found from the question's type and
its printed noun (``print_label``, else the label), never from a list of question names,
so a new form is masked without code:

- ``id_number`` 5001**********0133, ``bank_account`` 6217***********6780, ``phone``
  138****2345, ``signature`` 已签名;
- ``village`` without its 村民小组 (新店村4组 → 新店村, ``v03-4`` → ``v03``);
- a ``date`` whose noun says 出生 keeps its year only (1941-**-**, 1941年*月*日): with the
  masked ID number's first and last four, a birth date and 组 rebuild the whole number;
- a text whose noun says 姓名/户名/名字 (or the form's applicant/subject name, a name
  prefill, ``*_name``, ``account_holder``) 张*明; one that says 住址/地址/住所 keeps
  its first three characters;
- answers the form declares sensitive (低保, 残疾, health, family finances) 已隐藏.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from kiosk.domain.masking import (
    mask_bank_account,
    mask_id_number,
    mask_name,
    mask_phone,
    village_without_group,
)
from kiosk.forms.results import SummaryRow
from kiosk.forms.schema import FormDefinition, Question
from kiosk.services.context import KioskContext
from kiosk.services.views import CaseDetail

HIDDEN = "（已隐藏）"
SIGNED = "（已签名）"


def _questions(qs: list[Question]) -> dict[str, Question]:
    out: dict[str, Question] = {}
    for q in qs:
        out[q.name] = q
        out.update(_questions(q.children))
    return out


_NAME_NOUNS = ("姓名", "户名", "名字")
_ADDRESS_NOUNS = ("住址", "地址", "住所")
_BIRTH_NOUNS = ("出生",)


def _noun(q: Question) -> str:
    return q.print_label or q.label


def _is_name(form: FormDefinition, q: Question) -> bool:
    if q.type != "text":
        return False
    named = {form.names.applicant, form.names.subject, "account_holder"}
    prefilled_name = q.prefill is not None and q.prefill.field == "name"
    by_noun = any(n in _noun(q) for n in _NAME_NOUNS)
    return q.name in named or prefilled_name or q.name.endswith("_name") or by_noun


def _is_address(q: Question) -> bool:
    prefilled = q.prefill is not None and q.prefill.field in ("address", "card_address")
    return q.type == "text" and (prefilled or any(n in _noun(q) for n in _ADDRESS_NOUNS))


def _is_birth_date(q: Question) -> bool:
    prefilled = q.prefill is not None and q.prefill.field == "birth_date"
    return q.type == "date" and (prefilled or any(n in _noun(q) for n in _BIRTH_NOUNS))


def mask_birth_date(text: str) -> str:
    """The year only: 1941-03-08 → 1941-**-**, 1941年3月8日 → 1941年*月*日."""
    return text[:4] + re.sub(r"[0-9]", "*", text[4:])


def mask_address(text: str) -> str:
    """The first three characters: 重庆市石柱县… → 重庆市****."""
    text = text.strip()
    return text[:3] + "****" if len(text) > 3 else "****"


def _sensitive(form: FormDefinition) -> set[str]:
    return {name for s in form.sensitive for name in s.questions}


def mask_text(form: FormDefinition, q: Question | None, text: str) -> str:
    """One answer in words (or as stored), masked by what the question holds."""
    if q is None or not text:
        return text
    if q.type == "id_number":
        return mask_id_number(text)
    if q.type == "bank_account":
        return mask_bank_account(text)
    if q.type == "phone":
        return mask_phone(text)
    if q.type == "signature":
        return SIGNED
    if q.type == "village":
        return village_without_group(text)
    if _is_birth_date(q):
        return mask_birth_date(text)
    if _is_name(form, q):
        return mask_name(text)
    if _is_address(q):
        return mask_address(text)
    if q.name in _sensitive(form):
        return HIDDEN
    return text


def masked_answers(form: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers document with every personal value masked (repeat items too)."""
    qs = _questions(form.questions)

    def one(name: str, value: Any) -> Any:
        q = qs.get(name)
        if isinstance(value, list) and q is not None and q.type == "repeat":
            return [{k: one(k, v) for k, v in item.items()} for item in value]
        if isinstance(value, str):
            return mask_text(form, q, value)
        if q is not None and q.name in _sensitive(form) and value is not None:
            return HIDDEN
        return value

    return {name: one(name, value) for name, value in answers.items()}


def masked_rows(form: FormDefinition, rows: list[SummaryRow]) -> list[SummaryRow]:
    qs = _questions(form.questions)
    out = []
    for row in rows:
        name = row.path.rsplit(".", 1)[-1].split("[")[0]
        out.append(replace(row, display=mask_text(form, qs.get(name), row.display)))
    return out


def mask_case_detail(form: FormDefinition, detail: CaseDetail) -> CaseDetail:
    return replace(
        detail,
        applicant_name=mask_name(detail.applicant_name),
        subject_name=mask_name(detail.subject_name),
        answers=masked_answers(form, detail.answers),
        rows=masked_rows(form, detail.rows),
    )


def case_names(ctx: KioskContext, case_ids: list[str], *, reveal: bool) -> dict[str, str]:
    """``{case id: "applicant / subject"}`` for lists, names masked unless ``reveal``."""
    out: dict[str, str] = {}
    with ctx.store.unit_of_work(read_only=True) as uow:
        for case_id in case_ids:
            row = uow.cases.get(case_id)
            if row is None or row.personal is None:
                continue
            data = uow.cases.read_personal(row)
            names = [n for n in (data.applicant_name, data.subject_name) if n]
            if not reveal:
                names = [mask_name(n) for n in names]
            out[case_id] = " / ".join(dict.fromkeys(names))
    return out
