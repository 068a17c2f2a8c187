"""The demo registry: synthetic residents of the town's 9 villages. NOT REAL PEOPLE.

Deterministic (fixed seed), so tests, the UI walkthrough and docs/registry.md can
name the fixed demo people below. Every record and the document carry
``demo: true`` and every source label says 演示数据.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.domain.idcard import make_id_number
from kiosk.registry.records import DEFAULT_SOURCES, FORMAT, FORMAT_VERSION

DEMO_SOURCE_VERSION = "demo-2026.1"
DEMO_SEED = 20261125
VILLAGES = ("v01", "v02", "v03", "v04", "v05", "v06", "v07", "v08", "v09")
HOUSEHOLDS_PER_VILLAGE = 6
REGION = "500111"  # 大足区
OLD_REGION = "500225"  # 大足县, on cards issued before 2011


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    name: str
    village: str
    group: int
    household: str
    role: str
    phone: str | None = None
    flags: tuple[str, ...] = ()


# The fixed demo people (documented in docs/registry.md; tests use them).
# 1. 张德明 died 2026-10-30 while drawing the resident pension and 高龄津贴 (家人去世 walkthrough).
ZHANG_DEMING = "500225194103080133"
LI_GUILAN = "500225194512110049"  # his wife
ZHANG_JIANGUO = "500111197205190317"  # his son, same household
ZHANG_XIUYING = "50011119681002024X"  # his daughter, her own household: the applicant
ZHANG_XIULAN = "500111197512010427"  # his daughter in 双龙村
# 2. 王翠芬 (died) lived on 低保 with her son, no resident pension.
WANG_CUIFEN = make_id_number(OLD_REGION, date(1950, 7, 14), 26)
LIU_ZHIQIANG = make_id_number(REGION, date(1976, 2, 11), 13)
# 3. 陈国华 turns 60 in 2026, 独生子女父母: pension_claim.
CHEN_GUOHUA = make_id_number(REGION, date(1966, 4, 18), 35)
HUANG_LI = make_id_number(REGION, date(1968, 9, 3), 46)
CHEN_CHEN = make_id_number(REGION, date(1992, 12, 1), 51)
# 4. 赵秀珍, 84, no 高龄津贴 yet; her son collects for her: elderly_allowance.
ZHAO_XIUZHEN = make_id_number(OLD_REGION, date(1942, 6, 21), 62)
SUN_QIANG = make_id_number(REGION, date(1965, 3, 30), 71)
# 5. 周小明, 12, no 残疾人证 yet, with his mother as guardian: disability_card.
ZHOU_XIAOMING = make_id_number(REGION, date(2014, 9, 9), 83)
WU_FANG = make_id_number(REGION, date(1987, 5, 5), 92)
# 6. 冉光明, 58, 一级肢体残疾 with a 残疾人证, on 低保 with his wife and adult son:
#    family_hardship (the 核查授权书 every adult signs) and disability_services.
RAN_GUANGMING = make_id_number(REGION, date(1968, 2, 14), 15)
TAN_SUZHEN = make_id_number(REGION, date(1970, 8, 22), 24)
RAN_XIAOJUN = make_id_number(REGION, date(2000, 6, 1), 37)
# 7. 何丽 and 罗成林, a young couple; their baby (not yet in the registry): newborn.
HE_LI = make_id_number(REGION, date(1997, 3, 12), 48)
LUO_CHENGLIN = make_id_number(REGION, date(1995, 10, 9), 57)

FIXED_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        ZHANG_DEMING,
        "张德明",
        "v03",
        4,
        "DZ-v03-4-001",
        "head",
        None,
        ("resident_pension", "elderly_allowance"),
    ),
    DemoPerson(
        LI_GUILAN, "李桂兰", "v03", 4, "DZ-v03-4-001", "spouse", None, ("resident_pension",)
    ),
    DemoPerson(ZHANG_JIANGUO, "张建国", "v03", 4, "DZ-v03-4-001", "child", "13996012001"),
    DemoPerson(ZHANG_XIUYING, "张秀英", "v03", 4, "DZ-v03-4-002", "head", "13896012345"),
    DemoPerson(ZHANG_XIULAN, "张秀兰", "v02", 1, "DZ-v02-1-001", "head", "13896017788"),
    DemoPerson(LIU_ZHIQIANG, "刘志强", "v05", 2, "DZ-v05-2-001", "head", "13709871234", ("dibao",)),
    DemoPerson(WANG_CUIFEN, "王翠芬", "v05", 2, "DZ-v05-2-001", "parent", None, ("dibao",)),
    DemoPerson(
        CHEN_GUOHUA,
        "陈国华",
        "v01",
        2,
        "DZ-v01-2-001",
        "head",
        "15823456789",
        ("only_child_parent",),
    ),
    DemoPerson(HUANG_LI, "黄丽", "v01", 2, "DZ-v01-2-001", "spouse", None, ("only_child_parent",)),
    DemoPerson(CHEN_CHEN, "陈晨", "v01", 2, "DZ-v01-2-001", "child", "15823450001"),
    DemoPerson(SUN_QIANG, "孙强", "v06", 3, "DZ-v06-3-001", "head", "13667891234"),
    DemoPerson(
        ZHAO_XIUZHEN, "赵秀珍", "v06", 3, "DZ-v06-3-001", "parent", None, ("resident_pension",)
    ),
    DemoPerson(WU_FANG, "吴芳", "v07", 1, "DZ-v07-1-001", "head", "18723456789"),
    DemoPerson(ZHOU_XIAOMING, "周小明", "v07", 1, "DZ-v07-1-001", "child"),
    DemoPerson(
        RAN_GUANGMING,
        "冉光明",
        "v04",
        5,
        "DZ-v04-5-001",
        "head",
        "13594561234",
        ("dibao", "disability_card"),
    ),
    DemoPerson(TAN_SUZHEN, "谭素珍", "v04", 5, "DZ-v04-5-001", "spouse", None, ("dibao",)),
    DemoPerson(RAN_XIAOJUN, "冉小军", "v04", 5, "DZ-v04-5-001", "child", "13594560001", ("dibao",)),
    DemoPerson(HE_LI, "何丽", "v08", 3, "DZ-v08-3-001", "spouse", "18996541234"),
    DemoPerson(LUO_CHENGLIN, "罗成林", "v08", 3, "DZ-v08-3-001", "head", "18996540001"),
)

_SURNAMES = "张李王刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢唐冉谭蒋曾"
_MALE = (
    "德明",
    "国强",
    "建华",
    "志刚",
    "成林",
    "大勇",
    "永福",
    "光荣",
    "明亮",
    "文军",
    "福贵",
    "长江",
)
_FEMALE = (
    "桂兰",
    "秀英",
    "淑芬",
    "翠萍",
    "玉兰",
    "素珍",
    "小红",
    "丽",
    "春梅",
    "海燕",
    "秀琼",
    "明芳",
)
_REFERENCE_DAY = date(2026, 11, 1)  # ages are fixed to this day, not to the clock


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used = {p.id_number for p in FIXED_PEOPLE}

    def id_number(self, age: int, male: bool) -> str:
        rng = self.rng
        while True:
            birth = date(_REFERENCE_DAY.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
            region = OLD_REGION if birth.year < 1980 and rng.random() < 0.5 else REGION
            seq = rng.randrange(1 if male else 0, 999, 2)
            number = make_id_number(region, birth, seq)
            if number not in self.used:
                self.used.add(number)
                return number

    def name(self, surname: str, male: bool) -> str:
        return surname + self.rng.choice(_MALE if male else _FEMALE)

    def phone(self) -> str:
        return "1" + self.rng.choice("35789") + "".join(self.rng.choices("0123456789", k=9))

    def household(self, village: str, group: int, n: int) -> list[DemoPerson]:
        rng = self.rng
        hh = f"DZ-{village}-{group}-{n:03d}"
        surname = rng.choice(_SURNAMES)
        head_age = rng.randint(38, 90)
        dibao = rng.random() < 0.12
        kids = rng.choice((0, 1, 1, 2, 2, 3)) if head_age < 75 else rng.choice((0, 1))
        only_child = kids == 1 and rng.random() < 0.5
        people: list[tuple[str, int, bool, str, str | None]] = [
            ("head", head_age, True, self.name(surname, True), self.phone())
        ]
        if rng.random() < 0.85:
            wife_age = max(20, head_age - rng.randint(0, 6))
            people.append(
                ("spouse", wife_age, False, self.name(rng.choice(_SURNAMES), False), None)
            )
        for _ in range(kids):
            age = head_age - rng.randint(22, 32)
            if age >= 0:
                male = rng.random() < 0.5
                phone = self.phone() if age >= 18 else None
                people.append(("child", age, male, self.name(surname, male), phone))
        if head_age < 60 and rng.random() < 0.3:
            age = min(100, head_age + rng.randint(22, 30))
            male = rng.random() < 0.4
            people.append(("parent", age, male, self.name(surname, male), None))
        out = []
        for role, age, male, name, phone in people:
            flags = []
            if age >= 60 and rng.random() < 0.85:
                flags.append("resident_pension")
            if age >= 80 and rng.random() < 0.9:
                flags.append("elderly_allowance")
            if dibao:
                flags.append("dibao")
            if rng.random() < 0.04:
                flags.append("disability_card")
            if only_child and role in ("head", "spouse"):
                flags.append("only_child_parent")
            number = self.id_number(age, male)
            flags += _derived_flags(flags, age, male, number)
            out.append(DemoPerson(number, name, village, group, hh, role, phone, tuple(flags)))
        return out


def _derived_flags(flags: list[str], age: int, male: bool, number: str) -> list[str]:
    """The issue-16 flags, derived without drawing from the generator (so every person
    generated before them stays the same): adults hold a 社保卡, pensioners met the
    contribution years, older people without the resident pension draw the enterprise
    one, disabled people on 低保 get the living subsidy, and so on."""
    out = []
    if age >= 16:
        out.append("social_security_card")
    if "resident_pension" in flags:
        out.append("pension_contribution_met")
        if int(number[14:17]) % 3 == 0:  # a few named a beneficiary (issue 15; not 张德明)
            out.append("pension_beneficiary")
    elif age >= 60:
        out += ["enterprise_pension", "employee_medical_insurance"]
    if "disability_card" in flags:
        out.append("disability_care_subsidy")
        if "dibao" in flags or age < 60:
            out.append("disability_living_subsidy")
    if "only_child_parent" in flags and age >= 60:
        out.append("family_planning_support")
    if male and age >= 60 and int(number[14:17]) % 7 == 0:  # a few former soldiers
        out.append("special_care")
    return out


def demo_people(seed: int = DEMO_SEED) -> list[DemoPerson]:
    """The fixed demo people, then generated households for every village."""
    gen = _Generator(seed)
    people = list(FIXED_PEOPLE)
    for village in VILLAGES:
        for n in range(2, HOUSEHOLDS_PER_VILLAGE + 2):
            people.extend(gen.household(village, gen.rng.randint(1, 8), n))
    return people


def demo_document(seed: int = DEMO_SEED) -> dict[str, Any]:
    """The demo registry in the extract format of docs/registry.md."""
    residents = []
    for p in demo_people(seed):
        record: dict[str, Any] = {
            "id_number": p.id_number,
            "name": p.name,
            "village": p.village,
            "group": p.group,
            "household": p.household,
            "household_role": p.role,
            "flags": {flag: True for flag in p.flags},
            "demo": True,
        }
        if p.phone:
            record["phone"] = p.phone
        residents.append(record)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source_version": DEMO_SOURCE_VERSION,
        "demo": True,
        "note": "演示数据：虚构的居民，不是真人。Synthetic demo residents, not real people.",
        "sources": {name: f"{label}（演示数据）" for name, label in DEFAULT_SOURCES.items()},
        "residents": residents,
    }
