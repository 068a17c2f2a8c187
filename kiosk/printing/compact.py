"""A case's answers as compact bytes, written against the form version's question order.

Instead of repeating question names, the answers are written in the order the form
version defines its questions, behind a presence bitmap; each value carries a
one-byte tag that picks the smallest faithful shape (a date as a day count, an ID
number as packed digits, a choice of the form's own list as its index). Decoding
gives back exactly the JSON values that were hashed at finalize, so the content
hash of a rebuilt case matches. Anything the form does not know travels as a
generic extra, so nothing is ever lost.
"""

from __future__ import annotations

import re
import struct
import uuid
from datetime import date, timedelta
from typing import Any

from kiosk.forms.schema import FormDefinition, Question
from kiosk.printing.textcode import (
    CodecError,
    Reader,
    Writer,
    is_packable,
    pack_nibbles,
    unpack_nibbles,
)

NONE, FALSE, TRUE, INT, TEXT, LIST, DICT, FLOAT = range(8)
CHOICE, DIGITS, DATE, MONEY, ITEMS, UUID = range(8, 14)
_EPOCH = date(1900, 1, 1)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONEY = re.compile(r"(0|[1-9]\d{0,15})\.\d\d")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _value_slots(questions: list[Question]) -> list[Question]:
    """Questions holding an answer (a repeat counts as one), groups flattened, in order."""
    out: list[Question] = []
    for q in questions:
        if q.type == "group":
            out.extend(_value_slots(q.children))
        elif q.holds_value:
            out.append(q)
    return out


def top_slots(form: FormDefinition) -> list[Question]:
    """Questions holding a top-level answer (repeats included), in definition order."""
    return _value_slots(form.questions)


def item_slots(repeat: Question) -> list[Question]:
    return _value_slots(repeat.children)


def own_choices(form: FormDefinition, q: Question) -> list[str]:
    """Choice values frozen with this form version (shared lists may change: not indexed)."""
    if isinstance(q.choices, list):
        return [c.value for c in q.choices]
    if isinstance(q.choices, str) and q.choices in form.choices:
        return [c.value for c in form.choices[q.choices]]
    return []


def _repeats(questions: list[Question]) -> list[Question]:
    out: list[Question] = []
    for q in questions:
        if q.type == "repeat":
            out.append(q)
        out.extend(_repeats(q.children))
    return out


