"""Repeats whose items are copied from another repeat (a bundle's household asked once).

A repeat with ``copy_items`` (kiosk.forms.schema.CopyItems) holds one item per item of
its source repeat for which ``where`` holds, with the mapped fields copied. After every
recompute the copies are brought in step: an item follows the person it copies (matched
by the copied values, so an edited name keeps that member's other answers), a new
source item adds one, a removed or filtered-out one drops it. The item's own answers
belong to the person, not the row: when a copied ID number changes (another person in
that place), they are cleared and asked again (an heir's 同意 is never carried over to
whoever replaced them). Prefill marks move with
their item, and a copied ID number prefills what hangs off it in that item (its age),
as a typed one would. The copied fields are not asked (kiosk.forms.engine skips their
pages); the item's other fields are asked per item. The result is stored like any
answers, so each form split out of a bundle holds its own complete repeat.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from kiosk.forms.paths import format_path
from kiosk.forms.value_problems import is_empty

if TYPE_CHECKING:
    from kiosk.forms.engine import FormFill
    from kiosk.forms.model import Node


def sync_copies(fill: FormFill) -> set[str]:
    """Bring every copying repeat in step with its source; the names whose values changed."""
    changed: set[str] = set()
    for name in fill.model.copies:
        changed |= _sync(fill, fill.model.nodes[name])
    return changed


def _wanted(fill: FormFill, node: Node) -> list[dict[str, Any]]:
    spec = node.question.copy_items
    if spec is None:
        raise RuntimeError(f"{node.name} is not a copying repeat (a bug)")
    source = spec.source
    if not fill.relevant(source):
        return []
    out = []
    for i, item in enumerate(fill.raw_items(source, ())):
        if spec.where and not fill.holds_at(spec.where, ((source, i),)):
            continue
        out.append(
            {
                own: copy.deepcopy(item[theirs])
                for own, theirs in spec.fields.items()
                if not is_empty(item.get(theirs))
            }
        )
    return out


def match_items(
    old: list[dict[str, Any]], wanted: list[dict[str, Any]], fields: list[str]
) -> list[int | None]:
    """For each wanted item, the old item it continues (None: a new one).

    The unclaimed old item sharing most copied values wins (a corrected name still
    matches by the ID number); an old item holding no copied value at all (answers
    given before the copy, e.g. a whole answers document) is taken by position.
    """
    claimed: set[int] = set()
    out: list[int | None] = []
    for w in wanted:
        best: int | None = None
        score = 0
        for j, o in enumerate(old):
            if j in claimed:
                continue
            s = sum(1 for f in fields if not is_empty(w.get(f)) and o.get(f) == w.get(f))
            if s > score:
                best, score = j, s
        out.append(best)
        if best is not None:
            claimed.add(best)
    for k, found in enumerate(out):
        blank = k < len(old) and all(is_empty(old[k].get(f)) for f in fields)
        if found is None and k not in claimed and blank:
            out[k] = k
            claimed.add(k)
    return out


def _same_person(old: dict[str, Any], wanted: dict[str, Any], identity: list[str]) -> bool:
    """Whether an old item still holds the same person: no ID number it held has changed
    (an item with no number yet, e.g. answers given before the copy, is taken as is)."""
    return all(is_empty(old.get(f)) or old.get(f) == wanted.get(f) for f in identity)


def _sync(fill: FormFill, node: Node) -> set[str]:
    spec = node.question.copy_items
    if spec is None:
        raise RuntimeError(f"{node.name} is not a copying repeat (a bug)")
    name = node.name
    fields = list(spec.fields)
    wanted = _wanted(fill, node)
    old = fill.raw_items(name, ())
    order = match_items(old, wanted, fields)
    identity = [f for f in fields if fill.model.nodes[f].question.type == "id_number"]
    order = [
        j if j is None or _same_person(old[j], w, identity) else None
        for w, j in zip(wanted, order, strict=True)
    ]
    new = []
    for w, j in zip(wanted, order, strict=True):
        kept = {k: v for k, v in old[j].items() if k not in spec.fields} if j is not None else {}
        new.append(kept | w)
    if new == old:
        return set()
    fill.marks.items_rebuilt(name, order)
    box = fill.container((), create=True)
    if box is None:
        raise RuntimeError("the answers' top container was not made (a bug)")
    if new:
        box[name] = new
    else:
        box.pop(name, None)
    changed = {name, *fields}
    for k, (w, j) in enumerate(zip(wanted, order, strict=True)):
        inst = ((name, k),)
        for own in fields:
            if fill.model.nodes[own].question.type != "id_number":
                continue
            before = old[j].get(own) if j is not None else None
            if before != w.get(own):
                changed |= fill.marks.refresh(format_path(own, inst), w.get(own), inst)
    return changed
