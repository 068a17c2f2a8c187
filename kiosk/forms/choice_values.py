"""Answers chosen from a list: one choice (a village with its group, a relationship),
several choices, and yes/no.

A choice is stored by its code; a label given instead (by a person or a script) is read
as its code. Several choices are a list without repeats; yes/no is a bool.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from kiosk.forms.schema import Choice, Question
from kiosk.forms.value_problems import problem

YES = frozenset({"yes", "y", "true", "1", "是", "对", "有"})
NO = frozenset({"no", "n", "false", "0", "否", "不是", "没有", "无"})


def _choice_values(choices: list[Choice]) -> set[str]:
    return {c.value for c in choices}


def _select_one(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    value = str(raw)
    if q.type == "village" and q.with_group:
        village, _, group = value.partition("-")
        if village not in _choice_values(choices) or not group.isdigit() or int(group) < 1:
            return None, [
                problem(
                    "village.invalid",
                    "请选您所在的村和组。",
                    f"'{value}' is not a village-group of the list",
                )
            ]
        most = next((c.groups for c in choices if c.value == village), None)
        if most is not None and int(group) > most:
            name = next(c.label for c in choices if c.value == village)
            return None, [
                problem(
                    "village.no_such_group",
                    f"{name}只有{most}个组，请再选一下。",
                    f"village {village} has groups 1-{most}, not {group}",
                )
            ]
        return f"{village}-{int(group)}", []
    if value not in _choice_values(choices):
        # People (and scripts) may give the label instead of the code.
        by_label = {c.label: c.value for c in choices}
        if value in by_label:
            return by_label[value], []
        return None, [
            problem(
                "choice.invalid", "请从列出的选项里选一个。", f"'{value}' is not one of the choices"
            )
        ]
    return value, []


def _select_multiple(
    q: Question, raw: Any, today: date, choices: list[Choice]
) -> tuple[Any, list[Any]]:
    items = re.split(r"[,\s，、]+", raw) if isinstance(raw, str) else list(raw)
    allowed = _choice_values(choices)
    by_label = {c.label: c.value for c in choices}
    values: list[str] = []
    for item in (str(i) for i in items if str(i)):
        value = item if item in allowed else by_label.get(item)
        if value is None:
            return None, [
                problem(
                    "choice.invalid", "请从列出的选项里选。", f"'{item}' is not one of the choices"
                )
            ]
        if value not in values:
            values.append(value)
    return values or None, []


def _yes_no(q: Question, raw: Any, today: date, choices: list[Choice]) -> tuple[Any, list[Any]]:
    if isinstance(raw, bool):
        return raw, []
    text = str(raw).lower()
    if text in YES:
        return True, []
    if text in NO:
        return False, []
    return None, [problem("yes_no.invalid", "请选“是”或“否”。", "answer must be yes or no")]
