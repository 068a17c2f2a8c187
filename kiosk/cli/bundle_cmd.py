"""``kiosk bundle list|example|fill``: life-event bundles (家人去世) from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import (
    CliError,
    add_case_options,
    catalogue_in_use,
    cli_case_consent,
    create_from_answers,
    print_json,
    print_table,
)
from kiosk.forms.catalogue import UnknownForm, default_catalogue
from kiosk.forms.examples import example_answers
from kiosk.services.answer_notes import answer_notes
from kiosk.services.bundles import bundle_infos, fill_bundle


def register(sub: Any) -> None:
    bundle = sub.add_parser("bundle", help="life-event bundles: one intake, several cases")
    bsub = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)

    p = bsub.add_parser("list", help="every bundle (newest version)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = bsub.add_parser("example", help="a valid example answers JSON for a bundle")
    p.add_argument("bundle")
    p.set_defaults(handler=cmd_example)

    p = bsub.add_parser("fill", help="create every case the answers call for, in one go")
    p.add_argument("bundle")
    p.add_argument("--answers", required=True, help="answers JSON file ('-' for stdin)")
    p.add_argument("--volunteer", help="the volunteer's id (帮办人)")
    p.add_argument("--resident", help="ID number of the identified resident (prefill)")
    add_case_options(p)
    p.set_defaults(handler=cmd_fill)


def cmd_list(args: argparse.Namespace) -> int:
    catalogue, _ = catalogue_in_use(args)  # the definitions in use: no store is opened
    bundles = bundle_infos(catalogue)
    if args.json:
        print_json(bundles)
        return 0
    print_table(
        ["BUNDLE", "VERSION", "TITLE", "FORMS"],
        [[b.id, b.version, b.title, ", ".join(b.form_ids)] for b in bundles],
    )
    return 0


def cmd_example(args: argparse.Namespace) -> int:
    catalogue = default_catalogue()
    try:
        bundle = catalogue.bundle(args.bundle)
    except UnknownForm as exc:
        raise CliError(str(exc)) from exc
    form = catalogue.get(bundle.form_id, bundle.version)
    try:
        print_json(example_answers(form))
    except FileNotFoundError as exc:
        raise CliError(f"bundle {bundle.id} has no example answers file ({exc.filename})") from exc
    return 0


def cmd_fill(args: argparse.Namespace) -> int:
    return create_from_answers(
        args,
        lambda ctx, answers: fill_bundle(
            ctx,
            args.bundle,
            answers,
            volunteer_id=args.volunteer,
            resident_id=args.resident,
            consent=_consent(args, ctx, answers),
            duplicate_reason=args.duplicate_reason,
        ),
        show_form=True,
        notes=lambda ctx, answers: answer_notes(
            ctx, _composed(ctx, args.bundle), answers, resident_id=args.resident
        ),
    )


def _composed(ctx: Any, bundle_id: str) -> Any:
    bundle = ctx.catalogue.bundle(bundle_id)
    return ctx.catalogue.get(bundle.form_id, bundle.version)


def _consent(args: argparse.Namespace, ctx: Any, answers: dict[str, Any]) -> Any:
    bundle = ctx.catalogue.bundle(args.bundle)
    composed = ctx.catalogue.get(bundle.form_id, bundle.version)
    return cli_case_consent(args, ctx, [bf.form for bf in bundle.forms], composed, answers)
