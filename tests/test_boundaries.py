"""Import boundaries: only kiosk/ui uses Qt, and inside it only kiosk/ui/qt.py imports
PySide6 directly (STYLE.md §1). Parsed with ast, so comments and strings do not count."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
UI = KIOSK / "ui"
QT_MODULE = UI / "qt.py"
QT_PACKAGES = {"PySide6", "shiboken6"}
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


def _qt_imports(path: Path, packages: set[str] = QT_PACKAGES) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of one of ``packages`` in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            func_name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if (
                func_name in DYNAMIC_IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names = [first.value]
        for name in names:
            if name.split(".")[0] in packages or name.startswith(tuple(packages)):
                yield node.lineno, name


def _violations(files: list[Path]) -> list[str]:
    return [
        f"{path.relative_to(KIOSK.parent)}:{line}: imports {module}"
        for path in files
        for line, module in _qt_imports(path)
    ]


def _python_files() -> list[Path]:
    files = sorted(KIOSK.rglob("*.py"))
    assert files, f"no Python files under {KIOSK}"
    return files


def test_core_does_not_import_qt() -> None:
    core = [p for p in _python_files() if UI not in p.parents]
    problems = _violations(core)
    assert not problems, "Qt outside kiosk/ui:\n" + "\n".join(problems)


def test_ui_imports_qt_only_through_qt_module() -> None:
    ui = [p for p in _python_files() if UI in p.parents and p != QT_MODULE]
    problems = _violations(ui)
    assert not problems, "import Qt names from kiosk.ui.qt instead:\n" + "\n".join(problems)


def test_the_checker_sees_qt_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "from PySide6.QtWidgets import QLabel\n"
        "import shiboken6\n"
        "def f():\n"
        "    import importlib\n"
        "    return importlib.import_module('PySide6.QtCore')\n"
        "# import PySide6 in a comment does not count\n",
        encoding="utf-8",
    )
    found = list(_qt_imports(sample))
    assert found == [(2, "PySide6.QtWidgets"), (3, "shiboken6"), (6, "PySide6.QtCore")]


def test_ui_never_touches_the_database() -> None:
    """The UI calls service operations; it never holds an ORM session (STYLE.md §2)."""
    database = {"sqlalchemy", "alembic", "kiosk.store", "kiosk.server"}
    problems = [
        f"{path.relative_to(KIOSK.parent)}:{line}: imports {module}"
        for path in _python_files()
        if UI in path.parents
        for line, module in _qt_imports(path, database)
    ]
    assert not problems, "the UI must go through kiosk.services:\n" + "\n".join(problems)
