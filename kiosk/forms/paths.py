"""Answer paths: where one answer lives in a draft, repeats and nested repeats included.

A path names a question and, inside repeats, the item of each enclosing repeat:
``death_date`` at the top level, ``heirs[1].heir_name`` in the second heir, and
``members[0].incomes[2].income_amount`` in the third income of the first household
member. Question names are unique within a form (``kiosk forms check``), so the last
name alone says which question; the bracketed indexes say which item (the XForms
*instance* of a repeated node).
"""

from __future__ import annotations

import re

# ((repeat name, item index), ...), outermost repeat first; () at the top level.
Instance = tuple[tuple[str, int], ...]

_NAME = r"[a-z][a-z0-9_]*"
_STEP = re.compile(rf"({_NAME})\[(\d+)\]\.")
_PATH = re.compile(rf"^(?:{_NAME}\[\d+\]\.)*({_NAME})$")
_ITEM = re.compile(rf"^((?:{_NAME}\[\d+\]\.)*)({_NAME})\[(\d+)\]$")


class BadPath(ValueError):
    """Text that is not an answer path (e.g. ``heirs[x].name``)."""


def parse_path(path: str) -> tuple[str, Instance]:
    """``members[0].incomes[2].income_amount`` → ("income_amount", (("members", 0),
    ("incomes", 2))); ``x`` → ("x", ()). Raises BadPath for anything else."""
    m = _PATH.match(path)
    if m is None:
        raise BadPath(f"'{path}' is not an answer path")
    prefix = path[: m.start(1)]
    steps = tuple((s.group(1), int(s.group(2))) for s in _STEP.finditer(prefix))
    return m.group(1), steps


def format_path(name: str, instance: Instance = ()) -> str:
    """The inverse of parse_path."""
    return "".join(f"{r}[{i}]." for r, i in instance) + name


def parse_item(path: str) -> tuple[str, Instance, int]:
    """A repeat item: ``members[0].incomes[2]`` → ("incomes", (("members", 0),), 2)."""
    m = _ITEM.match(path)
    if m is None:
        raise BadPath(f"'{path}' does not name a repeat item")
    _, outer = parse_path(m.group(1) + "x") if m.group(1) else ("x", ())
    return m.group(2), outer, int(m.group(3))


def is_within(path: str, container: str) -> bool:
    """Whether ``path`` lies inside the repeat or item ``container`` (``heirs``, ``heirs[1]``)."""
    return path.startswith(container + "[") or path.startswith(container + ".")
