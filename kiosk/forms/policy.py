"""The district policy file: local parameters the forms refer to by name (issue 16).

Amounts, age limits, deadlines, contribution-year cohorts and the hall's desks differ by
district and year, so they do not live in the forms. ``policy.yaml`` beside the forms
holds each parameter once, with its value, unit, source and whether it is confirmed::

    district: 重庆市大足区
    version: 1
    parameters:
      funeral_grant_yuan:
        label: 城乡居民养老保险丧葬补助金
        value: 1000
        unit: 元
        source: 待查：区人力社保局现行标准
        confirmed: false

Forms use a parameter in an expression as ``policy('funeral_grant_yuan')`` (a function,
in the spirit of XForms' ``instance('…')``) and in any text as
``${policy:funeral_grant_yuan}``. ``kiosk forms check`` refuses an unknown name, naming
the file and the question. An unconfirmed number is never shown to a resident as a
promise: in resident texts it reads ``80周岁（以窗口核定为准）``, or only
``以窗口核定为准`` when the value is not known at all; staff (``kiosk forms show``, the
staff page) see the value marked 待核实.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.forms.loader import FormFileError, FormIssue, read_yaml, validation_issues
from kiosk.forms.policy_values import value_problem

POLICY_FILE = "policy.yaml"
UNCONFIRMED = "待核实"
# What a resident sees instead of an unconfirmed number (amount, age, days).
RESIDENT_UNCONFIRMED = "以窗口核定为准"
TEXT_REF = re.compile(r"\$\{policy:([^}]*)\}")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Keys whose values are expressions, not texts (they use policy('…') instead).
EXPRESSION_KEYS = frozenset({"relevant", "constraint", "calculation", "required"})

Scalar = int | float | str


class PolicyParameter(BaseModel):
    """One local parameter: its value, unit (元, 周岁, 天, 年, 名称, 电话), the document or
    URL it comes from, and whether that source was checked (false: 待核实)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    value: Scalar | list[dict[str, Scalar]] | None  # None: not known yet (confirmed: false)
    unit: str
    source: str
    confirmed: bool
    note: str | None = None
    # The whole sentence a resident reads instead of one naming this parameter while its
    # value is not known (None: "<label>以窗口告知为准").
    resident_fallback: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _no_yes_no(cls, value: object) -> object:
        if isinstance(value, bool):  # YAML true/false would pass as 1/0
            raise ValueError(f"a yes/no is not a parameter value (got {value!r})")
        return value

    @model_validator(mode="after")
    def _value_fits_unit(self) -> PolicyParameter:
        # The unit declares the value's type (kiosk.forms.policy_values).
        problem = value_problem(self.unit, self.value, self.confirmed)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float) and not isinstance(self.value, bool)

    def shown(self) -> str:
        """The value in words with its unit (a cohort table as its rows)."""
        if self.value is None:
            return "未定"
        if isinstance(self.value, list):
            return "；".join("，".join(f"{k}={v}" for k, v in row.items()) for row in self.value)
        unit = "" if self.unit in ("名称", "电话", "文字") else self.unit
        return f"{self.value}{unit}"


class Policy(BaseModel):
    """A district's policy file (versioned; the version goes up with every change)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    district: str
    version: int = Field(ge=1)
    effective: dt.date | None = None  # the day it applies from
    parameters: dict[str, PolicyParameter] = Field(default_factory=dict)

    def get(self, name: str) -> PolicyParameter:
        """The parameter ``name``; KeyError for an unknown one."""
        return self.parameters[name]

    def expression_value(self, name: str) -> object:
        """The value ``policy(name)`` gives an expression: int, Decimal or text.

        Raises KeyError for an unknown name and ValueError for a table (cohorts), which
        has no single value."""
        value = self.parameters[name].value
        if isinstance(value, list):
            raise ValueError(f"policy parameter '{name}' is a table, not one value")
        return Decimal(repr(value)) if isinstance(value, float) else value

    def resident_text(self, name: str) -> str:
        """How a resident reads the parameter: an unconfirmed number is not promised."""
        param = self.parameters[name]
        if param.confirmed or not (param.is_number or param.value is None):
            return param.shown()
        if param.value is None:
            return RESIDENT_UNCONFIRMED
        return f"{param.shown()}（{RESIDENT_UNCONFIRMED}）"

    def staff_text(self, name: str) -> str:
        param = self.parameters[name]
        return param.shown() if param.confirmed else f"{param.shown()}（{UNCONFIRMED}）"


EMPTY_POLICY = Policy(district="-", version=1)


def load_policy(path: Path) -> Policy:
    """Read a policy file; FormFileError naming the file and parameter on a problem."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise FormFileError([FormIssue(str(path), "-", "the policy file must hold a mapping")])
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        raise FormFileError(validation_issues(str(path), data, exc)) from exc
    bad = [n for n in policy.parameters if not NAME.match(n)]
    if bad:
        raise FormFileError(
            [FormIssue(str(path), n, "a parameter name is lower case a-z, 0-9, _") for n in bad]
        )
    return policy