class AnswerCodec:
    def __init__(self, form: FormDefinition) -> None:
        self.form = form
        self.slots = top_slots(form)
        # Every repeat, nested ones too (a household member's incomes): items as records.
        self.items = {q.name: item_slots(q) for q in _repeats(form.questions)}

    # ----- encoding ----------------------------------------------------------------------

    def encode(self, answers: dict[str, Any], w: Writer) -> None:
        self._write_record(self.slots, answers, w)

    def _write_record(self, slots: list[Question], values: dict[str, Any], w: Writer) -> None:
        names = {q.name for q in slots}
        bits = 0
        for i, q in enumerate(slots):
            if q.name in values:
                bits |= 1 << i
        w.raw(bits.to_bytes((len(slots) + 7) // 8 or 1, "little"))
        for q in slots:
            if q.name in values:
                self._write_slot(q, values[q.name], w)
        extra = {k: v for k, v in values.items() if k not in names}
        write_value(extra or None, w)

    def _write_slot(self, q: Question, value: Any, w: Writer) -> None:
        children = self.items.get(q.name)
        if (
            children is not None
            and isinstance(value, list)
            and all(isinstance(v, dict) for v in value)
        ):
            w.byte(ITEMS)
            w.varint(len(value))
            for item in value:
                self._write_record(children, item, w)
            return
        choices = own_choices(self.form, q)
        if isinstance(value, str) and value in choices:
            w.byte(CHOICE)
            w.varint(choices.index(value))
            return
        write_value(value, w)

    # ----- decoding ----------------------------------------------------------------------

    def decode(self, r: Reader) -> dict[str, Any]:
        return self._read_record(self.slots, r)

    def _read_record(self, slots: list[Question], r: Reader) -> dict[str, Any]:
        bits = int.from_bytes(r.raw((len(slots) + 7) // 8 or 1), "little")
        out: dict[str, Any] = {}
        for i, q in enumerate(slots):
            if bits >> i & 1:
                out[q.name] = self._read_slot(q, r)
        extra = read_value(r)
        if extra is not None:
            if not isinstance(extra, dict):
                raise CodecError("extra answers are not an object")
            out.update(extra)
        return out

    def _read_slot(self, q: Question, r: Reader) -> Any:
        tag = r.byte()
        if tag == ITEMS:
            children = self.items.get(q.name)
            if children is None:
                raise CodecError(f"'{q.name}' is not a repeat of this form version")
            return [self._read_record(children, r) for _ in range(r.varint())]
        if tag == CHOICE:
            choices = own_choices(self.form, q)
            index = r.varint()
            if index >= len(choices):
                raise CodecError(f"choice {index} out of range for '{q.name}'")
            return choices[index]
        return read_value(r, tag)


def write_value(value: Any, w: Writer) -> None:
    """Any JSON value, in the smallest shape that reads back identical."""
    if value is None:
        w.byte(NONE)
    elif value is True or value is False:
        w.byte(TRUE if value else FALSE)
    elif isinstance(value, int):
        w.byte(INT)
        w.sint(value)
    elif isinstance(value, float):
        w.byte(FLOAT)
        w.raw(struct.pack(">d", value))
    elif isinstance(value, str):
        _write_text(value, w)
    elif isinstance(value, list):
        w.byte(LIST)
        w.varint(len(value))
        for item in value:
            write_value(item, w)
    elif isinstance(value, dict):
        w.byte(DICT)
        w.varint(len(value))
        for key, item in value.items():
            w.text(str(key))
            write_value(item, w)
    else:
        raise TypeError(f"cannot encode a {type(value).__name__}")


def _write_text(value: str, w: Writer) -> None:
    if _DATE.fullmatch(value):
        try:
            days = (date.fromisoformat(value) - _EPOCH).days
        except ValueError:
            days = -1
        if days >= 0:
            w.byte(DATE)
            w.varint(days)
            return
    if _UUID.fullmatch(value):  # a bundle id: 16 bytes instead of 37
        w.byte(UUID)
        w.raw(uuid.UUID(value).bytes)
        return
    if _MONEY.fullmatch(value):
        w.byte(MONEY)
        w.varint(int(value.replace(".", "")))
        return
    if is_packable(value) and len(value) >= 4:
        w.byte(DIGITS)
        w.varint(len(value))
        w.raw(pack_nibbles(value))
        return
    w.byte(TEXT)
    w.text(value)


def read_value(r: Reader, tag: int | None = None) -> Any:
    tag = r.byte() if tag is None else tag
    if tag == NONE:
        return None
    if tag in (TRUE, FALSE):
        return tag == TRUE
    if tag == INT:
        return r.sint()
    if tag == FLOAT:
        return float(struct.unpack(">d", r.raw(8))[0])
    if tag == TEXT:
        return r.text()
    if tag == LIST:
        return [read_value(r) for _ in range(r.varint())]
    if tag == DICT:
        return {r.text(): read_value(r) for _ in range(r.varint())}
    if tag == DATE:
        return (_EPOCH + timedelta(days=r.varint())).isoformat()
    if tag == MONEY:
        cents = r.varint()
        return f"{cents // 100}.{cents % 100:02d}"
    if tag == UUID:
        return str(uuid.UUID(bytes=r.raw(16)))
    if tag == DIGITS:
        length = r.varint()
        return unpack_nibbles(r.raw((length + 1) // 2), length)
    raise CodecError(f"unknown value tag {tag}")
