"""Prefill provenance: which answers came from records, and from which ID number.

让数据多跑路: an answer filled from what another office knows is marked with where it
came from (``label``, said to the resident: 据登记信息（公安户籍），请核对) and the answer
it hangs off (``from``: the id_number question's path, or ``@resident`` for the person
identified at the start). When that ID number changes, everything still marked as
coming from it is cleared and filled again from the new number, so nothing outlives
its source under the old label. An answer the person changed is theirs: its mark is
dropped and no later prefill overwrites it.

An answer copied from another answer by a person's choice (the new 户主 picked from the
heirs entered or the deceased's household, kiosk.ui.known_people) rests on each answer it
was taken from: ``also`` lists them beside ``from``. When any of them changes (or the
repeat item holding it is removed), the copy and its mark are cleared and the question
is asked again: a mark never vouches for a value whose source has moved on.

Marks are stored with the draft as ``{path: {"label": ..., "from": ..., "also": [...]}}``
(``also`` only when there is one); drafts saved before marks had an origin hold the label
alone and are never cleared automatically.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import Instance, format_path, parse_path
from kiosk.forms.prefill import PrefillSource
from kiosk.forms.value_problems import is_empty
from kiosk.forms.values import coerce

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill

RESIDENT = "@resident"
_MAX_CHAIN = 8  # resident → applicant's number → ...: a longer chain is a form mistake


def _mark(stored: Any) -> dict[str, Any]:
    if isinstance(stored, dict):
        mark = {"label": str(stored.get("label") or ""), "from": stored.get("from")}
        also = [str(o) for o in stored.get("also") or [] if o]
        return mark | {"also": also} if also else mark
    return {"label": str(stored), "from": None}


def _origins(mark: dict[str, Any]) -> list[str]:
    """Every answer path (or ``@resident``) a mark rests on."""
    first = mark.get("from")
    return ([first] if isinstance(first, str) else []) + list(mark.get("also") or [])


def _moved(mark: dict[str, Any], move: Callable[[str], str | None]) -> dict[str, Any] | None:
    """``mark`` with its origins moved by ``move`` (None: an origin is gone, and so is the
    mark's ground: None back). ``@resident`` never moves."""
    out = {"label": mark["label"], "from": mark.get("from")}
    also = []
    for key, origin in [("from", mark.get("from")), *(("also", a) for a in mark.get("also") or [])]:
        if not isinstance(origin, str) or origin == RESIDENT:
            continue
        new = move(origin)
        if new is None:
            return None
        if key == "from":
            out["from"] = new
        else:
            also.append(new)
    return out | {"also": also} if also else out


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

    def put(self, path: str, label: str, origins: Sequence[str] = ()) -> None:
        """Mark ``path`` as filled from a record (the household register) or copied from
        other answers by a person's one-touch choice; ``origins``: the answer paths it was
        taken from (the deceased's ID number for a member of their household, an heir's
        ID number and the deceased's for a listed heir): when one changes, the answer is
        cleared and asked again. No origin: never cleared by a change elsewhere."""
        mark: dict[str, Any] = {"label": label, "from": origins[0] if origins else None}
        if len(origins) > 1:
            mark["also"] = list(origins[1:])
        self.by_path[path] = mark

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
        changed |= self.source_changed(origin, depth)
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

    def source_changed(self, origin: str, depth: int = 0) -> set[str]:
        """The answer at ``origin`` changed: every answer marked as taken from it is cleared
        with its mark (and what hangs off a cleared ID number, in turn). Returns the names
        whose value changed."""
        if depth > _MAX_CHAIN:
            return set()
        changed: set[str] = set()
        for path, mark in list(self.by_path.items()):
            if path not in self.by_path or origin not in _origins(mark):
                continue
            changed |= self._clear(path, depth)
        return changed

    def _clear(self, path: str, depth: int) -> set[str]:
        fill = self._fill
        name, where = parse_path(path)
        if fill.container(where) is not None:
            fill._store(name, where, None)
        self.by_path.pop(path, None)
        changed = {name}
        if fill.model.nodes[name].question.type == "id_number":
            changed |= self.refresh(path, None, where, depth + 1)
        else:
            changed |= self.source_changed(path, depth + 1)
        return changed

    def item_removed(self, repeat_path: str, index: int) -> set[str]:
        """Item ``index`` of ``repeat_path`` is gone: its marks go, later items move up; an
        answer taken from the removed item (the 户主 picked from that heir) is cleared.
        Returns the names whose value changed."""
        moved: dict[str, dict[str, Any]] = {}
        orphans: list[str] = []
        for path, mark in self.by_path.items():
            new_path = _shift(path, repeat_path, index)
            if new_path is None:
                continue
            new_mark = _moved(mark, lambda o: _shift(o, repeat_path, index))
            if new_mark is None:
                orphans.append(new_path)
                new_mark = {"label": mark["label"], "from": None}
            moved[new_path] = new_mark
        self.by_path = moved
        changed: set[str] = set()
        for path in orphans:
            if path in self.by_path:
                changed |= self._clear(path, 0)
        return changed

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
            new_mark = _moved(mark, lambda o: _renumber(o, repeat_path, new_index))
            if new_mark is None:  # _renumber never drops an origin
                raise RuntimeError("a moved prefill mark lost its origin (a bug)")
            moved[_renumber(path, repeat_path, new_index)] = new_mark
        self.by_path = moved

    def item_moved(self, repeat_path: str, index: int, to: int, count: int) -> None:
        """Item ``index`` moved to ``to``: marks follow their items."""
        order = list(range(count))
        order.insert(to, order.pop(index))
        new_index = {old: new for new, old in enumerate(order)}
        moved: dict[str, dict[str, Any]] = {}
        for path, mark in self.by_path.items():
            new_mark = _moved(mark, lambda o: _renumber(o, repeat_path, new_index))
            if new_mark is None:  # _renumber never drops an origin
                raise RuntimeError("a moved prefill mark lost its origin (a bug)")
            moved[_renumber(path, repeat_path, new_index)] = new_mark
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
