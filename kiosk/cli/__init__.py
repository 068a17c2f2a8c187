"""The ``kiosk`` command. With no sub-command it starts the kiosk UI.

Exit codes: 0 done, 1 something failed or was not found, 2 the input was invalid
(bad answers, bad arguments); nothing is saved when the exit code is not 0.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli import cases_cmd, fill_cmd, forms_cmd
from kiosk.cli.common import CliError

# Each command group registers its sub-commands; later groups add a line here.
COMMAND_GROUPS = [forms_cmd, fill_cmd, cases_cmd]


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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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
    except KeyboardInterrupt:
        return 130


def _start_ui(args: argparse.Namespace) -> int:
    from kiosk.config import resolve_data_root
    from kiosk.ui.app import run_ui  # Qt is imported only when the UI starts

    root = resolve_data_root(args.data_dir)
    root.mkdir(parents=True, exist_ok=True)
    return run_ui(data_root=root, title="石马镇便民服务中心", fullscreen=args.fullscreen)


if __name__ == "__main__":
    sys.exit(main())
