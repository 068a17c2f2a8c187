"""A ``kiosk forms check`` warning (issue 16, tester's finding 7): a number written into a
form's or bundle's text that equals a district policy parameter's value in the same unit
("满60岁…" while ``fp_reward_min_age`` is 60 周岁) — the text should name the parameter
(``${policy:…}``) so it follows the policy. A warning, not a problem: a number may also
be a coincidence (a life event's title "满60岁" names the event, not the rule).

Reads the raw YAML lines (comments and expression keys skipped); returns
"file:line: …" strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kiosk.forms.policy import EXPRESSION_KEYS, Policy

# A literal amount in a text, and the policy units it may duplicate.
LITERAL = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(周岁|岁|元|天|日|个月|年)")
UNITS = {"岁": "周岁", "周岁": "周岁", "元": "元", "天": "天", "日": "天"}
UNITS |= {"个月": "个月", "年": "年"}
SKIPPED_KEYS = (*EXPRESSION_KEYS, "title", "short_title", "print_title", "id", "name")


def literal_policy_values(files: Iterable[Path], policy: Policy) -> list[str]:
    """Warnings for every literal number in a text that equals a parameter's value."""
    by_value: dict[tuple[str, str], list[str]] = {}
    for name, param in policy.parameters.items():
        if param.is_number:
            by_value.setdefault((str(param.value), param.unit), []).append(name)
    warnings = []
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            text = line.split(" #", 1)[0]
            key = text.strip().lstrip("- ").split(":", 1)[0].strip("{ ")
            if text.lstrip().startswith("#") or key in SKIPPED_KEYS:
                continue
            for m in LITERAL.finditer(text):
                names = by_value.get((m.group(1), UNITS[m.group(2)]))
                if names:
                    warnings.append(
                        f"{file}:{number}: warning: '{m.group(0)}' is the value of "
                        f"{', '.join(names)}; name the parameter (${{policy:…}}) so the "
                        "text follows the policy"
                    )
    return warnings
