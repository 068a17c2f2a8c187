"""How a form test's expectation is compared with what the engine gives (``kiosk forms test``).

The rules (docs/forms.md, "Form tests"): a number in the expectation matches a number or
a decimal string of the same value (``4800`` matches ``"4800.00"``); an empty value
(null, "" or an empty list) matches an absent key, at any depth; everything else
matches as JSON (a YAML date is its ``YYYY-MM-DD`` text). Differences come back as
readable lines: ``final.income_total: expected 4800, got "34800.00"``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

_MISSING = object()


def _is_empty(value: Any) -> bool:
    return value is _MISSING or value is None or value == "" or value == []


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def plain(value: Any) -> Any:
    """A YAML value as JSON would carry it (dates as text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False, default=str)


def compare(expected: Any, actual: Any, where: str) -> list[str]:
    """Every difference between an expectation and a value, one line each."""
    expected = plain(expected)
    if _is_empty(expected):
        return [] if _is_empty(actual) else [f"{where}: expected empty, got {show(actual)}"]
    if actual is _MISSING:
        return [f"{where}: expected {show(expected)}, got (absent)"]
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = expected is actual
        return [] if ok else [f"{where}: expected {show(expected)}, got {show(actual)}"]
    if isinstance(expected, int | float):
        got = _number(actual)
        if got is not None and got == Decimal(str(expected)):
            return []
        return [f"{where}: expected {show(expected)}, got {show(actual)}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {show(actual)}"]
        diffs: list[str] = []
        for key in list(expected) + [k for k in actual if k not in expected]:
            diffs += compare(
                expected.get(key, _MISSING), actual.get(key, _MISSING), f"{where}.{key}"
            )
        return diffs
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {show(actual)}"]
        if len(expected) != len(actual):
            return [
                f"{where}: expected {len(expected)} item(s) {show(expected)}, "
                f"got {len(actual)} {show(actual)}"
            ]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in compare(e, a, f"{where}[{i}]")
        ]
    if expected == actual:
        return []
    return [f"{where}: expected {show(expected)}, got {show(actual)}"]


def compare_list(expected: list[Any], actual: list[str], where: str) -> list[str]:
    """Ordered lists of names (pages, materials): say what is missing and what is extra."""
    expected = [str(e) for e in expected]
    if expected == actual:
        return []
    missing = [e for e in expected if e not in actual]
    extra = [a for a in actual if a not in expected]
    detail = []
    if missing:
        detail.append(f"missing {', '.join(missing)}")
    if extra:
        detail.append(f"unexpected {', '.join(extra)}")
    if not detail:
        detail.append("different order")
    return [f"{where}: {'; '.join(detail)}\n      expected {expected}\n      got      {actual}"]
