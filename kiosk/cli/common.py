"""Shared bits of the CLI: opening the kiosk, errors, JSON and table output."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Imported where used: a command module that only needs CliError or print_table (and
# `kiosk --help`) must not pay for the store, the form engine or the services.
if TYPE_CHECKING:
    from kiosk.forms.catalogue import Catalogue
    from kiosk.forms.engine import AnswerProblem
    from kiosk.services.context import KioskContext
    from kiosk.services.views import CaseSummary


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


STDOUT = "-"  # as a file argument: standard output (as "-" for an input file is stdin)
_AROUND = re.compile(r"^[\s\u200b-\u200d\ufeff]+|[\s\u200b-\u200d\ufeff]+$")


def case_key(text: str) -> str:
    """A case number, bundle id or UUID as typed or pasted: spaces, line breaks and
    zero-width marks around it (a copied table cell) removed (b19 #11). The argparse
    ``type`` of every argument that names a case; an empty one is a usage error."""
    key = _AROUND.sub("", text)
    if not key:
        raise argparse.ArgumentTypeError("the case number is empty")
    return key


def add_forms_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--forms-dir",
        action="append",
        type=Path,
        metavar="DIR",
        help="also load the form definitions in DIR (a department's drafts); repeatable",
    )


def catalogue_for(args: argparse.Namespace) -> Catalogue:
    """The shipped catalogue, plus ``--forms-dir`` folders; exit 2 naming every problem."""
    from kiosk.forms.catalogue import DEFINITIONS_DIR, default_catalogue, load_catalogue

    extra = getattr(args, "forms_dir", None) or []
    if not extra:
        return default_catalogue()
    for folder in extra:
        if not folder.is_dir():
            raise CliError(f"{folder}: --forms-dir needs a folder of definitions", exit_code=2)
    catalogue, issues = load_catalogue([DEFINITIONS_DIR, *extra])
    if issues:
        for issue in issues:
            print(issue, file=sys.stderr)
        raise CliError(f"{len(issues)} problem(s) in the form definitions", exit_code=2)
    return catalogue


def catalogue_in_use(args: argparse.Namespace) -> tuple[Catalogue, list[str]]:
    """What ``kiosk forms list/show/policy`` show: with ``--forms-dir``, the shipped forms
    and those drafts; else what this kiosk uses now — the releases pulled from the town
    server that are in force, else the shipped files — and lines saying which
    (kiosk.forms.releases.in_use_lines). Reads files only: no store is opened."""
    from datetime import UTC, datetime

    from kiosk.config import resolve_data_root
    from kiosk.forms.releases import in_use_lines, published_catalogue

    if getattr(args, "forms_dir", None):
        catalogue = catalogue_for(args)
        folders = ", ".join(str(f) for f in args.forms_dir)
        policy = f"policy {catalogue.policy.district} v{catalogue.policy.version}"
        return catalogue, [f"in use: the shipped definitions and drafts in {folders}, {policy}"]
    now = datetime.now(UTC)
    root = resolve_data_root(getattr(args, "data_dir", None))
    catalogue = published_catalogue(root, now) or catalogue_for(args)
    return catalogue, in_use_lines(root, now, catalogue)


def open_context(args: argparse.Namespace, *, create: bool = True) -> KioskContext:
    """The kiosk under ``--data-dir``. ``create=False`` (commands that read or change what
    is there): a folder without a store is an error, nothing is made in it. Raises
    CliError with the reason (a missing or lost store, a damaged one, a wrong key)."""
    from kiosk.config import ConfigError, resolve_data_root
    from kiosk.services.context import open_kiosk
    from kiosk.store.crypto import CryptoError
    from kiosk.store.schema_stamp import require_store

    try:
        if not create:
            require_store(resolve_data_root(args.data_dir))
        catalogue = catalogue_for(args) if getattr(args, "forms_dir", None) else None
        return open_kiosk(args.data_dir, catalogue=catalogue)
    except (ConfigError, CryptoError) as exc:
        raise CliError(str(exc)) from exc


def read_json_file(path: str) -> Any:
    """A JSON document from a file (or '-' for stdin); exit 2 naming the file when it is bad."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read: {exc}", exit_code=2) from exc
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise CliError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}", 2) from exc
    except _DuplicateKey as exc:
        raise CliError(f"{path}: the key '{exc}' is written twice", exit_code=2) from exc
    except RecursionError as exc:
        raise CliError(f"{path}: nested too deeply to be an answers file", exit_code=2) from exc


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON keeps the last of two equal keys silently; an answers file must not."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=_default))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Columns aligned by display width (a CJK character takes two terminal cells)."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        print(
            "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
        )


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def report_problems(problems: Sequence[AnswerProblem]) -> None:
    """Every problem by question, English for the log with the resident's words beside it."""
    for p in problems:
        print(f"  {p.path}: {p.problem.message_en} ({p.problem.message})", file=sys.stderr)


