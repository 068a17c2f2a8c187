"""The registry extract's JSON format (docs/registry.md): parse and check it, all or nothing.

Problems name the record and the field (``residents[3].id_number: ...``) and never
the value, because these messages reach logs and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.domain.errors import DomainError
from kiosk.domain.idcard import parse_id_number
from kiosk.domain.phone import normalize_mobile
from kiosk.printable import UnprintableText, printable

FORMAT = "kiosk-registry"
FORMAT_VERSION = 1

FLAGS = (
    "only_child_parent",
    "resident_pension",
    "disability_card",
    "dibao",
    "elderly_allowance",
    # issue 16 point 3: what the forms would otherwise ask, or the stops 家人去世 needs.
    "social_security_card",
    "pension_contribution_met",
    "enterprise_pension",
    "employee_medical_insurance",
    "disability_living_subsidy",
    "disability_care_subsidy",
    "family_planning_support",
    "special_care",
    # issue 15 (time on task): 家人去世 asks whether the applicant is the beneficiary only
    # when 社保所 has one on record.
    "pension_beneficiary",
)
FLAG_LABELS = {
    "only_child_parent": "独生子女父母",
    "resident_pension": "在领城乡居民养老金",
    "disability_card": "持有残疾人证",
    "dibao": "享受低保",
    "elderly_allowance": "在领高龄津贴",
    "social_security_card": "社会保障卡金融账户已启用（惠民惠农一卡通）",
    "pension_contribution_met": "城乡居民养老保险缴费年限已符合领取条件",
    "enterprise_pension": "在领企业职工基本养老金",
    "employee_medical_insurance": "参加职工基本医疗保险",
    "disability_living_subsidy": "在领困难残疾人生活补贴",
    "disability_care_subsidy": "在领重度残疾人护理补贴",
    "family_planning_support": "在领计划生育奖励扶助或特别扶助金",
    "special_care": "在领优抚对象抚恤补助",
    "pension_beneficiary": "城乡居民养老保险登记了指定受益人",
}
# Where each field comes from when the extract does not say (shown as "据…").
DEFAULT_SOURCES: dict[str, str] = {
    "name": "公安户籍（派出所）",
    "village": "公安户籍（派出所）",
    "household": "公安户籍（派出所）",
    "phone": "村委会",
    "flags.only_child_parent": "卫健办",
    "flags.resident_pension": "社保所",
    "flags.disability_card": "残联",
    "flags.dibao": "民政办",
    "flags.elderly_allowance": "民政办",
    "flags.social_security_card": "社保所",
    "flags.pension_contribution_met": "社保所",
    "flags.enterprise_pension": "社保所",
    "flags.employee_medical_insurance": "医保站",
    "flags.disability_living_subsidy": "残联",
    "flags.disability_care_subsidy": "残联",
    "flags.family_planning_support": "卫健办",
    "flags.special_care": "退役军人服务站",
    "flags.pension_beneficiary": "社保所",
}
HOUSEHOLD_ROLES = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "child_in_law": "儿媳或女婿",
    "grandchild": "孙子女或外孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他",
}
_RECORD_KEYS = frozenset(
    {"id_number", "name", "phone", "village", "group", "household", "household_role"}
    | {"flags", "sources", "demo"}
)


class RegistryDataError(ValueError):
    """The extract is not usable; ``problems`` lists every one. Nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the registry data")
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join([str(self.args[0]), *self.problems])


@dataclass(frozen=True)
class Resident:
    """One checked record, as stored (encrypted) and as prefill reads it."""

    id_number: str
    name: str
    village: str  # the village list's value, e.g. "v03"
    group: int  # 村民小组
    household: str  # 户号
    household_role: str = "head"
    phone: str | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    demo: bool = False

    def source(self, name: str) -> str:
        return self.sources.get(name) or DEFAULT_SOURCES.get(name, "登记信息")

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Resident:
        return cls(**data)


@dataclass(frozen=True)
class RegistryDocument:
    source_version: str
    residents: list[Resident]
    demo: bool = False


def parse_document(data: Any, *, villages: Iterable[str], today: date) -> RegistryDocument:
    """A whole extract file (already JSON-decoded): header checked, then every record."""
    if not isinstance(data, dict):
        raise RegistryDataError(["the file must hold a JSON object"])
    problems = []
    if data.get("format") != FORMAT:
        problems.append(f"format: must be '{FORMAT}'")
    if data.get("format_version") != FORMAT_VERSION:
        problems.append(f"format_version: must be {FORMAT_VERSION}")
    version = data.get("source_version")
    if not isinstance(version, str) or not version.strip() or len(version) > 64:
        problems.append("source_version: must be a text of 1-64 characters")
    sources = data.get("sources") or {}
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        problems.append("sources: must map field names to department labels")
        sources = {}
    raw = data.get("residents")
    if not isinstance(raw, list):
        problems.append("residents: must be a list of records")
        raw = []
    if problems:
        raise RegistryDataError(problems)
    demo = data.get("demo") is True
    residents = parse_records(raw, villages=villages, today=today, sources=sources, demo=demo)
    return RegistryDocument(str(version).strip(), residents, demo)


