"""``kiosk staff ...`` and ``kiosk volunteers ...``: named accounts with PINs (no defaults).

kiosk staff add S01 --name 刘主任 --role admin     # asks the PIN twice (6-12 digits)
kiosk volunteers add 1001 --name 王志愿
kiosk staff list | remove ID | unlock ID
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import CliError, open_context, print_table
from kiosk.cli.pin_input import add_pin_option, cli_actor, read_pin
from kiosk.services.accounts import (
    STAFF_ROLES,
    AccountError,
    add_account,
    check_id,
    list_accounts,
    remove_account,
    unlock_account,
)


def register(sub: Any) -> None:
    for group, roles, default_role in (
        ("staff", ["staff", "admin"], "staff"),
        ("volunteers", ["volunteer"], "volunteer"),
    ):
        parser = sub.add_parser(group, help=f"{group} accounts (id + PIN)")
        gsub = parser.add_subparsers(dest=f"{group}_command", metavar="ACTION", required=True)
        p = gsub.add_parser("add", help="add an account, or set a new PIN for one")
        p.add_argument("id")
        p.add_argument("--name", required=True, help="display name (shown as 帮办人/工作人员)")
        p.add_argument("--role", choices=roles, default=default_role)
        p.add_argument(
            "--replace",
            action="store_true",
            help="turn an existing account of the other kind (staff <-> volunteer) into this one",
        )
        add_pin_option(p)
        p.set_defaults(handler=cmd_add)
        p = gsub.add_parser("list", help="the accounts")
        p.set_defaults(handler=cmd_list, roles=frozenset(roles))
        p = gsub.add_parser("remove", help="remove an account")
        p.add_argument("id")
        p.set_defaults(handler=cmd_remove)
        p = gsub.add_parser("unlock", help="clear the failed tries of an account id")
        p.add_argument("id")
        p.set_defaults(handler=cmd_unlock)


def cmd_add(args: argparse.Namespace) -> int:
    try:
        account_id = check_id(args.id)
    except AccountError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    pin = read_pin(args, f"PIN for {account_id} (6-12 digits)", confirm=True)
    ctx = open_context(args)
    try:
        account = add_account(
            ctx, account_id, args.name, pin, role=args.role, actor=cli_actor(), replace=args.replace
        )
    except AccountError as exc:
        raise CliError(str(exc), exit_code=2) from exc
    finally:
        ctx.close()
    print(f"{account.role} {account.id} {account.name}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=False)
    try:
        accounts = list_accounts(ctx, args.roles)
    finally:
        ctx.close()
    rows = [[a.id, a.role, a.name, "demo" if a.demo else ""] for a in accounts]
    print_table(["ID", "ROLE", "NAME", ""], rows)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=False)
    try:
        removed = remove_account(ctx, args.id, actor=cli_actor())
    finally:
        ctx.close()
    if not removed:
        raise CliError(f"no account {args.id}")
    print(f"removed {args.id.upper()}")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=False)
    try:
        unlock_account(ctx, args.id, actor=cli_actor())
    finally:
        ctx.close()
    print(f"unlocked {args.id.upper()}")
    return 0


def staff_login(args: argparse.Namespace, ctx: Any) -> Any:
    """A staff or admin account for ``--staff ID`` (PIN asked), or CliError; audited.

    An id not of the account-id form is refused before any PIN is asked (exit 2); the
    message does not repeat it (it may be a resident's name or ID number)."""
    from kiosk.services.accounts import verify_login

    try:
        staff_id = check_id(args.staff)
    except AccountError as exc:
        raise CliError(f"--staff: {exc}", exit_code=2) from exc
    pin = read_pin(args, f"PIN for {staff_id}")
    result = verify_login(ctx, args.staff, pin, roles=STAFF_ROLES)
    if result.account is None:
        if result.locked_s:
            raise CliError(f"too many wrong PINs: try again in {result.locked_s} s")
        raise CliError("wrong staff id or PIN")
    return result.account
