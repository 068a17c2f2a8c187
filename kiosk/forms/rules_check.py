"""Checks of a form's rules block beyond its shape (issue 16): what every official
办事指南 states must be usable as written — a document number for each legal basis, a
dialable complaint line, a fee, the deciding office, the resident's deadline in words
and, when the deadline names a policy parameter, one counted in days.

Run by ``kiosk forms check`` and by ``kiosk-server forms publish`` (both load the
catalogue), on the texts as resolved against the district policy.
"""

from __future__ import annotations

import re
from typing import Any

from kiosk.forms.loader import FormIssue
from kiosk.forms.policy_values import PHONE
from kiosk.forms.schema import FormDefinition

# A document number (国发〔2014〕8号, 国务院令第649号, 主席令第三十五号), a national
# standard (GB/T 26341-2010), an adoption record for texts without a number
# (1958年全国人大常委会通过, 2025年中共中央办公厅、国务院办公厅印发), or 待核实.
DOCUMENT_NUMBER = re.compile(
    r"(〔\d{4}〕|\[\d{4}\]).*号|第.+号|^GB(/T)? ?\d+(\.\d+)?-\d{4}$"
    r"|\d{4}年.*(通过|公布|施行|印发)|^待核实$"
)
DAY_UNITS = frozenset({"天", "个工作日", "个月"})
UNRESOLVED = "${policy:"


def check_rules(form: FormDefinition, file: str, policy: Any) -> list[FormIssue]:
    """The rules block's problems as ``file: -: rules.<field>: message``; [] without one."""
    rules = form.rules
    if rules is None:
        return []
    issues: list[FormIssue] = []

    def bad(where: str, message: str) -> None:
        issues.append(FormIssue(file, "-", f"rules.{where}: {message}"))

    for i, basis in enumerate(rules.legal_basis):
        if not DOCUMENT_NUMBER.search(basis.number.strip()):
            bad(
                f"legal_basis[{i}].number",
                f"{basis.number!r} is not a document number (e.g. 国发〔2014〕8号, "
                "国务院令第649号; 待核实 while unknown)",
            )
        if not basis.title.strip():
            bad(f"legal_basis[{i}].title", "the document's title is missing")
    phone = rules.complaint.phone.strip()
    if not PHONE.match(phone):
        bad("complaint.phone", f"{phone!r} is not a phone number (12345, 023-43721234)")
    if not rules.complaint.name.strip():
        bad("complaint.name", "the complaint line's name is missing")
    for where, text in (
        ("fee", rules.fee),
        ("deciding_office", rules.deciding_office),
        ("time_limit.resident.text", rules.time_limit.resident.text),
        ("time_limit.office", rules.time_limit.office),
    ):
        if not text.strip():
            bad(where, "is empty")
        elif UNRESOLVED in text:
            bad(where, "names an unknown policy parameter")
    days = rules.time_limit.resident.days
    if days and days in policy.parameters:
        unit = policy.parameters[days].unit
        if unit not in DAY_UNITS:
            bad("time_limit.resident.days", f"policy parameter '{days}' is in {unit}, not days")
    return issues
