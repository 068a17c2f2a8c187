"""Example answers files: one valid answers document per form version, kept beside the forms.

They are the documentation of the answers format, the input of `kiosk fill` in
tests, and the demo data a department can try a form with.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.forms.schema import FormDefinition

EXAMPLES_DIR = Path(__file__).parent / "definitions" / "examples"


def example_path(form: FormDefinition) -> Path:
    return EXAMPLES_DIR / f"{form.id}.v{form.version}.json"


def example_answers(form: FormDefinition) -> dict[str, Any]:
    """The example answers of a form version (FileNotFoundError when it has none)."""
    data: dict[str, Any] = json.loads(example_path(form).read_text(encoding="utf-8"))
    return data
