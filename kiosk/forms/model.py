"""A form definition compiled once: where each question lives, its expressions, and the
dependency graph that orders evaluation (the XForms model).

Each question (group and repeat included) is a *node*. A node's relevance reads its
``relevant`` references and its parent's relevance (relevance cascades); a calculation's
value reads its ``calculation`` references. Those edges make one dependency graph;
nodes are evaluated in its topological order whatever the file order, and a change to
one node recomputes exactly its transitive dependents. A cycle makes the form unusable
and is reported by ``kiosk forms check``. ``required`` and ``constraint`` produce no
value, so they are judged after everything they read is computed.

``model_of(form)`` caches the compiled model per definition object: the service path
builds a FormFill per call and must not parse expressions again (issue 10, point 9).
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from kiosk.forms.expr import Call, Expression, ExprSyntaxError, Ref, compile_expression, walk
from kiosk.forms.schema import FormDefinition, Question
from kiosk.forms.value_types import QUESTION_VALUE_TYPES, infer

# Functions that turn a repeat's many values into one (a repeat field used from outside
# its repeat must sit inside one of these). selected() over a repeat field means "any
# item has this choice".
AGGREGATES = frozenset({"count", "sum", "min", "max", "join", "indexed-repeat", "selected"})


@dataclass(frozen=True)
class Node:
    """Where a question lives: its definition, its parent container, its repeats."""

    question: Question
    order: int  # document order, for stable evaluation and page order
    parent: str | None  # the enclosing group or repeat, None at the top level
    repeats: tuple[str, ...]  # enclosing repeats, outermost first (a repeat excludes itself)

    @property
    def name(self) -> str:
        return self.question.name


@dataclass
class FormModel:
    form: FormDefinition
    nodes: dict[str, Node] = field(default_factory=dict)
    exprs: dict[str, Expression] = field(default_factory=dict)
    expr_errors: dict[str, str] = field(default_factory=dict)
    deps: dict[str, frozenset[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # evaluation order
    cycle: list[str] | None = None
    value_types: dict[str, str | None] = field(default_factory=dict)
    # Repeats that copy their items from another (kiosk.forms.copy_items), and the
    # fields they copy: those are never asked.
    copies: list[str] = field(default_factory=list)
    copied: frozenset[str] = frozenset()
    _dependents: dict[str, frozenset[str]] = field(default_factory=dict)
    _children: dict[str | None, list[str]] = field(default_factory=dict)

    # ----- lookups ---------------------------------------------------------------------

    def expr(self, text: str) -> Expression:
        """A compiled expression of this form; ExprSyntaxError if it does not compile."""
        found = self.exprs.get(text)
        if found is None:
            found = self.exprs[text] = compile_expression(text)
        return found

    def children(self, parent: str | None) -> list[str]:
        """Direct children of a container (None: the top level), in document order."""
        return self._children.get(parent, [])

    def descendants(self, name: str) -> Iterator[str]:
        for child in self.children(name):
            yield child
            yield from self.descendants(child)

    def dependents(self, names: set[str] | frozenset[str]) -> list[str]:
        """Every node whose relevance or value reads one of ``names``, transitively, in
        evaluation order (the names themselves excluded unless they depend on each other)."""
        found: set[str] = set()
        for name in names:
            found |= self._dependents.get(name, frozenset())
        return [n for n in self.order if n in found]

    def value_type(self, name: str) -> str | None:
        return self.value_types.get(name)


def _index(
    model: FormModel, qs: list[Question], parent: str | None, repeats: tuple[str, ...]
) -> None:
    for q in qs:
        model.nodes[q.name] = Node(q, len(model.nodes), parent, repeats)
        model._children.setdefault(parent, []).append(q.name)
        if q.copy_items is not None:
            model.copies.append(q.name)
            model.copied = model.copied | set(q.copy_items.fields)
        if q.type == "repeat":
            _index(model, q.children, q.name, (*repeats, q.name))
        elif q.children:
            _index(model, q.children, q.name, repeats)


def _refs(model: FormModel, text: str | None) -> set[str]:
    if not text:
        return set()
    try:
        expr = model.expr(text)
    except ExprSyntaxError as exc:
        model.expr_errors[text] = str(exc)
        return set()
    return {r for r in expr.references if r in model.nodes}


def _build_graph(model: FormModel) -> None:
    for name, node in model.nodes.items():
        q = node.question
        deps = _refs(model, q.relevant)
        if q.type == "calculate":
            deps |= _refs(model, q.calculation)
        if node.parent is not None:
            deps.add(node.parent)
        # Also compile the checks, so a broken one is known before it is needed.
        _refs(model, q.constraint)
        if isinstance(q.required, str):
            _refs(model, q.required)
        model.deps[name] = frozenset(deps)
    for m in model.form.materials:
        _refs(model, m.relevant)


def _topological(model: FormModel) -> None:
    """Kahn's algorithm, ties broken by document order; leftovers form a cycle."""
    waiting = {name: set(deps) for name, deps in model.deps.items()}
    users: dict[str, list[str]] = {name: [] for name in model.nodes}
    for name, deps in model.deps.items():
        for dep in deps:
            users[dep].append(name)
    ready = [(model.nodes[n].order, n) for n, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    while ready:
        _, name = heapq.heappop(ready)
        model.order.append(name)
        for user in users[name]:
            waiting[user].discard(name)
            if not waiting[user]:
                heapq.heappush(ready, (model.nodes[user].order, user))
        del waiting[name]
    if waiting:
        model.cycle = _find_cycle(waiting)
    reverse: dict[str, set[str]] = {name: set() for name in model.nodes}
    for name, deps in model.deps.items():
        for dep in deps:
            reverse[dep].add(name)
    for name in model.nodes:
        seen: set[str] = set()
        stack = list(reverse[name])
        while stack:
            user = stack.pop()
            if user not in seen:
                seen.add(user)
                stack.extend(reverse[user])
        model._dependents[name] = frozenset(seen)


def _find_cycle(waiting: dict[str, set[str]]) -> list[str]:
    """One cycle among the nodes Kahn's algorithm could not order: a → b → … → a."""
    start = min(waiting)
    path: list[str] = []
    at = start
    while at not in path:
        path.append(at)
        at = min(d for d in waiting[at] if d in waiting)
    return [*path[path.index(at) :], at]


def _infer_types(model: FormModel) -> None:
    for name in model.order or list(model.nodes):
        q = model.nodes[name].question
        if q.type != "calculate":
            model.value_types[name] = QUESTION_VALUE_TYPES.get(q.type)
            continue
        if q.result_type:
            model.value_types[name] = q.result_type
            continue
        try:
            root = model.expr(q.calculation or "").root
        except ExprSyntaxError:
            model.value_types[name] = None
            continue
        model.value_types[name] = infer(root, model.value_types.get)
    for name, node in model.nodes.items():  # in a cycle: no order, no inference
        model.value_types.setdefault(name, QUESTION_VALUE_TYPES.get(node.question.type))


def loose_repeat_refs(model: FormModel, owner: str, text: str | None) -> list[str]:
    """References in ``text`` (written on ``owner``) to a repeat's field from outside that
    repeat, not inside an aggregate such as sum() or count(): they would see a list."""
    if not text:
        return []
    try:
        root = model.expr(text).root
    except ExprSyntaxError:
        return []
    here = set(model.nodes[owner].repeats) if owner in model.nodes else set()
    if owner in model.nodes and model.nodes[owner].question.type == "repeat":
        here.add(owner)
    found: list[str] = []

    def visit(node: object, aggregated: bool) -> None:
        if isinstance(node, Ref) and node.name in model.nodes and not aggregated:
            outside = [r for r in model.nodes[node.name].repeats if r not in here]
            if outside:
                found.append(node.name)
        # Only a reference written straight into sum(), count() ... is aggregated:
        # sum(${x} * 2) multiplies a list, which has no value (XPath: a node-set).
        direct = isinstance(node, Call) and node.name in AGGREGATES
        for child in node.children():  # type: ignore[attr-defined]
            visit(child, direct and isinstance(child, Ref))

    visit(root, False)
    return found


def indexed_repeat_problems(model: FormModel, owner: str, text: str | None) -> list[str]:
    """What is wrong with each indexed-repeat(${field}, ${repeat}, n) in ``text``."""
    if not text:
        return []
    try:
        root = model.expr(text).root
    except ExprSyntaxError:
        return []
    here = model.nodes[owner].repeats if owner in model.nodes else ()
    problems = []
    for node in walk(root):
        if not (isinstance(node, Call) and node.name == "indexed-repeat"):
            continue
        field, repeat = node.args[0], node.args[1]
        if not (isinstance(field, Ref) and isinstance(repeat, Ref)):
            continue  # the compiler refuses these
        rnode, fnode = model.nodes.get(repeat.name), model.nodes.get(field.name)
        if rnode is None or fnode is None:
            continue  # reported as unknown references
        if rnode.question.type != "repeat":
            problems.append(f"indexed-repeat(): ${{{repeat.name}}} is not a repeat")
        elif fnode.repeats != (*rnode.repeats, rnode.name):
            problems.append(
                f"indexed-repeat(): ${{{field.name}}} is not a field of the repeat "
                f"'{rnode.name}' itself"
            )
        elif here[: len(rnode.repeats)] != rnode.repeats:
            problems.append(
                f"indexed-repeat(): the repeat '{rnode.name}' lies inside "
                f"'{rnode.repeats[-1]}', which has many items here; use it inside that repeat"
            )
    return problems


_CACHE: OrderedDict[int, tuple[FormDefinition, FormModel]] = OrderedDict()
_CACHE_SIZE = 256


def model_of(form: FormDefinition) -> FormModel:
    """The compiled model of a definition, built once per definition object."""
    hit = _CACHE.get(id(form))
    if hit is not None and hit[0] is form:
        _CACHE.move_to_end(id(form))
        return hit[1]
    model = FormModel(form)
    _index(model, form.questions, None, ())
    _build_graph(model)
    _topological(model)
    _infer_types(model)
    _CACHE[id(form)] = (form, model)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return model


__all__ = [
    "AGGREGATES",
    "FormModel",
    "Node",
    "indexed_repeat_problems",
    "loose_repeat_refs",
    "model_of",
    "walk",
]
