"""``kiosk print NUMBER --out FILE.pdf | --printer NAME`` and ``kiosk printers``.

Trust boundary (docs/privacy.md "Who may see what"): whoever runs the CLI on the PC
already holds the data root and its key, so printing needs no staff account; it is
audited by who did it: ``staff:<id>`` when ``--staff ID`` is given (PIN checked), else
``cli:<OS user>``; ``--out`` is audited as ``exported``, a print as ``printed``.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

from kiosk.cli.common import (
    STDOUT,
    CliError,
    add_forms_dir,
    case_key,
    open_context,
    print_json,
    print_table,
)
from kiosk.cli.pin_input import add_pin_option, cli_actor

# The services and the store are imported by the commands that use them: `kiosk print N
# --out` first tries kiosk.cli.print_quick, which needs neither (issue 19).


def register(sub: Any) -> None:
    p = sub.add_parser(
        "print",
        help="print a finalized case (A4 PDF with QR codes), or write the PDF to a file",
        description="Without --out the case goes to --printer, else to the configured "
        "printer, else to the system default printer.",
    )
    p.add_argument("number", nargs="?", type=case_key, help="case number or UUID")
    p.add_argument(
        "--bundle",
        type=case_key,
        help="print every case of a life-event bundle (bundle id, or the number of any of "
        "its cases)",
    )
    p.add_argument(
        "--title",
        help="the life event on the bundle's cover (default: found from the bundle's forms)",
    )
    p.add_argument(
        "--out", type=Path, help="write the PDF here instead of printing (- : standard output)"
    )
    p.add_argument("--printer", help="CUPS queue name (default: configured, then system)")
    p.add_argument(
        "--staff",
        help="the staff account that prints, for the audit (PIN asked); "
        "without it the audit names the OS user (cli:<user>)",
    )
    add_pin_option(p)
    add_forms_dir(p)
    p.set_defaults(handler=cmd_print)

    p = sub.add_parser("printers", help="printer queues and their state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_printers)


def cmd_print(args: argparse.Namespace) -> int:
    if bool(args.number) == bool(args.bundle):
        raise CliError("give a case NUMBER or --bundle ID (one of them)", exit_code=2)
    if args.bundle and not args.out:
        raise CliError("--bundle needs --out FILE.pdf (print the file with lp)", exit_code=2)
    if args.out and args.number and not (args.staff or args.forms_dir):
        from kiosk.cli.print_quick import quick_export_pdf

        deliver = partial(_write_pdf, args.out)  # the file first: a failed write is no export
        if quick_export_pdf(args.data_dir, args.number, actor=cli_actor(), deliver=deliver):
            return 0
    return _print_through_the_store(args)


def _write_pdf(out: Path, pdf: bytes) -> int:
    """The PDF to ``out``; ``-`` is standard output (never a terminal), the line that
    says so then goes to standard error."""
    if str(out) == STDOUT:
        if sys.stdout is None:  # started with standard output closed (>&-)
            raise CliError("standard output is closed: give --out FILE.pdf")
        if sys.stdout.isatty():
            raise CliError("not writing a PDF to the terminal: add > case.pdf or | lp", 2)
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(pdf)
            sys.stdout.buffer.flush()
        except OSError as exc:  # a full disk (/dev/full), a closed pipe
            raise CliError(f"standard output: cannot write: {exc.strerror}") from exc
        print(f"wrote the PDF to standard output ({len(pdf) // 1024} KiB)", file=sys.stderr)
        return 0
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise CliError(f"{out}: cannot write: {exc.strerror}") from exc
    print(f"wrote {out} ({len(pdf) // 1024} KiB)")
    return 0


def _print_through_the_store(args: argparse.Namespace) -> int:
    """The full path: the kiosk opened (migrated, checked), services and store."""
    from kiosk.services import printing
    from kiosk.services.case_errors import CaseError
    from kiosk.store.repositories import CaseNotFound

    ctx = open_context(args, create=False)
    try:
        if args.staff:  # the accounts service only for a staff login (issue 19)
            from kiosk.cli.accounts_cmd import staff_login

            args.actor = staff_login(args, ctx).actor
        else:
            args.actor = cli_actor()
        if args.out:
            # A file is an export of the paper's personal data: audited as such, once
            # it is written.
            deliver = partial(_write_pdf, args.out)
            if args.bundle:
                bundle_id = printing.resolve_bundle(ctx, args.bundle)
                title = args.title or printing.bundle_title(ctx, bundle_id)
                printing.export_bundle_pdf(
                    ctx, bundle_id, actor=args.actor, title=title, deliver=deliver
                )
            else:
                printing.export_case_pdf(ctx, args.number, actor=args.actor, deliver=deliver)
            return 0
        result = printing.print_case(ctx, args.number, printer=args.printer, actor=args.actor)
    except (CaseNotFound, CaseError) as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    if not result.ok:
        raise CliError(result.message_en)
    print(("reprinted: " if result.reprint else "printed: ") + result.message_en)
    return 0


_ANSWERS = {True: "yes", False: "NO", None: "?"}


def cmd_printers(args: argparse.Namespace) -> int:
    """Every queue: state, accepting, whether its device answers, our reading of it and
    the queue's own state message (CUPS's words)."""
    from kiosk.printing.cups import PrintingUnavailable, SchedulerUnreachable
    from kiosk.services.printing import list_printers

    try:
        printers = list_printers()
    except SchedulerUnreachable as exc:
        raise CliError(f"{exc}: is cupsd running?") from exc
    except PrintingUnavailable as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print_json(printers)
        return 0
    if not printers:
        print("no printer queues (CUPS answered but has none; add one with lpadmin)")
        return 1
    print_table(
        ["PRINTER", "DEFAULT", "STATE", "ACCEPTING", "DEVICE", "STATUS", "QUEUE MESSAGE"],
        [
            [
                p.name,
                "*" if p.is_default else "",
                p.state,
                "yes" if p.accepting else "no",
                f"{_ANSWERS[p.device_answers]} {p.device_uri}",
                p.message.partition(": ")[2],
                p.state_message or "-",
            ]
            for p in printers
        ],
    )
    return 0
