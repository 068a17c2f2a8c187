"""Life-event bundles (家人去世): several forms, their shared questions asked once.

A bundle file lists the forms (pinned to a version), the questions they share
(``questions`` asked first, ``final_questions`` asked last, e.g. the signature),
how each form's question names map onto the shared ones, and when each form
applies. :mod:`kiosk.forms.bundle_compose` turns a bundle into one ordinary
FormDefinition so the engine, the services and the UI run it like any form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.forms.checks import walk
from kiosk.forms.expr import ExprSyntaxError, compile_expression
from kiosk.forms.loader import FormFileError, FormIssue, read_yaml, validation_issues
from kiosk.forms.schema import (
    CHOICE_TYPES,
    NAME_PATTERN,
    Choice,
    CopyItems,
    FormDefinition,
    PersonNames,
    Question,
)

# Composed bundle forms are catalogued as "bundle.<bundle id>"; no real form id has a dot.
BUNDLE_FORM_PREFIX = "bundle."
KEY_SEPARATOR = "__"
# Question types a bundle may derive, and the calculation's value type for each.
DERIVABLE = {
    "select_one": "text",
    "text": "text",
    "yes_no": "yes_no",
    "integer": "integer",
    "number": "decimal",
    "money": "money",
    "date": "date",
}

_Add = Callable[[str, str], None]  # reports (question, message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class BundleForm(_Strict):
    """One form of the bundle and how it joins the shared questions."""

    form: str = Field(pattern=NAME_PATTERN)
    version: int = Field(ge=1)
    # Prefix of this form's own questions in the composed form ("pension" → pension__heirs).
    key: str = Field(pattern=r"^[a-z][a-z0-9]*$")
    # When the form applies, over the shared questions; always when absent.
    when: str | None = None
    # The condition in words, for the "what will be done" page.
    why: str | None = None
    # Form questions answered by the shared question of the same name ...
    same: list[str] = Field(default_factory=list)
    # ... or of another name: {form question: shared question}.
    rename: dict[str, str] = Field(default_factory=dict)
    # Form repeats filled from a shared repeat: {form repeat: {from: shared repeat,
    # where: which items (over the shared item's fields), fields: {form field: shared}}}.
    repeats: dict[str, CopyItems] = Field(default_factory=dict)
    # Form answers computed from shared ones: {form question: expression over the shared
    # questions}, e.g. payout: "if(${pay_to_social_security_card}, 'sscard', 'bank')" when
    # the forms ask one thing two ways; not asked, frozen as the form's answer.
    derive: dict[str, str] = Field(default_factory=dict)

    def mapping(self) -> dict[str, str]:
        """Form question name → shared question name."""
        return {name: name for name in self.same} | dict(self.rename)


class BundleDefinition(_Strict):
    id: str = Field(pattern=NAME_PATTERN)
    version: int = Field(ge=1)
    title: str
    short_title: str
    description: str
    subject: str
    applicant: str
    # Shared answers telling two claims about one subject apart (FormDefinition.duplicate_key).
    duplicate_key: list[str] = Field(default_factory=list)
    names: PersonNames = Field(default_factory=PersonNames)
    choices: dict[str, list[Choice]] = Field(default_factory=dict)
    questions: list[Question] = Field(min_length=1)
    final_questions: list[Question] = Field(default_factory=list)
    forms: list[BundleForm] = Field(min_length=1)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def form_id(self) -> str:
        """The id of the composed form the engine runs."""
        return f"{BUNDLE_FORM_PREFIX}{self.id}"

    def shared_questions(self) -> dict[str, Question]:
        return {q.name: q for q, _ in walk([*self.questions, *self.final_questions])}


def load_bundle_file(path: Path, policy: Any = None) -> BundleDefinition:
    """Parse a bundle file; its texts' ``${policy:name}`` are resolved against ``policy``
    (kiosk.forms.policy.Policy), an unknown name is a FormFileError."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise FormFileError([FormIssue(str(path), "-", "the file must hold a mapping (id, ...)")])
    if policy is not None:
        from kiosk.forms.policy import resolve_texts, text_refs

        unknown = [(n, q) for n, q in text_refs(data) if n not in policy.parameters]
        if unknown:
            raise FormFileError(
                [
                    FormIssue(str(path), q, f"text: unknown policy parameter '{n}'")
                    for n, q in unknown
                ]
            )
        data = resolve_texts(data, policy)
    try:
        return BundleDefinition.model_validate(data)
    except ValidationError as exc:
        raise FormFileError(validation_issues(str(path), data, exc)) from exc


