"""Read form definition files into typed definitions, with errors that name file and question."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.forms.schema import Choice, FormDefinition


@cache
def _unique_key_loader() -> Any:
    """The safe loader, refusing a key written twice in one mapping (YAML would keep the
    last silently: two `relevant:` on one question, two `expect:` in one test). Made on
    the first file read: a catalogue from the cache needs no PyYAML (issue 19)."""
    import yaml

    # libyaml's safe loader when PyYAML has it (its wheels do): ~10x faster than the
    # pure-Python one, which made loading the catalogue most of the kiosk's start-up.
    safe: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class UniqueKeyLoader(safe):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *base` then own keys: overriding is what merges are for
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, list | dict):
                    continue
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key}' is written twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep)

    return UniqueKeyLoader


@dataclass(frozen=True)
class FormIssue:
    """One problem in a definition file, printed as ``file: question: message``."""

    file: str
    question: str  # the question's name, or "-" when the problem is not in one question
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.question}: {self.message}"


class FormFileError(Exception):
    def __init__(self, issues: list[FormIssue]) -> None:
        super().__init__("\n".join(str(i) for i in issues))
        self.issues = issues


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormFileError([FormIssue(str(path), "-", f"cannot read: {exc}")]) from exc
    import yaml

    try:
        return yaml.load(text, Loader=_unique_key_loader())
    except ValueError as exc:  # a value YAML cannot build, e.g. the date 2026-02-30
        raise FormFileError([FormIssue(str(path), "-", f"not valid YAML: {exc}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FormFileError(
            [FormIssue(str(path), "-", f"not valid YAML{where}: {problem}")]
        ) from exc


def load_form_file(path: Path) -> FormDefinition:
    """Parse one form file; raise FormFileError listing every schema problem."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise FormFileError([FormIssue(str(path), "-", "the file must hold a mapping (id, ...)")])
    try:
        return FormDefinition.model_validate(data)
    except ValidationError as exc:
        raise FormFileError(validation_issues(str(path), data, exc)) from exc


def load_choice_lists(path: Path) -> dict[str, list[Choice]]:
    """Shared choice lists (relationship, villages): a mapping of list name to choices."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise FormFileError([FormIssue(str(path), "-", "the file must map list names to choices")])
    lists: dict[str, list[Choice]] = {}
    issues = []
    for name, items in data.items():
        try:
            lists[str(name)] = [Choice.model_validate(item) for item in items or []]
        except (ValidationError, TypeError) as exc:
            issues.append(FormIssue(str(path), str(name), f"bad choice list: {exc}"))
    if issues:
        raise FormFileError(issues)
    return lists


def validation_issues(file: str, data: Any, exc: ValidationError) -> list[FormIssue]:
    """Turn pydantic's error locations into ``file: question: message`` lines."""
    issues = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        question, rest = _question_at(data, loc)
        field = ".".join(str(p) for p in rest) or "-"
        message = err["msg"].removeprefix("Value error, ")
        issues.append(FormIssue(file, question, f"{field}: {message}" if rest else message))
    return issues


def _question_at(data: Any, loc: list[Any]) -> tuple[str, list[Any]]:
    """Walk ``loc`` through questions/children; return the deepest question name and the rest."""
    name = "-"
    node = data
    rest = list(loc)
    i = 0
    while i + 1 < len(loc) and loc[i] in ("questions", "children") and isinstance(loc[i + 1], int):
        try:
            node = node[loc[i]][loc[i + 1]]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            name = str(node.get("name") or f"{loc[i]}[{loc[i + 1]}]")
        i += 2
        rest = list(loc[i:])
    if name != "-":
        # Union members (str | list[Choice]) add their type name to the location.
        rest = [p for p in rest if p not in ("str", "list[Choice]", "bool")]
    return name, rest
