"""``kiosk fill FORM --answers FILE``: create a finalized case from an answers document.

The case carries its consent (``--consent paper`` by default: the operator obtained it on
the paper form). A duplicate claim exits 2 naming the other case unless
``--duplicate-reason TEXT`` (audited); a retry with the same ``--case-id`` is checked
first and answers "already exists".
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import (
    add_case_options,
    add_forms_dir,
    cli_case_consent,
    create_from_answers,
    preview_from_answers,
)
from kiosk.services.answer_notes import answer_notes
from kiosk.services.case_finalize import fill_case, preview_case
from kiosk.services.context import KioskContext
from kiosk.services.sync import learn_case_numbers
from kiosk.services.views import CaseSummary


def register(sub: Any) -> None:
    p = sub.add_parser("fill", help="validate answers and create a finalized case")
    p.add_argument("form")
    p.add_argument("--answers", required=True, help="answers JSON file ('-' for stdin)")
    p.add_argument("--volunteer", help="the volunteer's id (帮办人)")
    p.add_argument("--resident", help="ID number of the identified resident (prefill)")
    p.add_argument(
        "--case-id",
        metavar="UUID",
        help="the case's id: a second run with the same id creates nothing (safe to retry)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the answers and print what would be frozen (JSON); save nothing",
    )
    add_case_options(p)
    add_forms_dir(p)
    p.set_defaults(handler=cmd_fill)


def cmd_fill(args: argparse.Namespace) -> int:
    if args.dry_run:
        return preview_from_answers(
            args,
            lambda ctx, answers: preview_case(ctx, args.form, answers, resident_id=args.resident),
        )
    return create_from_answers(
        args,
        lambda ctx, answers: [_fill(ctx, args, answers)],
        notes=lambda ctx, answers: answer_notes(
            ctx, ctx.catalogue.get(args.form), answers, resident_id=args.resident
        ),
    )


def _fill(ctx: KioskContext, args: argparse.Namespace, answers: dict[str, Any]) -> CaseSummary:
    # A data root restored from an older copy must not reissue numbers the server holds:
    # ask it first when it answered lately (2 s at most; offline, nothing waits).
    learn_case_numbers(ctx)
    return fill_case(
        ctx,
        args.form,
        answers,
        volunteer_id=args.volunteer,
        resident_id=args.resident,
        case_id=args.case_id,
        consent=cli_case_consent(args, ctx, [args.form], ctx.catalogue.get(args.form), answers),
        duplicate_reason=args.duplicate_reason,
        block_duplicates=True,
    )
