"""The ``kiosk`` command. With no sub-command it starts the kiosk UI.

Exit codes: 0 done, 1 something failed or was not found, 2 the input was invalid
(bad answers, bad arguments); nothing is saved when the exit code is not 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from kiosk import __version__
from kiosk.cli import (
    accounts_cmd,
    attach_cmd,
    audit_cmd,
    bundle_cmd,
    cases_cmd,
    fill_cmd,
    forms_cmd,
    print_cmd,
    qr_cmd,
    receipt_cmd,
    registry_cmd,
    sync_cmd,
)
from kiosk.cli.common import CliError
from kiosk.forms.catalogue import UnknownForm

# Each command group registers its sub-commands; later groups add a line here.
COMMAND_GROUPS = [
    forms_cmd,
    fill_cmd,
    cases_cmd,
    registry_cmd,
    sync_cmd,
    print_cmd,
    qr_cmd,
    bundle_cmd,
    accounts_cmd,
    audit_cmd,
    attach_cmd,
    receipt_cmd,
]


def build_parser() -> argparse.ArgumentParser:
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
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `kiosk cases list | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command is None:
            return _start_ui(args)
        result: int = args.handler(args)
        return result
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except UnknownForm as exc:  # a case of a form this kiosk's catalogue does not hold
        print(f"error: {exc} (a department's draft? pass --forms-dir DIR)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except IntegrityError as exc:  # never a traceback; the statement's values stay out
        print(f"error: nothing was saved: the store refused it ({exc.orig})", file=sys.stderr)
        return 1


def _start_ui(args: argparse.Namespace) -> int:
    from kiosk.config import make_private_root, resolve_data_root
    from kiosk.ui.app import run_ui  # Qt is imported only when the UI starts

    root = resolve_data_root(args.data_dir)
    make_private_root(root)
    if args.demo:
        _load_demo(root)
    return run_ui(
        data_root=root,
        fullscreen=args.fullscreen,
        demo=args.demo,
        quit_after_ms=args.quit_after_ms,
        screenshot=Path(args.screenshot) if args.screenshot else None,
    )


def _load_demo(root: Path) -> None:
    """``--demo``: the demo registry (idempotent), and the demo flag for the UI's settings."""
    from kiosk.services.context import open_kiosk
    from kiosk.services.registry import load_demo_data

    os.environ["KIOSK_DEMO_DATA"] = "1"
    ctx = open_kiosk(root)
    try:
        load_demo_data(ctx)
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
