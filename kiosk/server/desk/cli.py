"""``kiosk-server staff …``: the desk console's named accounts.

    kiosk-server staff add NAME --desk 社保所 [--role admin] [--full-name 王芳] [--password-stdin]
    kiosk-server staff list | passwd NAME [--password-stdin] | unlock NAME
    kiosk-server staff disable NAME | enable NAME
    kiosk-server staff desks

Without ``--password-stdin`` the password is asked twice on the terminal (never echoed,
never an argument: arguments show in ``ps``). Exit codes as the rest of kiosk-server:
0 done, 1 not found, 2 bad input.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.server.desk import accounts, logins
from kiosk.server.desk.hall import load_hall


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise accounts.AccountError("password: the two entries differ")
    return first


def _run(args: argparse.Namespace, work: Any) -> int:
    from kiosk.server.cli import ServerCliError, _sessions

    with _sessions(args)() as session:
        try:
            message = work(session)
        except accounts.AccountError as exc:
            code = 1 if "no account called" in str(exc) else 2
            raise ServerCliError(str(exc), code) from exc
        session.commit()
    if message:
        print(message)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    password = _password(args)

    def work(session: Any) -> str:
        staff = accounts.add_staff(
            session,
            args.name,
            desk=args.desk,
            password=password,
            role=args.role,
            full_name=args.full_name,
        )
        return f"{staff.name} ({staff.full_name}) at {staff.desk}, role {staff.role}"

    return _run(args, work)


def cmd_list(args: argparse.Namespace) -> int:
    def work(session: Any) -> str:
        lines = []
        for s in accounts.list_staff(session):
            flags = ("" if s.active else " disabled") + (" locked" if s.locked_until else "")
            lines.append(f"{s.name:<16} {s.full_name:<8} {s.desk:<10} {s.role}{flags}")
        return "\n".join(lines)

    return _run(args, work)


def cmd_passwd(args: argparse.Namespace) -> int:
    password = _password(args)

    def work(session: Any) -> str:
        accounts.set_password(session, args.name, password)
        logins.end_all(session, accounts.find_staff(session, args.name).id)
        return f"password of {args.name} changed; its sessions ended"

    return _run(args, work)


def cmd_unlock(args: argparse.Namespace) -> int:
    def work(session: Any) -> str:
        accounts.unlock(session, args.name)
        return f"{args.name} unlocked"

    return _run(args, work)


def cmd_active(active: bool) -> Any:
    def handler(args: argparse.Namespace) -> int:
        def work(session: Any) -> str:
            accounts.set_active(session, args.name, active)
            if not active:
                logins.end_all(session, accounts.find_staff(session, args.name).id)
            return f"{args.name} {'enabled' if active else 'disabled'}"

        return _run(args, work)

    return handler


def cmd_desks(args: argparse.Namespace) -> int:
    def work(session: Any) -> str:
        hall = load_hall(session)
        return "\n".join(f"{d.name}\t{d.kind}\t{'、'.join(d.handles)}" for d in hall.desks)

    return _run(args, work)


def add_commands(sub: Any) -> None:
    """Add ``staff`` to kiosk-server's sub-commands (every action listed in ``--help``)."""
    staff = sub.add_parser(
        "staff",
        help="desk console accounts (add, list, passwd, unlock, disable, enable, desks)",
        description="Named accounts of the desk console (/desk/). Passwords are asked on "
        "the terminal or read with --password-stdin, never taken as arguments.",
    )
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    p = ssub.add_parser("add", help="a named account at a desk")
    p.add_argument("name", help="login name, e.g. wangfang")
    p.add_argument("--desk", required=True, help="社保所, 民政办 … or a village (双龙村)")
    p.add_argument("--role", choices=accounts.ROLES, default="staff")
    p.add_argument("--full-name", help="the name the pages show (default: NAME)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(handler=cmd_add)
    p = ssub.add_parser("list", help="every account: name, full name, desk, role, state")
    p.set_defaults(handler=cmd_list)
    p = ssub.add_parser("passwd", help="set a new password (ends the account's sessions)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(handler=cmd_passwd)
    p = ssub.add_parser("unlock", help="lift a lockout after failed logins")
    p.add_argument("name")
    p.set_defaults(handler=cmd_unlock)
    helps = {
        "disable": "stop an account from logging in (ends its sessions)",
        "enable": "let a disabled account log in again",
    }
    for verb, active in (("disable", False), ("enable", True)):
        p = ssub.add_parser(verb, help=helps[verb])
        p.add_argument("name")
        p.set_defaults(handler=cmd_active(active))
    p = ssub.add_parser("desks", help="the hall's desks and the routing desks each handles")
    p.set_defaults(handler=cmd_desks)
