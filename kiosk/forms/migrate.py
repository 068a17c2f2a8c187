"""Drafts across form versions: an older version's answers made into a newer version's.

A form version may declare ``migrations: [{from_version: N, rename: {old: new}, drop:
[name]}]``. Question names are unique within a form, so a rule applies wherever the
name occurs: at the top level, inside repeat items and inside nested repeat items.
Versions are stepped through one rule at a time (v1 → v2 → v3) when the newest version
has no rule from the draft's own.

A migrated answer may no longer fit (a choice since removed, a new maximum): the engine
re-checks every stored answer against the version it runs (kiosk.forms.values.recheck),
so such an answer is a problem on its page and finalize refuses until it is answered
again; ``answers_to_review`` lists them so the screens can go there first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.forms.paths import BadPath, format_path, parse_path
from kiosk.forms.schema import FormDefinition, Migration


def _rename_tree(value: Any, rule: Migration) -> Any:
    if isinstance(value, list):
        return [_rename_tree(item, rule) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in rule.drop:
            continue
        out[rule.rename.get(key) or key] = _rename_tree(item, rule)
    return out


def _rename_path(path: str, rule: Migration) -> str | None:
    try:
        name, inst = parse_path(path)
    except BadPath:
        return None
    if name in rule.drop or any(r in rule.drop for r, _ in inst):
        return None
    return format_path(
        rule.rename.get(name, name), tuple((rule.rename.get(r, r), i) for r, i in inst)
    )


def apply_rule(
    rule: Migration, answers: dict[str, Any], marks: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One migration rule over a draft's answers and its prefill marks."""
    new_answers = _rename_tree(answers, rule)
    new_marks: dict[str, Any] = {}
    for path, mark in marks.items():
        new_path = _rename_path(path, rule)
        if new_path is None:
            continue
        if isinstance(mark, dict) and isinstance(mark.get("from"), str):
            origin = mark["from"]
            if origin != "@resident":
                origin = _rename_path(origin, rule)
            mark = {**mark, "from": origin}
        new_marks[new_path] = mark
    return new_answers, new_marks


def migrate_draft(
    versions: Callable[[int], FormDefinition | None],
    latest: FormDefinition,
    from_version: int,
    answers: dict[str, Any],
    marks: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Answers (and marks) of ``from_version`` as ``latest`` names them, or None when no
    chain of rules leads there. ``versions(n)`` gives version n of the form (or None)."""
    marks = dict(marks or {})
    direct = next((m for m in latest.migrations if m.from_version == from_version), None)
    if direct is not None:
        return apply_rule(direct, answers, marks)
    version = from_version
    while version < latest.version:
        step = next(
            (
                (form, rule)
                for n in range(version + 1, latest.version + 1)
                if (form := versions(n)) is not None
                for rule in form.migrations
                if rule.from_version == version
            ),
            None,
        )
        if step is None:
            return None
        form, rule = step
        answers, marks = apply_rule(rule, answers, marks)
        version = form.version
    return answers, marks


def migrate_answers(
    form: FormDefinition, from_version: int, answers: dict[str, Any]
) -> dict[str, Any] | None:
    """The form's own rule from an older version, applied at every depth; None if none."""
    rule = next((m for m in form.migrations if m.from_version == from_version), None)
    return None if rule is None else apply_rule(rule, answers, {})[0]
