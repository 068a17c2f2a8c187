"""Prefill provenance: which answers came from records, and from which ID number.

让数据多跑路: an answer filled from what another office knows is marked with where it
came from (``label``, said to the resident: 据登记信息（公安户籍），请核对) and the answer
it hangs off (``from``: the id_number question's path, or ``@resident`` for the person
identified at the start). When that ID number changes, everything still marked as
coming from it is cleared and filled again from the new number, so nothing outlives
its source under the old label. An answer the person changed is theirs: its mark is
dropped and no later prefill overwrites it.

Marks are stored with the draft as ``{path: {"label": ..., "from": ...}}``; drafts saved
before marks had an origin hold the label alone and are never cleared automatically.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import Instance, format_path, parse_path
from kiosk.forms.prefill import PrefillSource
from kiosk.forms.values import coerce, is_empty

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill

RESIDENT = "@resident"
_MAX_CHAIN = 8  # resident → applicant's number → ...: a longer chain is a form mistake


def _mark(stored: Any) -> dict[str, Any]:
    if isinstance(stored, dict):
        return {"label": str(stored.get("label") or ""), "from": stored.get("from")}
    return {"label": str(stored), "from": None}


class PrefillMarks:
    def __init__(self, fill: FormFill, source: PrefillSource, stored: dict[str, Any] | None):
        self._fill = fill
        self._source = source
        self.by_path: dict[str, dict[str, Any]] = {
            path: _mark(value) for path, value in (stored or {}).items()
        }

    def label(self, path: str) -> str | None:
        mark = self.by_path.get(path)
        return mark["label"] if mark else None

    def put(self, path: str, label: str, origin: str | None = None) -> None:
        """Mark ``path`` as filled from a record (the household register) by the UI's
        one-touch suggestion; ``origin`` None: never cleared by an ID number's change."""
        self.by_path[path] = {"label": label, "from": origin}

    def forget(self, path: str) -> None:
        self.by_path.pop(path, None)

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self.by_path)

    def restore(self, snapshot: dict[str, dict[str, Any]]) -> None:
        self.by_path = snapshot

    def refresh(self, origin: str, id_value: Any, inst: Instance, depth: int = 0) -> set[str]:
        """The ID number at ``origin`` is now ``id_value`` (None: cleared): clear what its old
        number filled, fill what the new one knows. Returns the names whose value changed."""
        if depth > _MAX_CHAIN:
            return set()
        fill = self._fill
        changed: set[str] = set()
        for path, mark in list(self.by_path.items()):
            if mark.get("from") != origin:
                continue
            name, where = parse_path(path)
            fill._store(name, where, None)
            del self.by_path[path]
            changed.add(name)
            if fill.model.nodes[name].question.type == "id_number":
                changed |= self.refresh(path, None, where, depth + 1)
        if is_empty(id_value):
            return changed
        origin_name = RESIDENT if origin == RESIDENT else parse_path(origin)[0]
        origin_repeats = () if origin == RESIDENT else fill.model.nodes[origin_name].repeats
        known = self._source.lookup(str(id_value), today=fill.today)
        for node in fill.model.nodes.values():
            q = node.question
            if q.prefill is None or q.prefill.source != origin_name:
                continue
            if node.repeats != origin_repeats:
                continue  # a number in one item fills that item only
            target = format_path(q.name, inst)
            if not is_empty(fill._raw(q.name, inst)) and target not in self.by_path:
                continue  # a person's answer is never overwritten
            found = known.get(q.prefill.field)
            if found is None:
                continue
            value, problems = coerce(q, found.value, today=fill.today, choices=fill.choices(q))
            if value is None or any(p.severity == "error" for p in problems):
                continue
            fill._store(q.name, inst, value)
            self.by_path[target] = {"label": found.source, "from": origin}
            changed.add(q.name)
            if q.type == "id_number":
                # The resident's own number prefills what hangs off it (name, phone).
                changed |= self.refresh(target, value, inst, depth + 1)
        return changed

    def item_removed(self, repeat_path: str, index: int) -> None:
        """Item ``index`` of ``repeat_path`` is gone: its marks go, later items move up."""
        moved: dict[str, dict[str, Any]] = {}
        for path, mark in self.by_path.items():
            new_path = _shift(path, repeat_path, index)
            if new_path is None:
                continue
            origin = mark.get("from")
            if isinstance(origin, str) and origin != RESIDENT:
                origin = _shift(origin, repeat_path, index)
            moved[new_path] = {"label": mark["label"], "from": origin}
        self.by_path = moved

    def items_rebuilt(self, repeat_path: str, order: list[int | None]) -> None:
        """A repeat's items were rebuilt (kiosk.forms.copy_items): new item ``k`` continues
        old item ``order[k]`` (None: a new one); marks follow, those of dropped items go."""
        new_index = {j: k for k, j in enumerate(order) if j is not None}
        prefix = repeat_path + "["
        moved: dict[str, dict[str, Any]] = {}
        for path, mark in self.by_path.items():
            if path.startswith(prefix):
                m = re.match(r"(\d+)\]", path[len(prefix) :])
                if m is None or int(m.group(1)) not in new_index:
                    continue
            origin = mark.get("from")
            if isinstance(origin, str) and origin != RESIDENT:
                origin = _renumber(origin, repeat_path, new_index)
            moved[_renumber(path, repeat_path, new_index)] = {
                "label": mark["label"],
                "from": origin,
            }
        self.by_path = moved

    def item_moved(self, repeat_path: str, index: int, to: int, count: int) -> None:
        """Item ``index`` moved to ``to``: marks follow their items."""
        order = list(range(count))
        order.insert(to, order.pop(index))
        new_index = {old: new for new, old in enumerate(order)}
        moved: dict[str, dict[str, Any]] = {}
        for path, mark in self.by_path.items():
            origin = mark.get("from")
            if isinstance(origin, str) and origin != RESIDENT:
                origin = _renumber(origin, repeat_path, new_index)
            moved[_renumber(path, repeat_path, new_index)] = {
                "label": mark["label"],
                "from": origin,
            }
        self.by_path = moved


def _renumber(path: str, repeat_path: str, new_index: dict[int, int]) -> str:
    prefix = repeat_path + "["
    if not path.startswith(prefix):
        return path
    m = re.match(r"(\d+)\]", path[len(prefix) :])
    if m is None:
        return path
    rest = path[len(prefix) + len(m.group(0)) :]
    return f"{repeat_path}[{new_index.get(int(m.group(1)), int(m.group(1)))}]{rest}"


def _shift(path: str, repeat_path: str, index: int) -> str | None:
    prefix = repeat_path + "["
    if not path.startswith(prefix):
        return path
    m = re.match(r"(\d+)\]", path[len(prefix) :])
    if m is None:
        return path
    j = int(m.group(1))
    rest = path[len(prefix) + len(m.group(0)) :]
    if j == index:
        return None
    return f"{repeat_path}[{j - 1}]{rest}" if j > index else path
