"""``kiosk audit export --since DATE``: the audit trail for the town's 等保 review.

No ID numbers or names in the output: people appear as ``person:<12 hex>`` references
and any digit run in a detail is masked (kiosk.services.audit).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from kiosk.cli.common import CliError, open_context
from kiosk.cli.pin_input import cli_actor
from kiosk.services.audit import AuditRecord, export_audit, log_event

FIELDS = ("at_utc", "actor", "action", "case_number", "detail")


def register(sub: Any) -> None:
    audit = sub.add_parser("audit", help="export the audit trail")
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = asub.add_parser("export", help="audit entries from a date on (CSV or JSON lines)")
    p.add_argument("--since", required=True, help="first day, YYYY-MM-DD (local time)")
    p.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(handler=cmd_export)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CliError(f"--{name}: not a date YYYY-MM-DD: {text!r}", exit_code=2) from exc


def _utc(day: date) -> datetime:
    local = datetime.combine(day, time.min).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def _write(records: list[AuditRecord], fmt: str, out: TextIO) -> None:
    rows = [
        (r.at.isoformat(timespec="seconds") + "Z", r.actor, r.action, r.case_number or "", r.detail)
        for r in records
    ]
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        writer.writerows(rows)
    else:
        for row in rows:
            out.write(json.dumps(dict(zip(FIELDS, row, strict=True)), ensure_ascii=False) + "\n")


def cmd_export(args: argparse.Namespace) -> int:
    since = _day(args.since, "since")
    until = _day(args.until, "until") if args.until else None
    end = _utc(date.fromordinal(until.toordinal() + 1)) if until else None
    ctx = open_context(args, create=False)
    try:
        records = export_audit(ctx, since=_utc(since), until=end)
        log_event(ctx, actor=cli_actor(), action="audit_exported", detail=f"since {since}")
    finally:
        ctx.close()
    if args.out:
        try:
            with Path(args.out).open("w", encoding="utf-8", newline="") as fh:
                _write(records, args.format, fh)
        except OSError as exc:
            raise CliError(f"{args.out}: cannot write: {exc}") from exc
        print(f"{len(records)} entries written to {args.out}", file=sys.stderr)
    else:
        _write(records, args.format, sys.stdout)
    return 0
