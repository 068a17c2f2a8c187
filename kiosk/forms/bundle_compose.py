"""Compose a bundle into one form, and split its answers back per form (pure functions).

The composed form asks the shared questions once, then one group per form whose
``relevant`` is that form's condition, holding the form's own questions under
``<key>__<name>`` (its expressions, prefill sources, choice lists, constants and
materials renamed to match), then the final shared questions. The engine and the
UI run it like any form; splitting gives each form the answers it expects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kiosk.forms.bundle import DERIVABLE, KEY_SEPARATOR, BundleDefinition, BundleForm
from kiosk.forms.engine import AnswerProblem, FormFill
from kiosk.forms.paths import BadPath, format_path, parse_path
from kiosk.forms.schema import FormDefinition, Material, Question, RoutingStep

_REF = re.compile(r"\$\{([^\W\d][\w.\-]*)\}")


class _Renamer:
    """How one form's names read inside the composed form."""

    def __init__(self, bf: BundleForm, form: FormDefinition) -> None:
        self.prefix = f"{bf.key}{KEY_SEPARATOR}"
        self.mapping = bf.mapping()
        self.repeats = bf.repeats
        self.derive = bf.derive
        self.form = form

    def name(self, name: str) -> str:
        return self.mapping.get(name) or self.prefix + name

    def expr(self, text: str | None) -> str | None:
        if text is None:
            return None
        return _REF.sub(lambda m: "${" + self.name(m.group(1)) + "}", text)

    def choices(self, choices: str | list[Any] | None) -> str | list[Any] | None:
        if isinstance(choices, str) and choices in self.form.choices:
            return self.prefix + choices
        return choices

    def questions(self, qs: list[Question]) -> list[Question]:
        out = []
        for q in qs:
            if q.name in self.mapping:
                continue  # asked once, as a shared question
            if q.name in self.derive:
                # Computed from the shared answers (over shared names: not renamed).
                out.append(
                    Question(
                        type="calculate",
                        name=self.prefix + q.name,
                        print_label=q.print_label or q.label,
                        calculation=self.derive[q.name],
                        result_type=DERIVABLE.get(q.type, "text"),  # type: ignore[arg-type]
                        relevant=self.expr(q.relevant),
                    )
                )
                continue
            children = self.questions(q.children) if q.children else []
            if q.children and not children:
                continue  # a group whose questions are all shared
            prefill = q.prefill
            if prefill is not None and prefill.source != "@resident":
                prefill = prefill.model_copy(update={"source": self.name(prefill.source)})
            required = self.expr(q.required) if isinstance(q.required, str) else q.required
            copy_items = q.copy_items
            spec = self.repeats.get(q.name)
            if spec is not None:
                # Items come from the shared repeat (shared names stay as they are).
                fields = {self.prefix + own: theirs for own, theirs in spec.fields.items()}
                copy_items = spec.model_copy(update={"fields": fields})
            label = q.label
            if q.type == "group" and label:
                # Page sections say which of the bundle's services a question is for.
                label = f"{self.form.short_title} · {label}"
            out.append(
                q.model_copy(
                    update={
                        "name": self.prefix + q.name,
                        "label": label,
                        "relevant": self.expr(q.relevant),
                        "constraint": self.expr(q.constraint),
                        "calculation": self.expr(q.calculation),
                        "required": required,
                        "choices": self.choices(q.choices),
                        "prefill": prefill,
                        "copy_items": copy_items,
                        "unique": [self.name(n) for n in q.unique],
                        "children": children,
                    }
                )
            )
        return out


def _both(when: str | None, relevant: str | None) -> str | None:
    if when and relevant:
        return f"({when}) and ({relevant})"
    return when or relevant