def check_bundle(
    bundle: BundleDefinition,
    file: str,
    forms: Mapping[tuple[str, int], FormDefinition],
    shared_lists: Mapping[str, list[Choice]],
) -> list[FormIssue]:
    """Every form exists, every mapped name exists on both sides and fits, conditions compile."""
    issues: list[FormIssue] = []

    def add(question: str, message: str) -> None:
        issues.append(FormIssue(file, question, message))

    shared = bundle.shared_questions()
    for name in shared:
        if KEY_SEPARATOR in name:
            add(name, f"shared question names may not contain '{KEY_SEPARATOR}'")
    top = {q.name for q, r in walk([*bundle.questions, *bundle.final_questions]) if r is None}
    for name in bundle.duplicate_key:
        if name not in top or not shared[name].holds_value or shared[name].type == "repeat":
            add("-", f"duplicate_key: '{name}' is not a shared top-level answer")
    keys = [bf.key for bf in bundle.forms]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        add("-", f"forms: key '{key}' is used twice")
    labels: dict[str, tuple[str, str]] = {}
    for bf in bundle.forms:
        where = f"forms.{bf.key}"
        form = forms.get((bf.form, bf.version))
        if form is None:
            add("-", f"{where}: no form {bf.form} version {bf.version} in the catalogue")
            continue
        if bf.when:
            _check_condition(bf.when, set(shared), f"{where}.when", add)
        _check_mapping(bf, form, shared, bundle, shared_lists, add)
        _check_repeats(bf, form, bundle, shared_lists, add)
        _check_derived(bf, form, set(shared), add)
        for m in form.materials:
            seen = labels.setdefault(m.id, (m.label, form.id))
            if seen[0] != m.label:
                add(
                    "-",
                    f"material '{m.id}' has another label in {seen[1]} than in {form.id}; "
                    "the combined materials list would show it twice",
                )
    return issues


def _check_condition(text: str, shared: set[str], what: str, add: _Add) -> None:
    try:
        expr = compile_expression(text)
    except ExprSyntaxError as exc:
        add("-", f"{what}: {exc}")
        return
    for ref in sorted(expr.references - shared):
        add("-", f"{what}: ${{{ref}}} is not a shared question")


def _check_mapping(
    bf: BundleForm,
    form: FormDefinition,
    shared: Mapping[str, Question],
    bundle: BundleDefinition,
    shared_lists: Mapping[str, list[Choice]],
    add: _Add,
) -> None:
    in_repeat = {q.name for q, repeat in walk(form.questions) if repeat is not None}
    own = {q.name: q for q, _ in walk(form.questions)}
    for form_name, shared_name in bf.mapping().items():
        where = f"forms.{bf.key}: {form_name}"
        target = own.get(form_name)
        source = shared.get(shared_name)
        if target is None:
            add(shared_name, f"{where}: not a question of {form.id} v{form.version}")
            continue
        if source is None:
            add(form_name, f"{where}: '{shared_name}' is not a shared question")
            continue
        if form_name in in_repeat or target.type in ("group", "repeat", "calculate"):
            # Notes may be shared too: a declaration said once for every form.
            add(shared_name, f"{where}: only top-level answers and notes can be shared")
            continue
        if (source.type, source.with_group) != (target.type, target.with_group):
            add(
                shared_name,
                f"{where}: shared question is a {source.type}, the form's is a {target.type}",
            )
            continue
        if source.type in CHOICE_TYPES:
            ours = _choice_values(source, bundle.choices, shared_lists)
            theirs = _choice_values(target, form.choices, shared_lists)
            if not ours <= theirs:
                extra = ", ".join(sorted(ours - theirs))
                add(shared_name, f"{where}: choices {extra} are not choices of the form")