def load_policy_sparing(path: Path) -> tuple[Policy | None, set[str], list[FormIssue]]:
    """Read a policy file as ``load_policy``, but a parameter with a bad value costs only
    itself: (the policy without the bad parameters, their names, the issues). None when
    the file is unusable beyond its parameters. So one bad value is reported once, not as
    an "unknown policy parameter" in every form that names some parameter."""
    try:
        return load_policy(path), set(), []
    except FormFileError as exc:
        issues = exc.issues
    data = read_yaml(path)
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        return None, set(), issues
    try:
        Policy.model_validate(data)
    except ValidationError as exc:
        locs = [e["loc"] for e in exc.errors()]
    else:
        locs = []
    bad = {str(loc[1]) for loc in locs if len(loc) > 1 and loc[0] == "parameters"}
    if not bad or any(loc[:1] != ("parameters",) for loc in locs):
        return None, set(), issues
    kept = {**data, "parameters": {k: v for k, v in params.items() if k not in bad}}
    try:
        policy = Policy.model_validate(kept)
    except ValidationError:
        return None, set(), issues
    return policy, bad, issues


def text_refs(data: Any, where: str = "") -> list[tuple[str, str]]:
    """Every ``${policy:name}`` in the texts of raw form data: (name, where) pairs, where
    is the enclosing question's name or '-'."""
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        here = str(data["name"]) if isinstance(data.get("name"), str) else where
        for key, value in data.items():
            if key not in EXPRESSION_KEYS:
                found.extend(text_refs(value, here))
    elif isinstance(data, list):
        for item in data:
            found.extend(text_refs(item, where))
    elif isinstance(data, str):
        found.extend((m.group(1), where or "-") for m in TEXT_REF.finditer(data))
    return found


def resolve_texts(data: Any, policy: Policy) -> Any:
    """Raw form data with every ``${policy:name}`` in its texts replaced as a resident
    reads it (unknown names are left for ``kiosk forms check`` to report)."""
    if isinstance(data, dict):
        return {k: v if k in EXPRESSION_KEYS else resolve_texts(v, policy) for k, v in data.items()}
    if isinstance(data, list):
        return [resolve_texts(item, policy) for item in data]
    if isinstance(data, str) and "${policy:" in data:
        return "".join(_resolve_sentence(s, policy) for s in SENTENCE_END.split(data))
    return data


_MARK_IN_BRACKETS = re.compile(r"（[^（）]{0,8}待核实）")
_MARK_IN_LIST = re.compile(r"[，、；]\s*[^，、；（）]{0,8}待核实(?=）)")


def for_residents(text: str | None) -> str:
    """A form text as residents read it (screens, print): the staff mark 待核实 (shown to
    staff by ``kiosk forms show``, the staff page and the docs) is dropped where it
    annotates ("（待核实）", "，待核实）"), and elsewhere reads "以窗口告知为准"; a text that
    is only the mark is empty."""
    if not text:
        return ""
    text = _MARK_IN_LIST.sub("", _MARK_IN_BRACKETS.sub("", text))
    if text.strip() == UNCONFIRMED:
        return ""
    return text.replace(UNCONFIRMED, "以窗口告知为准")


SENTENCE_END = re.compile(r"(?<=[。；！？\n])")


def _resolve_sentence(sentence: str, policy: Policy) -> str:
    """One sentence as a resident reads it. A sentence naming a parameter whose value is
    not known is replaced whole (its fallback, else "<label>以窗口告知为准"), so no broken
    sentence ("请在以窗口核定为准内申请") and no staff word (待核实) reaches a resident."""
    names = [m.group(1) for m in TEXT_REF.finditer(sentence)]
    unknown = [n for n in names if n in policy.parameters and policy.get(n).value is None]
    if unknown:
        param = policy.get(unknown[0])
        body = sentence.rstrip("。；！？\n")
        end = sentence[len(body) :] or ""
        fallback = param.resident_fallback or f"{param.label}以窗口告知为准"
        return fallback.rstrip("。；！？") + end

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        return policy.resident_text(name) if name in policy.parameters else m.group(0)

    return TEXT_REF.sub(one, sentence)


def find_policy(paths: list[Path], default_dir: Path) -> Path | None:
    """The policy file for a set of definition folders: the last folder given that has
    one (a department's draft folder overrides), else the shipped one."""
    for folder in reversed(paths):
        if folder.is_dir() and (folder / POLICY_FILE).is_file():
            return folder / POLICY_FILE
    shipped = default_dir / POLICY_FILE
    return shipped if shipped.is_file() else None


def load_form_with_policy(path: Path, policy: Policy) -> tuple[Any, list[tuple[str, str]]]:
    """Load a form file with its texts resolved against ``policy``; return the definition
    (policy attached) and the (name, question) of every ``${policy:…}`` in its texts.
    Raises FormFileError like kiosk.forms.loader.load_form_file."""
    from kiosk.forms.schema import FormDefinition

    data = read_yaml(path)
    if not isinstance(data, dict):
        raise FormFileError([FormIssue(str(path), "-", "the file must hold a mapping (id, ...)")])
    refs = text_refs(data)
    try:
        form = FormDefinition.model_validate(resolve_texts(data, policy))
    except ValidationError as exc:
        raise FormFileError(validation_issues(str(path), data, exc)) from exc
    return form, refs
