"""``kiosk registry load|demo|show|status``: the registry extract used for prefill (staff).

``registry show`` masks like ``cases show`` (张*明, 5002**********0133, village without
its 组, no household member's number); ``--reveal --staff ID`` (PIN asked) shows the
record in clear and is audited (``registry_revealed``, the person as ``person:<hash>``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.cli.accounts_cmd import staff_login
from kiosk.cli.common import CliError, open_context, print_json
from kiosk.cli.pin_input import add_pin_option
from kiosk.domain.errors import DomainError
from kiosk.domain.masking import mask_id_number, mask_name, mask_phone
from kiosk.registry.records import FLAG_LABELS, HOUSEHOLD_ROLES, RegistryDataError
from kiosk.services.audit import log_event, person_ref
from kiosk.services.registry import (
    RegistryStatus,
    find_resident,
    household_members,
    load_demo_data,
    load_registry_file,
    registry_status,
)


def register(sub: Any) -> None:
    reg = sub.add_parser("registry", help="load and look up the registry extract (prefill)")
    rsub = reg.add_subparsers(dest="registry_command", metavar="ACTION", required=True)

    p = rsub.add_parser("load", help="replace the registry with an extract file (JSON)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_load)

    p = rsub.add_parser("demo", help="load the demo registry (synthetic residents)")
    p.set_defaults(handler=cmd_demo)

    p = rsub.add_parser("status", help="which extract is loaded")
    p.set_defaults(handler=cmd_status)

    p = rsub.add_parser("show", help="one resident's record and household (staff only)")
    p.add_argument("id_number")
    p.add_argument("--json", action="store_true")
    p.add_argument("--reveal", action="store_true", help="show in clear (staff, audited)")
    p.add_argument("--staff", help="the staff account id that reveals (PIN asked)")
    add_pin_option(p)
    p.set_defaults(handler=cmd_show)


def _print_status(status: RegistryStatus) -> None:
    kind = "demo data" if status.demo else "extract"
    print(f"registry {kind} {status.source_version or '-'}: {status.count} resident(s)")


def cmd_load(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        status = load_registry_file(ctx, args.file)
    except RegistryDataError as exc:
        print(f"error: {args.file}: {exc.args[0]}; nothing loaded", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    finally:
        ctx.close()
    _print_status(status)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        status = load_demo_data(ctx)
    finally:
        ctx.close()
    if not status.demo:
        print("a real registry extract is loaded; demo data was not loaded over it")
        return 1
    _print_status(status)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=False)
    try:
        _print_status(registry_status(ctx))
    finally:
        ctx.close()
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    if args.reveal and not args.staff:
        raise CliError("--reveal needs --staff ID (a staff account; kiosk staff add)", 2)
    from datetime import date

    from kiosk.domain.idcard import parse_id_number

    try:  # a mistyped number is the answer before any store is looked for
        parse_id_number(args.id_number, today=date.today())
    except DomainError as exc:
        raise CliError(f"id_number: {exc}", exit_code=2) from exc
    ctx = open_context(args, create=False)
    try:
        actor = staff_login(args, ctx).actor if args.reveal else None
        resident = find_resident(ctx, args.id_number)
        members = household_members(ctx, args.id_number) if resident else []
        if actor is not None and resident is not None:
            who = person_ref(ctx.store.cipher, resident.id_number)
            log_event(ctx, actor=actor, action="registry_revealed", detail=who)
    except DomainError as exc:
        raise CliError(f"id_number: {exc}", exit_code=2) from exc
    finally:
        ctx.close()
    if resident is None:
        raise CliError("not in the registry")
    if actor is None:
        return _show_masked(args, resident, members)
    if args.json:
        print_json({"resident": resident, "household_members": members})
        return 0
    r = resident
    print(f"{r.name}  {r.sex}  {r.birth_date}（{r.age}岁）  {r.id_number}")
    role = HOUSEHOLD_ROLES[r.household_role]
    print(f"  {r.village_label}{r.group}组  户号 {r.household}（{role}）")
    print(f"  电话 {r.phone or '-'}  (据{r.sources['phone']})")
    for flag, label in FLAG_LABELS.items():
        mark = "是" if r.flags.get(flag) else "否"
        print(f"  {label}: {mark}  (据{r.sources['flags.' + flag]})")
    if r.demo:
        print("  [演示数据 demo data]")
    for m in members:
        print(f"  同户: {m.name} {m.role_label} {m.age}岁 {m.id_number}")
    return 0


def _show_masked(args: argparse.Namespace, r: Any, members: list[Any]) -> int:
    """The record as anyone at the PC may see it: masked like ``cases show`` (no birth
    date, 组, 户号, flags or household numbers, from which the number could be rebuilt)."""
    view = {
        "name": mask_name(r.name),
        "sex": r.sex,
        "id_number": mask_id_number(r.id_number),
        "village": r.village_label,
        "phone": mask_phone(r.phone or ""),
        "household_members": [{"name": mask_name(m.name), "role": m.role_label} for m in members],
        "masked": True,
    }
    if args.json:
        print_json(view)
        return 0
    print(f"{view['name']}  {r.sex}  {view['id_number']}")
    print(f"  {r.village_label}")
    print(f"  电话 {view['phone'] or '-'}")
    for m in view["household_members"]:
        print(f"  同户: {m['name']} {m['role']}")
    print("(masked: --reveal --staff ID shows the record, audited)")
    return 0
