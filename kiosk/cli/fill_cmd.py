"""``kiosk fill FORM --answers FILE``: create a finalized case from an answers document."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.cli.common import CliError, open_context, read_json_file, report_problems
from kiosk.forms.catalogue import UnknownForm
from kiosk.services.cases import InvalidAnswers, fill_case


def register(sub: Any) -> None:
    p = sub.add_parser("fill", help="validate answers and create a finalized case")
    p.add_argument("form")
    p.add_argument("--answers", required=True, help="answers JSON file ('-' for stdin)")
    p.add_argument("--volunteer", help="the volunteer's id (帮办人)")
    p.add_argument("--resident", help="ID number of the identified resident (prefill)")
    p.set_defaults(handler=cmd_fill)


def cmd_fill(args: argparse.Namespace) -> int:
    answers = read_json_file(args.answers)
    if not isinstance(answers, dict):
        raise CliError(f"{args.answers}: answers must be a JSON object", exit_code=2)
    ctx = open_context(args)
    try:
        case = fill_case(
            ctx, args.form, answers, volunteer_id=args.volunteer, resident_id=args.resident
        )
    except UnknownForm as exc:
        raise CliError(str(exc), exit_code=2) from exc
    except InvalidAnswers as exc:
        print(
            f"error: {args.answers}: {len(exc.problems)} problem(s); nothing saved", file=sys.stderr
        )
        report_problems(exc.problems)
        return 2
    finally:
        ctx.close()
    print(f"case {case.number} {case.id} {case.state}")
    return 0
