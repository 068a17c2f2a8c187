"""The ``kiosk`` command. With no sub-command it starts the kiosk UI.

Exit codes: 0 done, 1 something failed or was not found, 2 the input was invalid
(bad answers, bad arguments); nothing is saved when the exit code is not 0.

Start-up cost: a command's module (and the store, the form engine, reportlab, Qt behind
it) is imported only when that command runs. ``kiosk --version`` and ``kiosk --help``
read nothing but this file and the COMMANDS table below (tests/integration/
test_cli_imports.py checks it). To add a command, add a line to COMMANDS naming the
module whose ``register(sub)`` adds it; a module may register several commands.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kiosk import __version__


class Command(NamedTuple):
    """A top-level command: its name, the module whose ``register`` adds it, its help."""

    name: str
    module: str
    help: str


# In the order `kiosk --help` lists them. The help must be the one the module registers
# (tests/integration/test_cli_imports.py compares them).
COMMANDS: tuple[Command, ...] = (
    Command("forms", "kiosk.cli.forms_cmd", "list, check and show form definitions"),
    Command("fill", "kiosk.cli.fill_cmd", "validate answers and create a finalized case"),
    Command("cases", "kiosk.cli.cases_cmd", "list and show cases"),
    Command(
        "registry", "kiosk.cli.registry_cmd", "load and look up the registry extract (prefill)"
    ),
    Command("sync", "kiosk.cli.sync_cmd", "send the outbox and pull statuses (runs until Ctrl-C)"),
    Command("status", "kiosk.cli.sync_cmd", "what waits for the town server"),
    Command("enroll", "kiosk.cli.sync_cmd", "enroll this kiosk with a town server"),
    Command(
        "print",
        "kiosk.cli.print_cmd",
        "print a finalized case (A4 PDF with QR codes), or write the PDF to a file",
    ),
    Command("printers", "kiosk.cli.print_cmd", "printer queues and their state"),
    Command("qr", "kiosk.cli.qr_cmd", "verify and import the QR codes of printed cases"),
    Command("bundle", "kiosk.cli.bundle_cmd", "life-event bundles: one intake, several cases"),
    Command("staff", "kiosk.cli.accounts_cmd", "staff accounts (id + PIN)"),
    Command("volunteers", "kiosk.cli.accounts_cmd", "volunteers accounts (id + PIN)"),
    Command("audit", "kiosk.cli.audit_cmd", "export the audit trail"),
    Command(
        "attach",
        "kiosk.cli.attach_cmd",
        "add a scanned or photographed page of a material to a case",
    ),
    Command("attachments", "kiosk.cli.attach_cmd", "the photographed pages of a case"),
    Command(
        "receipt",
        "kiosk.cli.receipt_cmd",
        "the receipt slip (回执) of a case: ESC/POS bytes, PDF preview, or print it",
    ),
)


def _top_parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="帮办 kiosk: assisted-service kiosk for the town hall."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--data-dir", help="data root (default: $KIOSK_HOME, then the platform's)")
    parser.add_argument("--demo", action="store_true", help="load demo data (synthetic residents)")
    parser.add_argument(
        "--fullscreen", action="store_true", help="start in kiosk mode (fullscreen)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    # End-to-end tests: quit the UI after N ms, saving a screenshot first (not for users).
    parser.add_argument("--quit-after-ms", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--screenshot", default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser, sub


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with ``command``'s module registered (its sub-commands and options);
    every other command is a name and a help line only, its module not imported.
    ``command=None`` registers none (``kiosk --help``); ``"*"`` registers all."""
    parser, sub = _top_parser()
    chosen = {c.module for c in COMMANDS if command in ("*", c.name)}
    registered: set[str] = set()
    for c in COMMANDS:
        if c.module in chosen:
            if c.module not in registered:
                registered.add(c.module)
                importlib.import_module(c.module).register(sub)
        else:
            placeholder = sub.add_parser(c.name, help=c.help, add_help=False)
            placeholder.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Two passes: the first finds the command with every command a placeholder (and
    answers ``--version``/``--help`` there), the second parses with its module loaded."""
    argv = list(sys.argv[1:] if argv is None else argv)
    placeholders = build_parser()
    first, _ = placeholders.parse_known_args(argv)
    if first.command is None:  # the touch screen: no module to load, the same parser
        return placeholders.parse_args(argv)
    return build_parser(first.command).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `kiosk cases list | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command is None:
            return _start_ui(args)
        result: int = args.handler(args)
        return result
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        code = _known_error(exc)
        if code is None:
            raise
        return code


def _known_error(exc: Exception) -> int | None:
    """The exit code of an error the CLI reports in one line (None: not one of them).
    Looked up in sys.modules: a module never imported cannot have raised its error."""
    common = sys.modules.get("kiosk.cli.common")
    if common is not None and isinstance(exc, common.CliError):
        print(f"error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    config = sys.modules.get("kiosk.config")
    if config is not None and isinstance(exc, config.ConfigError):
        print(f"error: {exc}", file=sys.stderr)  # names the file or folder
        return 1
    assets = sys.modules.get("kiosk.assets")
    if assets is not None and isinstance(exc, assets.AssetMissing):
        print(f"error: {exc}", file=sys.stderr)  # names the file (a font the paper needs)
        return 1
    catalogue = sys.modules.get("kiosk.forms.catalogue")
    if catalogue is not None and isinstance(exc, catalogue.UnknownForm):
        # a case of a form this kiosk's catalogue does not hold
        print(
            f"error: {exc} (a department's draft? pass --forms-dir DIR; a definition pulled "
            "from the town server and refused on this kiosk? kiosk status lists it)",
            file=sys.stderr,
        )
        return 1
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.IntegrityError):
        # never a traceback; the statement's values (personal data) stay out
        print(f"error: nothing was saved: the store refused it ({exc.orig})", file=sys.stderr)
        return 1
    if sa_exc is not None and isinstance(exc, sa_exc.DBAPIError):
        from kiosk.store.schema_stamp import is_lock_error

        if exc.orig is not None and is_lock_error(exc.orig):
            print(
                f"error: the store is busy: another program holds a lock on it ({exc.orig}); "
                "try again in a moment",
                file=sys.stderr,
            )
            return 1
        # SQLite's own words only (e.g. "no such column: cases.print_plan"), never the
        # statement or its values (break19c #9: a store stamped current but altered)
        print(
            f"error: the store could not be read or written ({exc.orig}): if this lasts, "
            "restore the data folder from backup (docs/deployment.md)",
            file=sys.stderr,
        )
        return 1
    return None


def _start_ui(args: argparse.Namespace) -> int:
    from kiosk.config import resolve_data_root
    from kiosk.ui.app import run_ui  # Qt is imported only when the UI starts

    root = resolve_data_root(args.data_dir)  # run_ui checks the folder (its log, its screen)
    if args.demo:
        os.environ["KIOSK_DEMO_DATA"] = "1"  # the UI loads the demo data (idempotent)
    return run_ui(
        data_root=root,
        fullscreen=args.fullscreen,
        demo=args.demo,
        quit_after_ms=args.quit_after_ms,
        screenshot=Path(args.screenshot) if args.screenshot else None,
    )


if __name__ == "__main__":
    sys.exit(main())
