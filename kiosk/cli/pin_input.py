"""Reading a PIN on the command line: asked without echo, or one line of stdin for scripts."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.cli.common import CliError


def add_pin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read the PIN from the first line of stdin"
    )


def read_pin(args: argparse.Namespace, prompt: str, *, confirm: bool = False) -> str:
    """The PIN, never echoed and never taken from an argument or the environment."""
    if getattr(args, "pin_stdin", False):
        pin = sys.stdin.readline().strip()
    else:
        try:
            pin = getpass.getpass(f"{prompt}: ")
            if confirm and getpass.getpass("Again: ") != pin:
                raise CliError("the two PINs differ", exit_code=2)
        except EOFError as exc:
            raise CliError("no PIN given (use --pin-stdin in scripts)", exit_code=2) from exc
    if not pin:
        raise CliError("no PIN given", exit_code=2)
    return pin


def cli_actor() -> str:
    """How the audit names someone at the PC's command line: ``cli:<os user>``."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):
        return "cli"