def parse_records(
    records: Iterable[Any],
    *,
    villages: Iterable[str],
    today: date,
    sources: Mapping[str, str] | None = None,
    demo: bool = False,
) -> list[Resident]:
    """Check every record; raise RegistryDataError listing every problem of every record."""
    known_villages = set(villages)
    problems: list[str] = []
    residents: list[Resident] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(records):
        where = f"residents[{i}]"
        found: list[str] = []
        resident = _parse_one(raw, known_villages, today, dict(sources or {}), demo, found)
        problems.extend(f"{where}.{p}" for p in found)
        number = _id_of(raw, today)
        if number in seen:
            problems.append(f"{where}.id_number: the same person as residents[{seen[number]}]")
        elif number:
            seen[number] = i
        if resident is not None:
            residents.append(resident)
    if problems:
        raise RegistryDataError(problems)
    return residents


def _id_of(raw: Any, today: date) -> str | None:
    """The normalized ID number of a record, if it has a valid one (for duplicates)."""
    if not isinstance(raw, dict):
        return None
    try:
        return parse_id_number(str(raw.get("id_number", "")), today=today).number
    except DomainError:
        return None


def _printable(text: str, key: str, label: str, problems: list[str]) -> str:
    """``text`` in NFC, or a problem naming the field when the paper could not show it
    (kiosk.printable: the same check as a resident's answers)."""
    try:
        return printable(text, label, key)
    except UnprintableText as exc:
        problems.append(exc.message_en)
        return text


def _parse_one(
    raw: Any,
    villages: set[str],
    today: date,
    sources: dict[str, str],
    demo: bool,
    problems: list[str],
) -> Resident | None:
    if not isinstance(raw, dict):
        problems.append("-: a record must be a JSON object")
        return None
    problems.extend(f"{key}: unknown field" for key in sorted(set(raw) - _RECORD_KEYS))
    id_number = ""
    try:
        id_number = parse_id_number(str(raw.get("id_number", "")), today=today).number
    except DomainError as exc:
        problems.append(f"id_number: {exc.problem.message_en}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 40:
        problems.append("name: must be a text of 1-40 characters")
    else:
        name = _printable(name, "name", "姓名", problems)
    village = raw.get("village")
    if village not in villages:
        problems.append("village: not a value of the village list (lists.yaml)")
    group = raw.get("group")
    if not isinstance(group, int) or isinstance(group, bool) or not 1 <= group <= 99:
        problems.append("group: must be a whole number 1-99")
    household = raw.get("household")
    if not isinstance(household, str) or not household.strip() or len(household) > 40:
        problems.append("household: must be a text of 1-40 characters (the 户号)")
    else:
        household = _printable(household, "household", "户号", problems)
    role = raw.get("household_role", "head")
    if role not in HOUSEHOLD_ROLES:
        problems.append(f"household_role: must be one of {', '.join(HOUSEHOLD_ROLES)}")
    phone = raw.get("phone")
    if phone is not None:
        try:
            phone = normalize_mobile(str(phone))
        except DomainError as exc:
            problems.append(f"phone: {exc.problem.message_en}")
    flags = raw.get("flags") or {}
    if not isinstance(flags, dict):
        problems.append("flags: must be an object of true/false values")
        flags = {}
    for key, value in flags.items():
        if key not in FLAGS:
            problems.append(f"flags.{key}: unknown flag (known: {', '.join(FLAGS)})")
        elif not isinstance(value, bool):
            problems.append(f"flags.{key}: must be true or false")
    own_sources = raw.get("sources") or {}
    if not isinstance(own_sources, dict) or not all(
        isinstance(v, str) for v in own_sources.values()
    ):
        problems.append("sources: must map field names to department labels")
        own_sources = {}
    if problems:
        return None
    return Resident(
        id_number=id_number,
        name=str(name).strip(),
        village=str(village),
        group=int(group),  # type: ignore[arg-type]
        household=str(household).strip(),
        household_role=str(role),
        phone=phone,
        flags={flag: bool(flags.get(flag, False)) for flag in FLAGS},
        sources={**sources, **own_sources},
        demo=demo or raw.get("demo") is True,
    )
