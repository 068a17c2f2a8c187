"""Typed form definitions, loaded from YAML data files.

The vocabulary follows XLSForm (type, name, label, hint, required, relevant,
constraint, constraint_message, calculation, choices, groups, repeats) so that
people who know ODK feel at home. On top of it each form declares what the hall
needs: department, routing steps inside the hall, materials to bring,
eligibility notes, print sections and prefill sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

QuestionType = Literal[
    "text",
    "number",
    "decimal",
    "money",
    "date",
    "select_one",
    "select_multiple",
    "yes_no",
    "id_number",
    "phone",
    "bank_account",
    "village",
    "relationship",
    "signature",
    "note",
    "calculate",
    "group",
    "repeat",
]

# Types that hold no answer of their own.
CONTAINER_TYPES = frozenset({"group", "repeat"})
NO_VALUE_TYPES = frozenset({"note", "group"})
# Types whose answer is picked from a choice list; these two use a shared list.
CHOICE_TYPES = frozenset({"select_one", "select_multiple", "village", "relationship"})
SHARED_LIST_FOR_TYPE = {"village": "villages", "relationship": "relationship"}

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Choice(_Strict):
    value: str
    label: str
    hint: str | None = None
    # For a village: how many 村民小组 it has (组 1 … groups), from the reference data;
    # None where the list does not say (then any group from 1 is taken).
    groups: int | None = Field(default=None, ge=1)


class Prefill(_Strict):
    """Where a prefilled answer comes from, so the resident confirms rather than types it.

    ``source`` is the ``name`` of an id_number question in the same form, or
    ``@resident`` for the person identified at the start. ``field`` is what to
    take: from the ID number itself (birth_date, sex, age, region_name) or from
    the registry (name, village, phone, household, flags.<flag>).
    """

    source: str = Field(alias="from")
    field: str


class CopyItems(_Strict):
    """A repeat whose items are another repeat's items (a bundle's household asked once).

    ``source`` names a top-level repeat; each of its items for which ``where`` holds (an
    expression over that item's fields; every item when absent) becomes one item here,
    with ``fields`` ({this repeat's field: the source's field}) copied over and kept in
    step as the source changes (kiosk.forms.copy_items). The other fields of an item are
    asked per item, and kept with the item while the person it copies stays.
    """

    source: str = Field(alias="from", pattern=NAME_PATTERN)
    where: str | None = None
    fields: dict[str, str] = Field(min_length=1)


class Question(_Strict):
    type: QuestionType
    name: str = Field(pattern=NAME_PATTERN)
    label: str = ""
    hint: str | None = None
    # Read aloud instead of the label when the label has symbols that speak badly.
    speak: str | None = None
    # The noun an official paper form uses (姓名, 公民身份号码); the print and error
    # messages use it, the screen keeps the spoken question (label).
    print_label: str | None = None
    required: bool | str = False
    required_message: str | None = None
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: str | None = None
    constraint_message_en: str | None = None
    calculation: str | None = None
    # calculate: the value type of the result (ODK's bind::type); inferred when absent.
    result_type: Literal["integer", "decimal", "money", "yes_no", "date", "text"] | None = None
    choices: str | list[Choice] | None = None
    prefill: Prefill | None = None
    # number: bounds checked before any constraint.
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    # village: also ask the 组 (村民小组) number.
    with_group: bool = False
    # repeat: how many items, and how one item is titled ("第{n}位继承人").
    min_items: int = 0
    max_items: int | None = None
    item_label: str | None = None
    # repeat: items copied from another repeat (bundles; kiosk.forms.copy_items).
    copy_items: CopyItems | None = None
    # id_number: offer the people the case already holds (the subject's household in the
    # register, the people named in the answers' lists) to pick with one touch; the
    # number is copied with its source and checked like a typed one (kiosk.ui.known_people).
    pick_known_person: bool = False
    # repeat: child questions whose answer may appear in one item only (XLSForm writes
    # this as a constraint over the repeat): the same person twice among the heirs is
    # refused with ``unique_message`` (kiosk.forms.repeat_rules). ``unique: heir_id``.
    unique: list[str] = Field(default_factory=list)
    unique_message: str | None = None
    children: list[Question] = Field(default_factory=list)

    @field_validator("unique", mode="before")
    @classmethod
    def _one_name_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _shape_fits_type(self) -> Question:
        if self.type in CONTAINER_TYPES and not self.children:
            raise ValueError(f"a {self.type} needs children")
        if self.type not in CONTAINER_TYPES and self.children:
            raise ValueError(f"a {self.type} question cannot have children")
        if self.type == "calculate" and not self.calculation:
            raise ValueError("a calculate question needs a calculation")
        if self.copy_items is not None and self.type != "repeat":
            raise ValueError("only a repeat can copy items from another repeat")
        if self.unique and self.type != "repeat":
            raise ValueError("only a repeat can ask for unique answers across its items")
        unknown = [n for n in self.unique if n not in {c.name for c in self.children}]
        if unknown:
            raise ValueError(f"unique names no question of this repeat: {', '.join(unknown)}")
        if self.pick_known_person and self.type != "id_number":
            raise ValueError("only an id_number question can offer known people to pick")
        if self.result_type and self.type != "calculate":
            raise ValueError("only a calculate question has a result_type")
        if self.type in ("select_one", "select_multiple") and self.choices is None:
            raise ValueError(f"a {self.type} question needs choices (a list or a list name)")
        if self.type not in ("note", "calculate", "group") and not self.label.strip():
            raise ValueError("a question needs a label (the question as a person would ask it)")
        return self

    @property
    def holds_value(self) -> bool:
        return self.type not in NO_VALUE_TYPES

    @property
    def choice_list_name(self) -> str | None:
        if isinstance(self.choices, str):
            return self.choices
        return SHARED_LIST_FOR_TYPE.get(self.type)


class Material(_Strict):
    id: str = Field(pattern=NAME_PATTERN)
    label: str
    copies: str | None = None  # "原件" / "复印件1份"
    relevant: str | None = None


class RoutingStep(_Strict):
    """One desk the paper visits inside the hall (循环受理).

    Each step prints an approval section: ``approval`` is its title as the official form
    has it (村（居）委会意见, 乡镇审核意见; default "<desk>意见"), ``roles`` the people who
    sign in it, beside a 公章 box; ``approval: false`` prints none (a desk that only hands
    out a certificate)."""

    step: str = Field(pattern=NAME_PATTERN)
    desk: str
    does: str
    approval: str | bool = True
    roles: list[str] = Field(default_factory=lambda: ["经办人", "负责人"])


class PrintSection(_Strict):
    title: str
    questions: list[str]


class PrintSigner(_Strict):
    """A signature box on the print: who signs (申请人, 代办人, 监护人), the question
    holding their name, and the touch signature question drawn into the box. The box is
    printed when the name was answered (a 代办人 box only when someone acted for the
    resident)."""

    role: str
    name: str
    signature: str | None = None
    # A repeat whose every item signs on paper (每个成年家庭成员签字): one box per item,
    # named by the item's ``name`` answer; ``signature`` must then be absent.
    repeat: str | None = None


class Migration(_Strict):
    """How a draft of an older version becomes a draft of this version."""

    from_version: int
    rename: dict[str, str] = Field(default_factory=dict)
    drop: list[str] = Field(default_factory=list)


class PersonNames(_Strict):
    """Which questions hold the applicant's and the subject's names (for lists and print)."""

    applicant: str | None = None
    subject: str | None = None


class SensitiveData(_Strict):
    """Sensitive personal information a form collects (PIPL Art. 28), consented to separately
    (Art. 29) before the first question: its category in words, the questions holding it,
    and why the office needs it (said to the resident; docs/privacy.md)."""

    category: str  # 金融账户 / 健康状况 / 残疾情况 / 低保和家庭经济状况 ...
    questions: list[str] = Field(min_length=1)
    why: str


class LegalBasis(_Strict):
    """One document a form rests on: its number (国发〔2014〕8号), title, and the article."""

    number: str
    title: str
    article: str | None = None
    url: str | None = None


class ResidentTimeLimit(_Strict):
    """The resident's deadline in words (老人去世后一个月内注销户口) and, optionally, the
    policy parameter holding it in days (``days: hukou_cancel_days``)."""

    text: str
    days: str | None = None


class TimeLimit(_Strict):
    resident: ResidentTimeLimit
    office: str  # the office's promised time (受理后20个工作日内办结)


class Complaint(_Strict):
    """Where a resident complains: the line's name and phone (may be ``${policy:…}``)."""

    name: str
    phone: str


class FormRules(_Strict):
    """What every official 办事指南 states (issue 16): legal basis, time limits, fee,
    complaint line and the office that decides."""

    legal_basis: list[LegalBasis] = Field(min_length=1)
    time_limit: TimeLimit
    fee: str
    complaint: Complaint
    deciding_office: str


def _names(qs: list[Question]) -> set[str]:
    out: set[str] = set()
    for q in qs:
        out.add(q.name)
        out |= _names(q.children)
    return out


class FormDefinition(_Strict):
    id: str = Field(pattern=NAME_PATTERN)
    version: int = Field(ge=1)
    title: str
    short_title: str
    description: str
    department: str
    # The question naming whom the case is about (the deceased, the applicant ...).
    subject: str
    # The question holding the applicant's ID number (who signs, who looks the case up).
    applicant: str
    # Answers that, with the subject, tell two claims apart (kiosk.services.duplicates):
    # a parent applying for twins makes two claims, told apart by the child's name and
    # birth date. Empty: one claim per subject.
    duplicate_key: list[str] = Field(default_factory=list)
    names: PersonNames = Field(default_factory=PersonNames)
    eligibility: list[str] = Field(default_factory=list)
    routing: list[RoutingStep] = Field(min_length=1)
    materials: list[Material] = Field(default_factory=list)
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
    questions: list[Question] = Field(min_length=1)
    print_sections: list[PrintSection] = Field(default_factory=list, alias="print")
    # The official title on paper (…申请表); the screen keeps ``title``.
    print_title: str | None = None
    # A 照片粘贴处 box with this caption ("申请人近期一寸免冠彩色照片"), when photos are asked.
    print_photo: str | None = None
    print_signers: list[PrintSigner] = Field(default_factory=list)
    migrations: list[Migration] = Field(default_factory=list)
    # Free-standing values the expressions may use (thresholds), e.g. {min_age: 80}.
    constants: dict[str, int | float | str] = Field(default_factory=dict)
    sensitive: list[SensitiveData] = Field(default_factory=list)
    rules: FormRules | None = None
    # Set by the catalogue: the district policy the form was loaded with, and the policy
    # parameters its texts and expressions name (kiosk.forms.policy).
    _policy: Any = PrivateAttr(default=None)
    _policy_names: frozenset[str] = PrivateAttr(default=frozenset())

    def claim_identity(self, answers: Mapping[str, Any]) -> str | None:
        """Who and what a claim is about, for the duplicate check: the subject's ID number,
        then each ``duplicate_key`` answer ("5001…|小明|2026-10-02"); None without a
        subject. Text is trimmed, so a stray space does not make a second claim."""
        subject = answers.get(self.subject)
        if not subject:
            return None
        parts = [str(subject)]
        parts += [str(answers.get(name) or "").strip() for name in self.duplicate_key]
        return "|".join(parts)

    @property
    def policy(self) -> Any:
        """The kiosk.forms.policy.Policy this definition was loaded with (or None)."""
        return self._policy

    @property
    def policy_names(self) -> frozenset[str]:
        """The policy parameters this form names, in texts or expressions."""
        return self._policy_names

    def with_policy(self, policy: Any, names: frozenset[str]) -> FormDefinition:
        """Attach the policy (done once by the catalogue loader); returns self."""
        self._policy = policy
        self._policy_names = names
        return self

    @model_validator(mode="after")
    def _sensitive_questions_exist(self) -> FormDefinition:
        known = _names(self.questions)
        for item in self.sensitive:
            missing = [q for q in item.questions if q not in known]
            if missing:
                raise ValueError(f"sensitive {item.category}: unknown question(s) {missing}")
        return self

    @field_validator("choices")
    @classmethod
    def _choice_values_unique(cls, lists: dict[str, list[Choice]]) -> dict[str, list[Choice]]:
        for name, items in lists.items():
            values = [c.value for c in items]
            if len(values) != len(set(values)):
                raise ValueError(f"choice list '{name}' repeats a value")
        return lists

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)