def add_case_options(p: argparse.ArgumentParser) -> None:
    """``--consent`` and ``--duplicate-reason``, shared by ``kiosk fill`` and ``bundle fill``."""
    from kiosk.services.consent import CLI_CHANNELS

    p.add_argument(
        "--consent",
        choices=CLI_CHANNELS,
        default="paper",
        help="how the operator gave the notice and obtained consent: on the paper form "
        "(default) or at the counter; for a subject under 14 it is the guardian's (who signs)",
    )
    p.add_argument(
        "--duplicate-reason",
        metavar="TEXT",
        help="go on although the subject already has a case of this form (audited)",
    )


def cli_case_consent(
    args: argparse.Namespace,
    ctx: KioskContext,
    form_ids: list[str],
    form: Any,
    answers: dict[str, Any],
) -> Any:
    """The Consent for ``--consent`` (kiosk.services.consent.cli_consent). When the form's
    subject or applicant is under 14 it is the guardian's: on paper the guardian signs."""
    from kiosk.cli.pin_input import cli_actor
    from kiosk.services.consent import cli_consent, minor_age

    actor = f"volunteer:{args.volunteer}" if args.volunteer else cli_actor()
    guardian = minor_age(form, answers, ctx.today()) is not None
    return cli_consent(ctx, form_ids, args.consent, actor=actor, guardian=guardian)


def create_from_answers(
    args: argparse.Namespace,
    create: Callable[[KioskContext, dict[str, Any]], list[CaseSummary]],
    *,
    show_form: bool = False,
    notes: Callable[[KioskContext, dict[str, Any]], list[str]] | None = None,
) -> int:
    """The shared body of `kiosk fill` and `kiosk bundle fill`: read the answers file, create
    the case(s) in one transaction, print each; exit 2 with every problem and nothing saved.
    ``notes``: what the file says that the case will not hold or holds in doubt
    (kiosk.services.answer_notes), each on stderr before the result."""
    from kiosk.forms.catalogue import UnknownForm
    from kiosk.services.case_errors import CaseError, CaseExists, InvalidAnswers
    from kiosk.services.consent import GuardianConsentNeeded
    from kiosk.services.duplicates import DuplicateClaim

    answers = read_json_file(args.answers)
    if not isinstance(answers, dict):
        raise CliError(f"{args.answers}: answers must be a JSON object", exit_code=2)
    ctx = open_context(args)
    try:
        for note in notes(ctx, answers) if notes is not None else []:
            print(f"note: {args.answers}: {note}", file=sys.stderr)
        cases = create(ctx, answers)
    except UnknownForm as exc:
        raise CliError(str(exc), exit_code=2) from exc
    except CaseExists as exc:
        if not exc.same_content:  # the id is taken by another case: the input is wrong
            raise CliError(f"{exc}; nothing saved", exit_code=2) from exc
        case = exc.summary
        print(f"case {case.number} {case.id} already exists ({case.state}); nothing created")
        return 0
    except InvalidAnswers as exc:
        print(
            f"error: {args.answers}: {len(exc.problems)} problem(s); nothing saved", file=sys.stderr
        )
        report_problems(exc.problems)
        return 2
    except GuardianConsentNeeded as exc:
        raise CliError(
            f"{exc}; nothing saved (the guardian must consent)",
            exit_code=2,
        ) from exc
    except DuplicateClaim as exc:
        raise CliError(
            f"duplicate claim: {exc}; nothing saved (give --duplicate-reason TEXT to go on)",
            exit_code=2,
        ) from exc
    except CaseError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    finally:
        ctx.close()
    for case in cases:
        form = f" {case.form_id}" if show_form else ""
        print(f"case {case.number} {case.id}{form} {case.state}")
    bundles = {case.bundle_id for case in cases if case.bundle_id}
    for bundle_id in sorted(bundles):
        print(f"bundle {bundle_id} (print: kiosk print --bundle {bundle_id} --out FILE.pdf)")
    return 0


def preview_from_answers(
    args: argparse.Namespace, preview: Callable[[KioskContext, dict[str, Any]], Any]
) -> int:
    """``--dry-run``: check an answers file and print what would be frozen; save nothing."""
    from kiosk.forms.catalogue import UnknownForm
    from kiosk.services.case_errors import InvalidAnswers

    answers = read_json_file(args.answers)
    if not isinstance(answers, dict):
        raise CliError(f"{args.answers}: answers must be a JSON object", exit_code=2)
    ctx = open_context(args)
    try:
        result = preview(ctx, answers)
    except UnknownForm as exc:
        raise CliError(str(exc), exit_code=2) from exc
    except InvalidAnswers as exc:
        print(f"error: {args.answers}: {len(exc.problems)} problem(s)", file=sys.stderr)
        report_problems(exc.problems)
        return 2
    finally:
        ctx.close()
    print_json(result)
    return 0
