"""打印 and 重新打印: render the PDF off the GUI thread, show the preview dialog (written
with the printing service), print from it. Until printing exists, a clear placeholder."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kiosk.ui import backend
from kiosk.ui import strings as S

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


def print_with_preview(w: MainWindow, case_id: str) -> None:
    printing = backend.optional("kiosk.services.printing")
    if printing is None or not hasattr(printing, "render_case_pdf"):
        w.page.show_status(S.PRINT_PLACEHOLDER)
        return
    w.op(
        lambda: printing.render_case_pdf(w.ctx, case_id),
        lambda pdf: _preview(w, printing, case_id, pdf),
    )


def print_all_with_preview(w: MainWindow, case_ids: list[str]) -> None:
    """全部打印 on a life event's done page: one preview of the whole bundle (cover page
    and every form, ``render_bundle_pdf``), and one 打印 that prints each case in turn."""
    printing = backend.optional("kiosk.services.printing")
    if printing is None or not hasattr(printing, "render_bundle_pdf"):
        w.page.show_status(S.PRINT_PLACEHOLDER)
        return

    bundle_id = next((c.bundle_id for c in w.session.done if c.id in case_ids), None)

    def render() -> bytes:
        if bundle_id is None:
            return bytes(printing.render_case_pdf(w.ctx, case_ids[0]))
        return bytes(printing.render_bundle_pdf(w.ctx, bundle_id))

    def print_each() -> Any:
        for case_id in case_ids:
            result = _print(w, printing, case_id)
            if not getattr(result, "ok", False):
                return result  # the first that did not come out, in the service's words
        return _AllPrinted(True, S.PRINTED_ALL.format(n=len(case_ids)))

    w.op(render, lambda pdf: _open_preview(w, pdf, print_each))


class _AllPrinted:
    def __init__(self, ok: bool, message: str) -> None:
        self.ok, self.message = ok, message


def _open_preview(w: MainWindow, pdf: bytes, job: Any) -> None:
    from kiosk.ui.print_preview_dialog import PrintPreviewDialog

    dialog: Any = None

    def on_print() -> None:
        w.runner.run(
            job,
            lambda r: dialog.show_status(getattr(r, "message", ""), bool(getattr(r, "ok", False))),
            lambda exc: dialog.show_status(S.PRINT_FAILED.format(message=exc), False),
        )

    dialog = PrintPreviewDialog(pdf, on_print=on_print, parent=w)
    dialog.open()


def _print(w: MainWindow, printing: Any, case_id: str) -> Any:
    return printing.print_case(
        w.ctx, case_id, printer=w.ctx.settings.printer or None, actor=w.session.actor
    )


def _preview(w: MainWindow, printing: Any, case_id: str, pdf: bytes) -> None:
    try:
        dialog_module = importlib.import_module("kiosk.ui.print_preview_dialog")
    except ImportError:
        dialog_module = None
    if dialog_module is None:
        w.op(lambda: _print(w, printing, case_id), lambda r: _report(w, r))
        return
    dialog: Any = None

    def on_print() -> None:
        # Runs on the worker; the dialog hears back on the GUI thread.
        w.runner.run(
            lambda: _print(w, printing, case_id),
            lambda r: dialog.show_status(getattr(r, "message", ""), bool(getattr(r, "ok", False))),
            lambda exc: dialog.show_status(S.PRINT_FAILED.format(message=exc), False),
        )

    dialog = dialog_module.PrintPreviewDialog(pdf, on_print=on_print, parent=w)
    dialog.open()


def _report(w: MainWindow, result: Any) -> None:
    message = getattr(result, "message", "")
    if getattr(result, "ok", False):
        w.page.show_status(message)
    else:  # the service's words already say that nothing came out, and what to do
        w.page.show_errors([message])