def compose(
    bundle: BundleDefinition, forms: Mapping[tuple[str, int], FormDefinition]
) -> FormDefinition:
    """The bundle as one form (``bundle.<id>``); ``forms`` must hold every pinned version."""
    questions = list(bundle.questions)
    choices = dict(bundle.choices)
    constants: dict[str, int | float | str] = {}
    materials: list[Material] = []
    for bf in bundle.forms:
        form = forms[(bf.form, bf.version)]
        r = _Renamer(bf, form)
        children = r.questions(form.questions)
        if children:
            questions.append(
                Question(
                    type="group",
                    name=bf.key,
                    label=form.short_title,
                    relevant=bf.when,
                    children=children,
                )
            )
        choices.update({r.prefix + name: items for name, items in form.choices.items()})
        constants.update({r.prefix + name: value for name, value in form.constants.items()})
        for m in form.materials:
            relevant = _both(bf.when, r.expr(m.relevant))
            materials.append(m.model_copy(update={"id": r.prefix + m.id, "relevant": relevant}))
    questions.extend(bundle.final_questions)
    composed = FormDefinition(
        id=bundle.id,  # replaced below: the catalogue id has a dot no form id may have
        version=bundle.version,
        title=bundle.title,
        short_title=bundle.short_title,
        description=bundle.description,
        department="便民服务中心",
        subject=bundle.subject,
        applicant=bundle.applicant,
        duplicate_key=bundle.duplicate_key,
        names=bundle.names,
        routing=[RoutingStep(step="intake", desk="帮办台", does="一次问完，分送各部门办理")],
        materials=materials,
        choices=choices,
        questions=questions,
        constants=constants,
    )
    members = [forms[(bf.form, bf.version)] for bf in bundle.forms]
    policy = next((f.policy for f in members if f.policy is not None), None)
    names = frozenset(n for f in members for n in f.policy_names)
    return composed.model_copy(update={"id": bundle.form_id}).with_policy(policy, names)


def applicable(bundle: BundleDefinition, fill: FormFill) -> list[BundleForm]:
    """The bundle's forms whose condition holds on the composed answers right now."""
    return [bf for bf in bundle.forms if not bf.when or fill.holds(bf.when)]


def _unprefix(value: Any, prefix: str) -> Any:
    """Repeat items (nested ones too) with the form's own names again."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return [
            {k.removeprefix(prefix): _unprefix(v, prefix) for k, v in item.items()}
            for item in value
        ]
    return value


def split_answers(bf: BundleForm, answers: Mapping[str, Any]) -> dict[str, Any]:
    """One form's answers out of the composed answers (shared ones under the form's names)."""
    prefix = f"{bf.key}{KEY_SEPARATOR}"
    out: dict[str, Any] = {}
    for form_name, shared_name in bf.mapping().items():
        if shared_name in answers:
            out[form_name] = answers[shared_name]
    for name, value in answers.items():
        if name.startswith(prefix):
            out[name.removeprefix(prefix)] = _unprefix(value, prefix)
    return out


def split_marks(bf: BundleForm, marks: Mapping[str, Any]) -> dict[str, str]:
    """One form's prefill marks out of the composed form's ({path: {"label": ...}}), by the
    form's own paths: ``{path: label}`` (a shared answer's mark under the form's name, the
    form's own answers with the prefix dropped; a shared list's items are left out)."""
    prefix = f"{bf.key}{KEY_SEPARATOR}"
    by_shared: dict[str, list[str]] = {}
    for form_name, shared_name in bf.mapping().items():
        by_shared.setdefault(shared_name, []).append(form_name)
    out: dict[str, str] = {}
    for path, mark in marks.items():
        label = str(mark.get("label") or "") if isinstance(mark, Mapping) else str(mark)
        try:
            name, inst = parse_path(path)
        except BadPath:
            continue
        if not label:
            continue
        if not inst:
            for form_name in by_shared.get(name, []):
                out[form_name] = label
            if name.startswith(prefix):
                out[name.removeprefix(prefix)] = label
        elif name.startswith(prefix) and all(r.startswith(prefix) for r, _ in inst):
            own = tuple((r.removeprefix(prefix), i) for r, i in inst)
            out[format_path(name.removeprefix(prefix), own)] = label
    return out


def composed_path(bf: BundleForm, path: str) -> str:
    """A form's answer path (``heirs[1].heir_id``) as the composed form names it."""
    prefix = f"{bf.key}{KEY_SEPARATOR}"
    try:
        name, inst = parse_path(path)
    except BadPath:
        return bf.mapping().get(path) or prefix + path
    if not inst:
        return bf.mapping().get(name) or prefix + name
    return format_path(prefix + name, tuple((prefix + r, i) for r, i in inst))


def composed_problems(bf: BundleForm, problems: list[AnswerProblem]) -> list[AnswerProblem]:
    """A form's problems, pointing at the composed form's pages."""
    return [AnswerProblem(composed_path(bf, p.path), p.label, p.problem) for p in problems]
