"""Which calculated values rest on an unconfirmed policy parameter (issue 16).

A district parameter marked ``confirmed: false`` (待核实) is never promised to a resident:
``${policy:…}`` in texts already reads ``1000元（以窗口核定为准）``. The same holds for a
number *computed* from one — ``calculation: "policy('funeral_grant_yuan') * 2"``, or a
calculation that uses such a calculation: wherever it is displayed (check-answers page,
printed form) it carries the caveat. This module finds those questions: the calculations
that call ``policy('name')`` of an unconfirmed parameter, or an unknown value (null), and
every calculation whose calculation refers to one of them, transitively.
"""

from __future__ import annotations

from kiosk.forms.expr import ExprSyntaxError, policy_names
from kiosk.forms.model import FormModel


def unconfirmed_calculations(model: FormModel) -> frozenset[str]:
    """Names of the calculate questions whose value derives from an unconfirmed policy
    parameter (empty when the form has no policy)."""
    policy = model.form.policy
    if policy is None:
        return frozenset()
    unconfirmed = {n for n, p in policy.parameters.items() if not p.confirmed}
    refs: dict[str, set[str]] = {}
    tainted: set[str] = set()
    for name, node in model.nodes.items():
        q = node.question
        if q.type != "calculate" or not q.calculation:
            continue
        try:
            expr = model.expr(q.calculation)
        except ExprSyntaxError:
            continue
        refs[name] = {r for r in expr.references if r in model.nodes}
        if policy_names(expr.root) & unconfirmed:
            tainted.add(name)
    changed = True
    while changed:  # a calculation using a tainted one is tainted (no cycles: model checks)
        changed = False
        for name, used in refs.items():
            if name not in tainted and used & tainted:
                tainted.add(name)
                changed = True
    return frozenset(tainted)
