"""``kiosk sync [--once]``, ``kiosk status``, ``kiosk enroll URL CODE``: the outbox and the
town server from the command line."""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from kiosk.cli.common import CliError, case_key, open_context, print_json

# Each command imports the services it runs (issue 19): `kiosk status` needs neither the
# case service (and its duplicate check) nor the sync worker and its HTTP client.
if TYPE_CHECKING:
    from kiosk.services.sync import SyncStatus
    from kiosk.sync.rounds import SyncOptions


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="send the outbox and pull statuses (runs until Ctrl-C)")
    p.add_argument("--once", action="store_true", help="one round, then exit (1 if it failed)")
    p.add_argument("--batch-size", type=int, default=200)
    p.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    p.add_argument(
        "--retry", metavar="NUMBER", type=case_key, help="requeue a quarantined case, then sync"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("status", help="what waits for the town server")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("enroll", help="enroll this kiosk with a town server")
    p.add_argument("url", help="e.g. https://town.example:8460")
    p.add_argument("code", help="one-time code from `kiosk-server enroll`")
    p.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain http:// to another machine (token and cases unencrypted)",
    )
    p.set_defaults(handler=cmd_enroll)


def _options(args: argparse.Namespace) -> SyncOptions:
    from kiosk.sync.backoff import Backoff
    from kiosk.sync.rounds import SyncOptions

    if args.batch_size < 1 or args.timeout <= 0:
        raise CliError("--batch-size and --timeout must be positive", 2)
    return SyncOptions(
        batch_size=args.batch_size,
        timeout_s=args.timeout,
        backoff=Backoff(base_s=min(2.0, args.timeout), cap_s=300.0),
    )


def cmd_sync(args: argparse.Namespace) -> int:
    from kiosk.services.case_errors import CaseError
    from kiosk.services.sync import retry_quarantined, sync_once
    from kiosk.store.repositories import CaseNotFound

    options = _options(args)
    ctx = open_context(args, create=False)
    try:
        if args.retry:
            try:
                retry_quarantined(ctx, args.retry)
            except (CaseError, CaseNotFound) as exc:
                raise CliError(str(exc)) from exc
        if args.once:
            report = sync_once(ctx, options)
            if args.json:
                print_json(report)
            else:
                print(
                    f"sent {report.sent}, quarantined {report.quarantined}, "
                    f"failed {report.failed}, status changes {report.changes}, "
                    f"pending {report.pending}"
                )
                if report.attachments_sent or report.attachments_pending:
                    print(
                        f"photos sent {report.attachments_sent}, "
                        f"photos pending {report.attachments_pending}"
                    )
                if report.ratings_sent:
                    print(f"ratings sent {report.ratings_sent}")
                if report.error:
                    print(f"error: {report.error}", file=sys.stderr)
            return 1 if report.error else 0
        return _run_forever(ctx, options)
    finally:
        ctx.close()


def _run_forever(ctx: Any, options: SyncOptions) -> int:
    from kiosk import events
    from kiosk.services.sync import SyncBusy, start_sync_worker

    def show(status: SyncStatus) -> None:
        state = "online" if status.online else "offline" if status.online is False else "?"
        print(f"pending {status.pending}  quarantined {status.quarantined}  {state}", flush=True)

    unsubscribe = events.sync_did_progress.subscribe(show)
    try:
        worker = start_sync_worker(ctx, options)
    except SyncBusy as exc:
        unsubscribe()
        raise CliError(str(exc)) from exc
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
        unsubscribe()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.cli.status_quick import StatusFacts, quick_status

    facts = quick_status(args.data_dir)  # sqlite3 only; None: the full path answers
    if facts is None:
        from kiosk.services.published import refresh_catalogue, refused_definitions, status_lines
        from kiosk.sync.renumber import needs_reprint
        from kiosk.sync.rounds import current_status

        ctx = open_context(args, create=False)
        try:
            status = current_status(ctx.store)  # = kiosk.services.sync.sync_status
            refresh_catalogue(ctx)
            definitions, refused = status_lines(ctx), refused_definitions(ctx)
            reprint = needs_reprint(ctx.store)  # = kiosk.services.sync.needs_reprint_cases
        finally:
            ctx.close()
        facts = StatusFacts(
            asdict(status), definitions, refused, [asdict(r) for r in reprint], ctx.settings
        )
    return _show_status(facts, as_json=args.json)


def _show_status(facts: Any, *, as_json: bool) -> int:
    """Print ``kiosk status`` (text, or JSON with ``as_json``) from its StatusFacts."""
    from kiosk.devices.audio import audio_output_status
    from kiosk.devices.handwriting import handwriting_status
    from kiosk.fontchain import fonts_status
    from kiosk.services.devices_check import setting_warnings

    status = facts.status
    audio = audio_output_status()  # 朗读 needs a sound device (espeak-ng exits 0 without)
    warnings = [w.message_en for w in setting_warnings(facts.settings)]
    writing = handwriting_status()  # 手写 needs the Zinnia library and the models
    fonts_ok, fonts = fonts_status()  # names print only with every face (break19c #3)
    if as_json:
        print_json(
            {
                **status,
                "definitions": facts.definitions,
                "refused_definitions": facts.refused,
                "audio_ok": audio.ok,
                "audio": audio.detail,
                "handwriting_ok": writing.ok,
                "handwriting": writing.detail,
                "fonts_ok": fonts_ok,
                "fonts": fonts,
                "needs_reprint": facts.reprint,
                "warnings": warnings,
            }
        )
        return 0
    if not status["enrolled"]:
        print("not enrolled (kiosk enroll URL CODE)")
    online = {True: "online", False: "offline", None: "not tried yet"}[status["online"]]
    print(
        f"pending {status['pending']}  quarantined {status['quarantined']}  "
        f"photos pending {status['pages_pending']}  {online}"
    )
    if status["last_success_at"]:
        print(f"last success {status['last_success_at']:%Y-%m-%d %H:%M:%S} UTC")
    if status["last_error"]:
        print(f"last error: {status['last_error']}")
    for line in facts.definitions:
        print(line)
    sound = {True: "ok", False: "NO SOUND DEVICE (read-aloud is silent)", None: "unknown"}
    print(f"audio {sound[audio.ok]}: {audio.detail}")
    for warning in warnings:
        print(f"warning: {warning}")
    writes = "ok" if writing.ok else "OFF (the pad says 手写不可用; pinyin is used)"
    print(f"handwriting {writes}: {writing.detail}")
    print(f"fonts {'ok' if fonts_ok else 'MISSING (the kiosk cannot start or print)'}: {fonts}")
    for case in facts.reprint:
        print(
            f"需重新打印 (print again): {case['new']}, renumbered from {case['old']} "
            "(the server held that number for another case; the old paper is void)"
        )
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    from kiosk.services.sync import SyncError, enroll_device

    ctx = open_context(args)
    try:
        device_id = enroll_device(ctx, args.url, args.code, insecure=args.insecure)
    except SyncError as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.close()
    print(f"enrolled: device {device_id}")
    return 0