def _check_derived(bf: BundleForm, form: FormDefinition, shared: set[str], add: _Add) -> None:
    """A derived answer is a top-level question of the form (not also shared) whose
    expression reads only shared questions. Its value is checked as the form's answer
    when each case is validated, like any answer."""
    own = {q.name: (q, r) for q, r in walk(form.questions)}
    for name, text in bf.derive.items():
        where = f"forms.{bf.key}.derive.{name}"
        q, repeat = own.get(name, (None, None))
        if q is None or repeat is not None or not q.holds_value or q.type in ("repeat",):
            add(name, f"{where}: not a top-level answer of {form.id} v{form.version}")
            continue
        if name in bf.mapping():
            add(name, f"{where}: also shared ('same'/'rename')")
        if q.type not in DERIVABLE:
            add(name, f"{where}: a {q.type} cannot be derived")
        _check_condition(text, shared, where, add)


def _check_repeats(
    bf: BundleForm,
    form: FormDefinition,
    bundle: BundleDefinition,
    shared_lists: Mapping[str, list[Choice]],
    add: _Add,
) -> None:
    """Each shared repeat mapping names a top-level repeat on both sides, fields of those
    repeats themselves of the same type (and choices), and a ``where`` over the shared
    repeat's item (and the shared top-level questions)."""
    shared_where = {q.name: r for q, r in walk([*bundle.questions, *bundle.final_questions])}
    shared = bundle.shared_questions()
    own_where = {q.name: r for q, r in walk(form.questions)}
    own = {q.name: q for q, _ in walk(form.questions)}
    for form_repeat, spec in bf.repeats.items():
        where = f"forms.{bf.key}.repeats.{form_repeat}"
        target, source = own.get(form_repeat), shared.get(spec.source)
        if target is None or target.type != "repeat" or own_where.get(form_repeat):
            add(form_repeat, f"{where}: not a top-level repeat of {form.id} v{form.version}")
            continue
        if source is None or source.type != "repeat" or shared_where.get(spec.source):
            add(spec.source, f"{where}: '{spec.source}' is not a shared top-level repeat")
            continue
        if form_repeat in bf.mapping():
            add(form_repeat, f"{where}: also shared as a whole ('same'/'rename')")
        theirs = {c.name: c for c in source.children}
        mine = {c.name: c for c in target.children}
        for own_field, shared_field in spec.fields.items():
            what = f"{where}: {own_field}"
            t, s = mine.get(own_field), theirs.get(shared_field)
            if t is None or not t.holds_value or t.type == "repeat":
                add(own_field, f"{what}: not a field of the repeat '{form_repeat}'")
            elif s is None or not s.holds_value or s.type == "repeat":
                add(shared_field, f"{what}: '{shared_field}' is not a field of '{spec.source}'")
            elif (s.type, s.with_group) != (t.type, t.with_group):
                add(shared_field, f"{what}: shared field is a {s.type}, the form's is a {t.type}")
            elif s.type in CHOICE_TYPES:
                extra = _choice_values(s, bundle.choices, shared_lists) - _choice_values(
                    t, form.choices, shared_lists
                )
                if extra:
                    listed = ", ".join(sorted(extra))
                    add(shared_field, f"{what}: choices {listed} are not the form's")
        if spec.where:
            allowed = set(theirs) | {n for n, r in shared_where.items() if r is None}
            _check_condition(spec.where, allowed, f"{where}.where", add)
        if source.max_items is None or (
            target.max_items is not None and source.max_items > target.max_items
        ):
            add(
                form_repeat,
                f"{where}: '{spec.source}' allows more items ({source.max_items or 'any'}) "
                f"than the form's repeat ({target.max_items})",
            )


def _choice_values(
    q: Question, own: Mapping[str, list[Choice]], shared_lists: Mapping[str, list[Choice]]
) -> set[str]:
    if isinstance(q.choices, list):
        return {c.value for c in q.choices}
    name = q.choice_list_name or ""
    return {c.value for c in (own.get(name) or shared_lists.get(name, []))}
