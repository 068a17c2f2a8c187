"""``kiosk cases list|show``: the cases on this kiosk, for staff and scripts.

Names, ID, bank and phone numbers and sensitive answers are masked; a staff account's
``--reveal --staff ID`` (PIN asked) shows them in clear, and the reveal is audited.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from kiosk.cli.accounts_cmd import staff_login
from kiosk.cli.common import (
    CliError,
    add_forms_dir,
    case_key,
    open_context,
    print_json,
    print_table,
)
from kiosk.cli.pin_input import add_pin_option
from kiosk.domain.case_states import CaseState
from kiosk.services.audit import log_event
from kiosk.services.cases import list_cases, show_case
from kiosk.services.context import KioskContext
from kiosk.services.masked_view import HIDDEN, case_names, mask_case_detail
from kiosk.store.repositories import CaseNotFound


def _reveal_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reveal", action="store_true", help="show personal data (staff, audited)")
    p.add_argument("--staff", help="the staff account id that reveals (PIN asked)")
    add_pin_option(p)


def _revealer(args: argparse.Namespace, ctx: KioskContext) -> str | None:
    """The staff actor when --reveal is allowed, None without --reveal; CliError if refused."""
    if not args.reveal:
        return None
    if not args.staff:
        raise CliError("--reveal needs --staff ID (a staff account; kiosk staff add)", 2)
    actor: str = staff_login(args, ctx).actor
    return actor


def register(sub: Any) -> None:
    cases = sub.add_parser("cases", help="list and show cases")
    csub = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)

    p = csub.add_parser("list", help="cases, newest first")
    p.add_argument("--state", action="append", choices=[s.value for s in CaseState])
    p.add_argument("--form")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    _reveal_options(p)
    add_forms_dir(p)
    p.set_defaults(handler=cmd_list)

    p = csub.add_parser("show", help="one case by number or UUID")
    p.add_argument("number", type=case_key)
    p.add_argument("--json", action="store_true")
    _reveal_options(p)
    add_forms_dir(p)
    p.set_defaults(handler=cmd_show)


def cmd_list(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=False)
    try:
        actor = _revealer(args, ctx)
        cases = list_cases(ctx, states=args.state, form_id=args.form, limit=args.limit)
        names = case_names(ctx, [c.id for c in cases], reveal=actor is not None)
        if actor is None:  # the desk's note may name people: only where the case is shown
            cases = [replace(c, server_note=HIDDEN if c.server_note else None) for c in cases]
        if actor is not None:
            log_event(ctx, actor=actor, action="revealed", detail=f"cases list ({len(cases)})")
    finally:
        ctx.close()
    if args.json:
        print_json([{**c.__dict__, "names": names.get(c.id, "")} for c in cases])
        return 0
    print_table(
        ["NUMBER", "STATE", "FORM", "NAMES", "VOLUNTEER", "CREATED (UTC)", "BUNDLE"],
        [
            [
                c.number,
                c.state,
                c.form_id,
                names.get(c.id, "-") or "-",
                c.volunteer_id or "-",
                c.created_at.strftime("%Y-%m-%d %H:%M"),
                c.bundle_id or "-",
            ]
            for c in cases
        ],
    )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    ctx = open_context(args, create=False)
    try:
        actor = _revealer(args, ctx)
        detail = show_case(ctx, args.number)
        form = ctx.catalogue.get(detail.summary.form_id, detail.summary.form_version)
        if actor is None:
            detail = mask_case_detail(form, detail)
        else:
            log_event(ctx, actor=actor, action="revealed", case_number=detail.summary.number)
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
    if s.bundle_id:
        print(f"bundle {s.bundle_id}  (kiosk print --bundle {s.bundle_id} --out FILE.pdf)")
    if detail.purged:
        print("(personal data purged after the retention period)")
    print(f"告知同意 consent: {detail.consent or '- (none recorded)'}")
    print(f"好差评 rating: {_rating_line(detail.rating, detail.rating_reason)}")
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


def _rating_line(level: str | None, reason: str | None) -> str:
    """``不满意 (dissatisfied), reason 等的时间太长 (waited)``, or ``- (not rated)``."""
    from kiosk.services.ratings import LEVELS, REASONS

    if level is None:
        return "- (not rated)"
    line = f"{LEVELS.get(level, level)} ({level})"
    if reason is not None:
        line += f", reason {REASONS.get(reason, reason)} ({reason})"
    return line
