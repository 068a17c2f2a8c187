"""``kiosk cases list|show``: the cases on this kiosk, for staff and scripts."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.common import CliError, add_forms_dir, open_context, print_json, print_table
from kiosk.domain.case_states import CaseState
from kiosk.services.cases import list_cases, show_case
from kiosk.store.repositories import CaseNotFound


def register(sub: Any) -> None:
    cases = sub.add_parser("cases", help="list and show cases")
    csub = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)

    p = csub.add_parser("list", help="cases, newest first")
    p.add_argument("--state", action="append", choices=[s.value for s in CaseState])
    p.add_argument("--form")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_list)

    p = csub.add_parser("show", help="one case by number or UUID")
    p.add_argument("number")
    p.add_argument("--json", action="store_true")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_show)


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        cases = list_cases(ctx, states=args.state, form_id=args.form, limit=args.limit)
    finally:
        ctx.close()
    if args.json:
        print_json(cases)
        return 0
    print_table(
        ["NUMBER", "STATE", "FORM", "VOLUNTEER", "CREATED (UTC)"],
        [
            [
                c.number,
                c.state,
                c.form_id,
                c.volunteer_id or "-",
                c.created_at.strftime("%Y-%m-%d %H:%M"),
            ]
            for c in cases
        ],
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        detail = show_case(ctx, args.number)
    except CaseNotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    if args.json:
        print_json(detail)
        return 0
    s = detail.summary
    print(f"{s.number}  {s.form_title}  [{s.state_label} / {s.state}]")
    print(f"uuid {s.id}  form {s.form_id} v{s.form_version}  department {s.department}")
    print(f"volunteer {s.volunteer_id or '-'}  hash {detail.content_hash or '-'}")
    if detail.purged:
        print("(personal data purged after the retention period)")
    section = None
    for row in detail.rows:
        if row.section != section:
            section = row.section
            print(f"\n[{section or ''}]")
        title = f"{row.item_title} " if row.item_title else ""
        source = f"  (据{row.source})" if row.source else ""
        print(f"  {title}{row.label}  {row.display or '（未填）'}{source}")
    print("\naudit:")
    for a in detail.audit:
        print(f"  {a.at:%Y-%m-%d %H:%M:%S}  {a.actor:<16} {a.action:<10} {a.detail}")
    return 0
