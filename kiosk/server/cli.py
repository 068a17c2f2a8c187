"""``kiosk-server``: run the town server and administer it (enroll, cases, reference data).

Exit codes: 0 done, 1 failed or not found, 2 bad input. The database is
``--db URL``, else ``KIOSK_SERVER_DB``, else SQLite under ``KIOSK_SERVER_HOME``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kiosk.server import auth, refdata, routing
from kiosk.server.db import MIGRATED_ENV, create_server_engine, migrate_to_head, session_factory
from kiosk.sync.protocol import DEFAULT_MAX_BODY_BYTES


class ServerCliError(Exception):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _sessions(args: argparse.Namespace) -> sessionmaker[Session]:
    engine = create_server_engine(args.db)
    migrate_to_head(engine)
    return session_factory(engine)


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


# How long uvicorn's supervisor waits for a worker to answer its health ping (uvicorn's
# own default, 5 s, is shorter than a worker's start on a loaded machine: the supervisor
# then killed and restarted every worker before it served, forever).
WORKER_HEALTHCHECK_S = 60


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.server.api import create_app

    if args.max_body_bytes < 64 * 1024:
        raise ServerCliError("--max-body-bytes must be at least 65536", 2)
    if not 1 <= args.workers <= 64:
        raise ServerCliError("--workers takes 1-64", 2)
    ssl: dict[str, Any] = {}
    if args.ssl_cert:
        ssl = {"ssl_certfile": args.ssl_cert, "ssl_keyfile": args.ssl_key}
    staff_token = args.staff_token or os.environ.get("KIOSK_SERVER_STAFF_TOKEN")
    try:
        staff_token = auth.check_staff_token(staff_token)
    except ValueError as exc:
        raise ServerCliError(f"--staff-token: {exc}", 2) from exc
    common = {"host": args.host, "port": args.port, "log_level": "warning", "access_log": False}
    if args.workers > 1:
        # Migrate once here, before any worker exists; the workers (which build the app
        # themselves: kiosk.server.api.app_from_env) then skip it and start fast.
        migrate_to_head(create_server_engine(args.db))
        os.environ.update(
            {
                "KIOSK_SERVER_DB": args.db or "",
                "KIOSK_SERVER_STAFF_TOKEN": staff_token or "",
                "KIOSK_SERVER_MAX_BODY_BYTES": str(args.max_body_bytes),
                MIGRATED_ENV: "1",
            }
        )
        print(f"kiosk-server: {args.workers} workers starting on {args.host}:{args.port}")
        uvicorn.run(
            "kiosk.server.api:app_from_env",
            factory=True,
            workers=args.workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            **common,
            **ssl,
        )
        return 0
    app = create_app(args.db, staff_token=staff_token, max_body_bytes=args.max_body_bytes)
    uvicorn.run(app, **common, **ssl)
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    if not 1 <= len(args.name) <= 100 or (args.hall is not None and not 1 <= len(args.hall) <= 64):
        raise ServerCliError("--name takes 1-100 characters, --hall 1-64", 2)
    with _sessions(args)() as session:
        code = auth.create_code(session, args.name, hall=args.hall)
        session.commit()
    print(code)
    print(f"one-time code for {args.name}, valid 48 hours", file=sys.stderr)
    return 0


def cmd_devices_list(args: argparse.Namespace) -> int:
    with _sessions(args)() as session:
        devices = auth.list_devices(session)
    views = [
        {
            "id": d.id,
            "device_no": d.device_no,
            "name": d.name,
            "hall": d.hall,
            "enrolled_at": d.enrolled_at.isoformat() + "Z",
            "token_expires_at": d.token_expires_at.isoformat() + "Z"
            if d.token_expires_at
            else None,
            "revoked_at": d.revoked_at.isoformat() + "Z" if d.revoked_at else None,
        }
        for d in devices
    ]
    if args.json:
        _print_json(views)
        return 0
    for v in views:
        state = f"revoked {v['revoked_at']}" if v["revoked_at"] else "enrolled"
        number = f"{v['device_no']:02d}" if v["device_no"] else "--"
        print(f"{number}  {v['id']}  {v['name']}  {v['hall'] or '-'}  {state}")
    return 0


def cmd_devices_revoke(args: argparse.Namespace) -> int:
    from kiosk.server.devices import revoke

    with _sessions(args)() as session:
        try:
            device = revoke(session, args.device_id)  # and drops it from the devices list
        except auth.EnrollmentError as exc:
            raise ServerCliError(str(exc), exc.status) from exc
        session.commit()
    print(f"revoked {device.id} ({device.name}): its token no longer works; it may enroll again")
    return 0


def cmd_epoch_rotate(args: argparse.Namespace) -> int:
    from kiosk.server.epoch import rotate_epoch

    with _sessions(args)() as session:
        epoch = rotate_epoch(session)
        session.commit()
    print(f"new epoch {epoch}: every kiosk will check which of its cases this server holds")
    return 0


def cmd_cases_list(args: argparse.Namespace) -> int:
    with _sessions(args)() as session:
        rows = routing.list_cases(session, status=args.status, limit=args.limit)
        views = [routing.case_view(session, c, with_answers=False) for c in rows]
    if args.json:
        _print_json(views)
        return 0
    for v in views:
        done = sum(1 for t in v["tasks"] if t["state"] == "done")
        print(
            f"{v['number']}  {v['status']:<16} {v['form_id']}  {done}/{len(v['tasks'])}  {v['id']}"
        )
    return 0


def cmd_cases_show(args: argparse.Namespace) -> int:
    with _sessions(args)() as session:
        try:
            case = routing.find_case(session, args.number)
        except routing.CaseNotFound as exc:
            raise ServerCliError(str(exc)) from exc
        view = routing.case_view(session, case, with_answers=True)
    if args.json:
        _print_json(view)
        return 0
    print(f"{view['number']}  {view['form_id']} v{view['form_version']}  [{view['status']}]")
    print(f"uuid {view['id']}  device {view['device_id']}  via {view['source']}")
    for t in view["tasks"]:
        print(f"  {t['position']}. {t['desk']:<8} {t['state']:<10} {t['does']}  {t['note'] or ''}")
    return 0


def cmd_cases_advance(args: argparse.Namespace) -> int:
    with _sessions(args)() as session:
        try:
            case = routing.advance(
                session, args.number, step=args.step, note=args.note, outcome=args.outcome
            )
        except routing.RoutingError as exc:
            raise ServerCliError(str(exc)) from exc
        session.commit()
        print(f"{case.number}: {case.status}")
    return 0


def cmd_load(kind: str) -> Any:
    def handler(args: argparse.Namespace) -> int:
        with _sessions(args)() as session:
            try:
                version = refdata.load_file(session, kind, Path(args.file))
            except refdata.ReferenceError as exc:
                raise ServerCliError(str(exc), 2) from exc
            session.commit()
        print(f"{kind}: version {version}")
        return 0

    return handler


def cmd_forms_publish(args: argparse.Namespace) -> int:
    from datetime import datetime

    from kiosk.forms.publish import PublishError
    from kiosk.server.publishing import publish, superseded_warnings

    effective = None
    if args.effective:
        try:
            effective = datetime.fromisoformat(args.effective)
        except ValueError as exc:
            raise ServerCliError(f"--effective: not an ISO time: {args.effective}", 2) from exc
        if effective.tzinfo is None:
            effective = effective.astimezone()  # local time of the server
    with _sessions(args)() as session:
        try:
            body = publish(session, Path(args.folder), effective)
        except PublishError as exc:
            raise ServerCliError(f"not published:\n{exc}", 2) from exc
        session.commit()
        warnings = superseded_warnings(session, body)
    print(
        f"definitions: release {body['release']}, {len(body['files'])} file(s) signed, "
        f"effective {body['effective']}"
    )
    for warning in warnings:
        print(warning, file=sys.stderr)
    return 0


def cmd_qr_import(args: argparse.Namespace) -> int:
    from kiosk.forms.catalogue import default_catalogue
    from kiosk.server.qr_import import QrImportError, import_payloads

    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    payloads = [line.strip() for line in text.splitlines() if line.strip()]
    from kiosk.server.db import server_home
    from kiosk.server.published_forms import PublishedForms

    # Judged like cases that come over the network: by the release each names (issue 16).
    catalogue = default_catalogue()
    db_key = create_server_engine(args.db).url.render_as_string(hide_password=True)
    PublishedForms(catalogue, server_home(), db_key).refresh(force=True)
    try:
        results = import_payloads(_sessions(args), payloads, catalogue)
    except QrImportError as exc:
        raise ServerCliError(str(exc), 2) from exc
    for r in results:
        print(f"{r.case_id}: {r.status} {r.reason or ''}".rstrip())
    return 0 if all(r.status in (201, 202) for r in results) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-server", description="帮办 town server")
    parser.add_argument("--db", default=os.environ.get("KIOSK_SERVER_DB"), help="database URL")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("run", help="serve the API")
    p.add_argument("--db", default=argparse.SUPPRESS, help="database URL")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8460)
    p.add_argument(
        "--staff-token",
        help=f"bearer token for the staff API ({auth.TOKEN_RULE}; else none)",
    )
    p.add_argument("--ssl-cert", help="PEM certificate for HTTPS")
    p.add_argument("--ssl-key", help="PEM private key for HTTPS")
    p.add_argument(
        "--max-body-bytes",
        type=int,
        default=int(os.environ.get("KIOSK_SERVER_MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES),
        help="larger request bodies are refused with 413 (kiosks learn the limit)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (the form engine's checks use one core each)",
    )
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("enroll", help="print a one-time enrollment code for a kiosk")
    p.add_argument("--name", required=True, help="e.g. 石马镇大厅1号机")
    p.add_argument("--hall", help="the hall the kiosk stands in (its villages' registry data)")
    p.set_defaults(handler=cmd_enroll)

    devices = sub.add_parser("devices", help="list and revoke enrolled kiosks")
    dsub = devices.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    p = dsub.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_devices_list)
    p = dsub.add_parser("revoke", help="the token stops working; the id may enroll again")
    p.add_argument("device_id")
    p.set_defaults(handler=cmd_devices_revoke)

    epoch = sub.add_parser("epoch", help="the server's epoch (after restoring a backup)")
    esub = epoch.add_subparsers(dest="epoch_command", metavar="ACTION", required=True)
    p = esub.add_parser("rotate", help="kiosks then resend whatever this database lacks")
    p.set_defaults(handler=cmd_epoch_rotate)

    cases = sub.add_parser("cases", help="list, show and advance cases")
    csub = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    p = csub.add_parser("list")
    p.add_argument("--status")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_cases_list)
    p = csub.add_parser("show")
    p.add_argument("number", help="case number or UUID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_cases_show)
    p = csub.add_parser("advance", help="record what a desk did")
    p.add_argument("number", help="case number or UUID")
    p.add_argument("--step", required=True, help="desk name (民政办) or step id")
    p.add_argument("--note")
    p.add_argument("--outcome", choices=routing.OUTCOMES, default="done")
    p.set_defaults(handler=cmd_cases_advance)

    for kind, help_text in (("registry", "registry extract"), ("villages", "village list")):
        group = sub.add_parser(kind, help=f"load the {help_text} kiosks pull")
        gsub = group.add_subparsers(dest=f"{kind}_command", metavar="ACTION", required=True)
        p = gsub.add_parser("load")
        p.add_argument("file")
        p.set_defaults(handler=cmd_load(kind))

    forms = sub.add_parser("forms", help="publish form definitions and the district policy")
    fsub = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    p = fsub.add_parser(
        "publish", help="check and sign DIR (forms, bundles, policy.yaml) for the kiosks"
    )
    p.add_argument("folder", metavar="DIR")
    p.add_argument(
        "--effective",
        help="when kiosks switch to it, ISO time (default: now), e.g. 2027-01-01T00:00",
    )
    p.set_defaults(handler=cmd_forms_publish)

    qr = sub.add_parser("qr", help="import scanned QR data codes")
    qsub = qr.add_subparsers(dest="qr_command", metavar="ACTION", required=True)
    p = qsub.add_parser(
        "import", help="one case: identity + data code payloads, one a line, FILE or '-'"
    )
    p.add_argument("file")
    p.set_defaults(handler=cmd_qr_import)

    from kiosk.server.desk.cli import add_commands as add_staff_commands

    add_staff_commands(sub)  # kiosk-server staff … (desk console accounts)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        result: int = args.handler(args)
        return result
    except ServerCliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
