"""Volunteer login and staff mode screens, and what their buttons do."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from kiosk.config import Settings, save_settings
from kiosk.services import volunteers
from kiosk.ui import backend, sync_backend
from kiosk.ui import strings as S
from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication
from kiosk.ui.staff_page import StaffPage
from kiosk.ui.volunteer_page import LoginPage, VolunteerPage

if TYPE_CHECKING:
    from kiosk.ui.main_window import MainWindow


class StaffScreens:
    def __init__(self, window: MainWindow) -> None:
        self.w = window

    # ----- volunteers ---------------------------------------------------------------------

    def show_volunteer(self) -> None:
        v = self.w.session.volunteer
        if v is None:
            page = LoginPage(
                heading=S.VOLUNTEER_HEADING,
                ask_number=True,
                on_submit=self._login,
                on_home=self.w.go_home,
                on_read=self.w.reader,
                name="volunteer-login",
            )
            self.w.show_page(page)
            return
        self.w.op(
            lambda: backend.drafts_for(self.w.ctx, v.id),
            lambda drafts: self.w.show_page(
                VolunteerPage(
                    name=v.name,
                    drafts=drafts,
                    on_resume=self.w.form.resume,
                    on_logout=self._logout,
                    on_home=self.w.go_home,
                    on_read=self.w.reader,
                )
            ),
        )

    def _login(self, number: str, pin: str) -> None:
        page = self.w.page
        self.w.op(
            lambda: volunteers.verify_volunteer(self.w.ctx, number, pin),
            lambda v: self._logged_in(page, v),
        )

    def _logged_in(self, page: Any, volunteer: volunteers.Volunteer | None) -> None:
        if volunteer is None:
            page.failed(S.LOGIN_FAILED)
            self.w.say_errors([S.LOGIN_FAILED])
            return
        self.w.session.volunteer = volunteer
        self.show_volunteer()

    def _logout(self) -> None:
        self.w.session.volunteer = None
        self.w.go_home()

    # ----- staff mode ---------------------------------------------------------------------

    def show_staff_pin(self) -> None:
        self.w.show_page(
            LoginPage(
                heading=S.STAFF_PIN_HEADING,
                ask_number=False,
                on_submit=self._staff_pin,
                on_home=self.w.go_home,
                on_read=self.w.reader,
                name="staff-pin",
            )
        )

    def _staff_pin(self, _number: str, pin: str) -> None:
        if hmac.compare_digest(pin.encode(), self.w.ctx.settings.staff_pin.encode()):
            self.show_staff()
        else:
            page = self.w.page
            if isinstance(page, LoginPage):
                page.failed(S.STAFF_PIN_WRONG)

    def show_staff(self, note: str = "") -> None:
        ctx = self.w.ctx

        def gather() -> tuple[list[str], list[Any], Any, list[Any]]:
            return (
                backend.status_lines(ctx),
                backend.recent_cases(ctx),
                sync_backend.details(ctx),
                backend.print_problems(ctx),
            )

        self.w.op(
            gather,
            lambda found: self._staff_page(found[0], found[1], found[2], note, found[3]),
        )

    def _staff_page(
        self,
        lines: list[str],
        recent: list[Any],
        sync: Any,
        note: str,
        print_problems: list[Any] | None = None,
    ) -> None:
        page = StaffPage(
            settings=self.w.ctx.settings,
            status_lines=lines,
            recent=recent,
            print_problems=print_problems,
            on_sync=self._sync,
            sync=sync,
            on_enroll=self._enroll,
            on_retry=self._retry,
            on_reprint=self._reprint,
            on_save=self._save,
            on_exit_kiosk=lambda: self.w.set_kiosk_mode(False),
            on_quit=self._quit,
            on_home=self.w.go_home,
        )
        self.w.show_page(page)
        if note:
            page.show_status(note)

    def _sync(self) -> None:
        ctx = self.w.ctx
        self.w.op(lambda: sync_backend.sync_now(ctx), self._synced)

    def _synced(self, note: str) -> None:
        self.w.sync.refresh()
        self.show_staff(note)

    def _enroll(self, url: str, code: str) -> None:
        ctx, page = self.w.ctx, self.w.page
        self.w.op(
            lambda: sync_backend.enroll(ctx, url, code),
            lambda device_id: self._synced(S.ENROLL_OK.format(device_id=device_id)),
            lambda exc: self._enroll_failed(page, exc),
        )

    def _enroll_failed(self, page: Any, exc: BaseException) -> None:
        if not isinstance(exc, sync_backend.EnrollFailed):
            self.w._op_failed(exc)
            return
        if isinstance(page, StaffPage) and page.enroll_panel is not None:
            page.enroll_panel.show_result(str(exc))
        self.w.say_errors([str(exc)])

    def _retry(self, row: sync_backend.QuarantineRow) -> None:
        ctx = self.w.ctx
        self.w.op(lambda: sync_backend.retry(ctx, row), self._synced)

    def _reprint(self, case_id: str) -> None:
        from kiosk.ui.printing_flow import print_with_preview

        print_with_preview(self.w, case_id)

    def _save(self, values: dict[str, Any]) -> None:
        ctx = self.w.ctx
        try:
            new = Settings.model_validate({**ctx.settings.model_dump(), **values})
        except ValueError as exc:
            self.w.say_errors([str(exc)])
            return

        def saved(_: object) -> None:
            ctx.settings = new
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_look(app, new.font_scale)
            self.w.speaker.enabled = new.voice_enabled
            self.w.idle.configure(new.idle_timeout_s, new.idle_warning_s)
            self.show_staff(S.SAVED)  # rebuilt at the new size

        self.w.op(lambda: save_settings(ctx.data_root, new), saved)

    def _quit(self) -> None:
        self.w.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()
