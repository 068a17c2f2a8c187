"""Semantic checks of a loaded form: every reference resolves, every expression compiles.

The schema (pydantic) checks each piece in isolation; this module checks how the
pieces refer to one another, which is where hand-written forms usually break.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from kiosk.forms.expr import Call, ExprSyntaxError, compile_expression, policy_names
from kiosk.forms.expr import walk as walk_expr
from kiosk.forms.loader import FormIssue
from kiosk.forms.model import FormModel, indexed_repeat_problems, loose_repeat_refs, model_of
from kiosk.forms.schema import Choice, FormDefinition, Question

ID_FIELDS = frozenset({"id_number", "birth_date", "sex", "age", "region_name", "region_code"})
REGISTRY_FIELDS = frozenset({"name", "village", "phone", "household", "household_head", "gender"})


def walk(
    questions: list[Question], parent: Question | None = None
) -> Iterator[tuple[Question, Question | None]]:
    """Every question in document order with its nearest repeat (or None)."""
    for q in questions:
        yield q, parent
        if q.children:
            yield from walk(q.children, q if q.type == "repeat" else parent)


def check_form(
    form: FormDefinition, file: str, shared_lists: Mapping[str, list[Choice]]
) -> list[FormIssue]:
    issues: list[FormIssue] = []

    def add(question: str, message: str) -> None:
        issues.append(FormIssue(file, question, message))

    names: dict[str, Question] = {}
    repeat_of: dict[str, str | None] = {}
    for q, repeat in walk(form.questions):
        if q.name in names:
            add(q.name, "the name is used twice; every question needs its own name")
        names[q.name] = q
        repeat_of[q.name] = repeat.name if repeat else None
    known = set(names) | set(form.constants)

    def check_expr(question: str, what: str, text: str | None) -> None:
        if not text:
            return
        try:
            expr = compile_expression(text)
        except ExprSyntaxError as exc:
            add(question, f"{what}: {exc}")
            return
        for ref in sorted(expr.references - known):
            add(question, f"{what}: unknown reference ${{{ref}}}")

    for q, _repeat in walk(form.questions):
        if q.type == "calculate" and not (q.label.strip() or (q.print_label or "").strip()):
            add(q.name, "a calculation needs a label: its value is printed and checked with it")
        check_expr(q.name, "relevant", q.relevant)
        check_expr(q.name, "constraint", q.constraint)
        check_expr(q.name, "calculation", q.calculation)
        if isinstance(q.required, str):
            check_expr(q.name, "required", q.required)
        list_name = q.choice_list_name
        if list_name and list_name not in form.choices and list_name not in shared_lists:
            add(q.name, f"choices: unknown choice list '{list_name}'")
        _check_choices(q, form, shared_lists, add)
        if q.prefill:
            _check_prefill(q, names, add)
        if q.constraint and not q.constraint_message:
            add(q.name, "constraint without constraint_message (say in words what is wrong)")

    for section in form.print_sections:
        for name in section.questions:
            if name not in names:
                add(name, f"print section '{section.title}': unknown question")
            elif names[name].type == "calculate" and not (
                names[name].label or names[name].print_label
            ):
                add(name, "a printed calculation needs a label (the words before its value)")
    for signer in form.print_signers:
        if signer.repeat is not None:
            _check_repeat_signer(form, signer.repeat, signer.name, signer.signature, add)
            continue
        for ref in (signer.name, signer.signature or signer.name):
            if ref not in names:
                add(ref, f"print signer '{signer.role}': unknown question")
        sig = names.get(signer.signature or "")
        if sig is not None and sig.type != "signature":
            add(sig.name, f"print signer '{signer.role}': not a signature question")
    for material in form.materials:
        check_expr(material.id, "material relevant", material.relevant)
    for role in ("subject", "applicant"):
        target = getattr(form, role)
        if target not in names:
            add("-", f"{role}: unknown question '{target}'")
        elif names[target].type != "id_number" or repeat_of[target]:
            add(target, f"{role} must name a top-level id_number question")
    for name in form.duplicate_key:
        if name not in names:
            add("-", f"duplicate_key: unknown question '{name}'")
        elif not names[name].holds_value or names[name].type == "repeat" or repeat_of[name]:
            add(name, "duplicate_key must name top-level answers")
    for role, target in (("applicant", form.names.applicant), ("subject", form.names.subject)):
        if target and target not in names:
            add("-", f"names.{role}: unknown question '{target}'")
    for migration in form.migrations:
        if migration.from_version >= form.version:
            add(
                "-",
                f"migration from version {migration.from_version} is not older than "
                f"this version {form.version}",
            )
        for new in migration.rename.values():
            if new not in names:
                add(
                    new,
                    f"migration from version {migration.from_version}: rename target "
                    "is not a question of this version",
                )
    if not issues:
        issues.extend(_check_model(form, file))
    return issues


def check_policy_use(
    form: FormDefinition, file: str, text_refs: list[tuple[str, str]], policy: Any
) -> list[FormIssue]:
    """Every policy parameter the form names exists in the district policy: in texts
    (``${policy:name}``), in expressions (``policy('name')``) and as its deadline's
    ``days``. Attaches the policy and the names to the form (kiosk.forms.policy)."""
    issues: list[FormIssue] = []
    known = policy.parameters
    used: set[str] = set()
    for name, where in text_refs:
        used.add(name)
        if name not in known:
            issues.append(FormIssue(file, where, f"text: unknown policy parameter '{name}'"))
    for q, what, text in _expressions(form):
        try:
            root = compile_expression(text).root
        except ExprSyntaxError:
            continue  # reported by check_form
        for name in sorted(policy_names(root)):
            used.add(name)
            if name not in known:
                issues.append(FormIssue(file, q, f"{what}: unknown policy parameter '{name}'"))
            elif isinstance(known[name].value, list):
                issues.append(FormIssue(file, q, f"{what}: policy parameter '{name}' is a table"))
    days = form.rules.time_limit.resident.days if form.rules else None
    if days:
        used.add(days)
        if days not in known:
            issues.append(
                FormIssue(file, "-", f"rules.time_limit: unknown policy parameter '{days}'")
            )
    form.with_policy(policy, frozenset(used))
    return issues


def _expressions(form: FormDefinition) -> Iterator[tuple[str, str, str]]:
    for q, _repeat in walk(form.questions):
        for what, text in (
            ("relevant", q.relevant),
            ("constraint", q.constraint),
            ("calculation", q.calculation),
            ("required", q.required if isinstance(q.required, str) else None),
        ):
            if text:
                yield q.name, what, text
    for m in form.materials:
        if m.relevant:
            yield m.id, "material relevant", m.relevant


def _check_prefill(
    q: Question, names: Mapping[str, Question], report: Callable[[str, str], None]
) -> None:
    if q.prefill is None:
        raise RuntimeError(f"question {q.name} has no prefill to check (a bug)")
    source, field = q.prefill.source, q.prefill.field
    if source != "@resident":
        target = names.get(source)
        if target is None:
            report(q.name, f"prefill: unknown source question '{source}'")
            return
        if target.type != "id_number":
            report(q.name, f"prefill: source '{source}' is not an id_number question")
    if field not in ID_FIELDS and field not in REGISTRY_FIELDS and not field.startswith("flags."):
        report(q.name, f"prefill: unknown field '{field}'")


def _check_model(form: FormDefinition, file: str) -> list[FormIssue]:
    """What only the compiled model shows: cycles, and repeat fields used as one value."""
    model = model_of(form)
    issues: list[FormIssue] = []
    if model.cycle:
        chain = " → ".join(model.cycle)
        issues.append(
            FormIssue(file, model.cycle[0], f"circular dependency: {chain} (each needs the next)")
        )
    for q, _repeat in walk(form.questions):
        texts = [("relevant", q.relevant), ("calculation", q.calculation)]
        texts += [("constraint", q.constraint)]
        if isinstance(q.required, str):
            texts.append(("required", q.required))
        for what, text in texts:
            if text and not model.nodes[q.name].repeats and _calls(model, text, "position"):
                issues.append(
                    FormIssue(
                        file, q.name, f"{what}: position() is only meaningful inside a repeat"
                    )
                )
            for message in indexed_repeat_problems(model, q.name, text):
                issues.append(FormIssue(file, q.name, f"{what}: {message}"))
            for ref in loose_repeat_refs(model, q.name, text):
                repeat = model.nodes[ref].repeats[-1]
                issues.append(
                    FormIssue(
                        file,
                        q.name,
                        f"{what}: ${{{ref}}} is inside the repeat '{repeat}' and has one value "
                        "per item here; use sum(), count(), max(), min(), join() or "
                        "indexed-repeat()",
                    )
                )
    for m in form.materials:
        for ref in loose_repeat_refs(model, "", m.relevant):
            issues.append(
                FormIssue(
                    file,
                    m.id,
                    f"material relevant: ${{{ref}}} is inside a repeat; use sum() or count()",
                )
            )
    return issues


def _calls(model: FormModel, text: str, function: str) -> bool:
    try:
        root = model.expr(text).root
    except ExprSyntaxError:
        return False
    return any(isinstance(node, Call) and node.name == function for node in walk_expr(root))


def _check_choices(
    q: Question,
    form: FormDefinition,
    shared_lists: Mapping[str, list[Choice]],
    report: Callable[[str, str], None],
) -> None:
    """Choice values are unique, and a multiple choice's have no spaces (XLSForm: the
    answer is stored space-separated, so 'a b' would read as two choices)."""
    if isinstance(q.choices, list):
        items = q.choices
    elif q.choice_list_name:
        items = form.choices.get(q.choice_list_name) or list(
            shared_lists.get(q.choice_list_name, [])
        )
    else:
        return
    values = [c.value for c in items]
    for value in sorted({v for v in values if values.count(v) > 1}):
        report(q.name, f"choices: the value '{value}' is listed twice")
    if q.type == "select_multiple":
        for value in values:
            if not value.strip() or any(ch.isspace() for ch in value):
                report(q.name, f"choices: the value '{value}' has a space (multiple choice)")


def _check_repeat_signer(
    form: FormDefinition, repeat: str, name: str, signature: str | None, add: Any
) -> None:
    """A signer per repeat item: the repeat exists, ``name`` is one of its own questions,
    and nobody signs on the screen for the items (they sign the paper)."""
    rep = next((q for q, _ in walk(form.questions) if q.name == repeat), None)
    if rep is None or rep.type != "repeat":
        add(repeat, "print signer: repeat is not a repeat question")
        return
    if name not in {c.name for c in rep.children}:
        add(name, f"print signer: not a question of the repeat '{repeat}'")
    if signature is not None:
        add(signature, "print signer: a repeat's members sign on paper (no signature)")
