"""Volunteer login and staff mode screens, and what their buttons do.

Both log in with a named account (kiosk.services.accounts): wrong PINs lock the id out
with a growing delay, said in words. Staff mode takes staff and admin accounts; every
staff action is audited with the account (``staff:S01``); settings and enrollment need
an admin account. Leaving staff mode (回首页, the idle wipe) logs the staff member out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from kiosk.config import Settings, save_settings
from kiosk.devices.audio import AudioStatus, audio_output_status
from kiosk.services import accounts
from kiosk.services.audit import log_event
from kiosk.ui import backend, sync_backend
from kiosk.ui import strings as S
from kiosk.ui.look import apply_look
from kiosk.ui.qt import QApplication, QTimer
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
            lambda: accounts.verify_login(self.w.ctx, number, pin),
            lambda result: self._logged_in(page, result),
        )

    def _refused(self, page: Any, result: accounts.LoginResult, wrong: str) -> bool:
        """Say why a login failed (locked: for how long); True when it failed."""
        if result.account is not None:
            return False
        if result.bad_id:
            message = S.LOGIN_BAD_ID
        elif result.locked_s:
            message = S.LOGIN_LOCKED.format(seconds=result.locked_s)
        else:
            message = wrong
        page.failed(message)
        self.w.say_errors([message])
        return True

    def _logged_in(self, page: Any, result: accounts.LoginResult) -> None:
        if self._refused(page, result, S.LOGIN_FAILED):
            return
        self.w.session.volunteer = result.account
        self.show_volunteer()

    def _logout(self) -> None:
        self.w.session.volunteer = None
        self.w.go_home()

    # ----- staff mode ---------------------------------------------------------------------

    def show_staff_pin(self) -> None:
        self.w.show_page(
            LoginPage(
                heading=S.STAFF_PIN_HEADING,
                ask_number=True,
                number_label=S.STAFF_ID,
                on_submit=self._staff_pin,
                on_home=self.w.go_home,
                on_read=self.w.reader,
                name="staff-pin",
            )
        )

    def _staff_pin(self, number: str, pin: str) -> None:
        page = self.w.page
        self.w.op(
            lambda: accounts.verify_login(self.w.ctx, number, pin, roles=accounts.STAFF_ROLES),
            lambda result: self._staff_logged_in(page, result),
        )

    def _staff_logged_in(self, page: Any, result: accounts.LoginResult) -> None:
        if self._refused(page, result, S.STAFF_PIN_WRONG):
            return
        self.w.session.staff = result.account
        self.show_staff()

    @property
    def _actor(self) -> str:
        staff = self.w.session.staff
        return staff.actor if staff else "staff:?"

    def _audited(self, action: str, detail: str = "") -> None:
        """Audit a staff action by the logged-in account (runs on the worker thread)."""
        log_event(self.w.ctx, actor=self._actor, action=action, detail=detail)

    def show_staff(self, note: str = "") -> None:
        ctx = self.w.ctx
        if self.w.session.staff is None:  # never without a login
            self.show_staff_pin()
            return

        def gather() -> tuple[list[str], list[Any], Any, list[Any], list[str], AudioStatus]:
            return (
                [*backend.status_lines(ctx), backend.rating_line(ctx)],
                backend.recent_cases(ctx),
                sync_backend.details(ctx),
                backend.print_problems(ctx),
                backend.definition_lines(ctx),
                audio_output_status(),  # 朗读 into no device is silent: say so to staff
            )

        self.w.op(
            gather,
            lambda found: self._staff_page(
                found[0], found[1], found[2], note, found[3], found[4], audio=found[5]
            ),
        )

    def _staff_page(
        self,
        lines: list[str],
        recent: list[Any],
        sync: Any,
        note: str,
        print_problems: list[Any] | None = None,
        definitions: list[str] | None = None,
        *,
        audio: AudioStatus | None = None,
    ) -> None:
        staff = self.w.session.staff
        admin = staff is not None and staff.is_admin
        page = StaffPage(
            badge=S.STAFF_BADGE.format(name=staff.name, id=staff.id) if staff else None,
            admin=admin,
            settings=self.w.ctx.settings,
            status_lines=lines,
            recent=recent,
            print_problems=print_problems,
            definitions=definitions,
            audio=audio,
            on_sync=self._sync,
            sync=sync,
            on_enroll=self._enroll,
            on_retry=self._retry,
            on_reprint=self._reprint,
            on_save=self._save,
            on_test_device=partial(self._test_device, None),
            on_capture=self._capture,
            on_exit_kiosk=self._exit_kiosk,
            on_quit=self._quit,
            on_home=self.w.go_home,
        )
        self.w.show_page(page)
        if note:
            page.show_status(note)
        self._devices_page = page

    def _sync(self) -> None:
        ctx = self.w.ctx

        def run() -> str:
            self._audited("sync_now")
            return sync_backend.sync_now(ctx)

        self.w.op(run, self._synced)

    def _synced(self, note: str) -> None:
        self.w.sync.refresh()
        self.show_staff(note)

    def _enroll(self, url: str, code: str) -> None:
        ctx, page = self.w.ctx, self.w.page
        staff = self.w.session.staff
        if staff is None or not staff.is_admin:
            self.w.say_errors([S.ADMIN_ONLY])
            return

        def run() -> str:
            self._audited("enroll", url[:100])
            return sync_backend.enroll(ctx, url, code)

        self.w.op(
            run,
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

        def run() -> str:
            self._audited("retry_quarantined", row.number)
            return sync_backend.retry(ctx, row)

        self.w.op(run, self._synced)

    def _reprint(self, case_id: str) -> None:
        from kiosk.ui.printing_flow import print_with_preview

        self.w.op(lambda: self._audited("reprint", case_id), lambda _: None)
        print_with_preview(self.w, case_id)

    def _save(self, values: dict[str, Any]) -> None:
        ctx = self.w.ctx
        staff = self.w.session.staff
        if staff is None or not staff.is_admin:
            self.w.say_errors([S.ADMIN_ONLY])
            return
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

        def run() -> None:
            save_settings(ctx.data_root, new)
            changed = sorted(k for k in values if getattr(ctx.settings, k) != getattr(new, k))
            self._audited("settings_saved", ",".join(changed))

        self.w.op(run, saved)

    def _capture(self, case_id: str) -> None:
        """拍材料 for a case (staff adds pages later: a new audited version)."""
        from kiosk.ui.capture_flow import open_capture

        open_capture(self.w, case_id, on_done=self.show_staff)

    def _test_device(self, _unused: None, device: str, values: dict[str, Any]) -> None:
        """测试 a device with the values on the page (saved or not); says what it found."""
        from kiosk.services import devices_check

        page = getattr(self, "_devices_page", None)
        try:
            settings = Settings.model_validate({**self.w.ctx.settings.model_dump(), **values})
        except ValueError as exc:
            self.w.say_errors([str(exc)])
            return
        checks = {
            "camera": devices_check.check_camera,
            "scan_folder": devices_check.check_scan_folder,
            "receipt_printer": devices_check.check_receipt_printer,
        }
        if page is not None:
            page.devices.show_result(S.DEVICE_TESTING)

        def shown(check: devices_check.DeviceCheck) -> None:
            if page is not None:
                page.devices.show_result(check.message)

        if device == "camera" and self._test_qt_camera(settings, shown):
            self.w.op(lambda: self._audited("device_test", device), lambda _: None)
            return
        self.w.runner.run(
            partial(checks[device], settings),
            shown,
            lambda exc: shown(devices_check.DeviceCheck(device, False, str(exc), str(exc))),
        )
        self.w.op(lambda: self._audited("device_test", device), lambda _: None)

    def _test_qt_camera(self, settings: Settings, shown: Callable[[Any], None]) -> bool:
        """Test an ``auto`` / ``qt:NAME`` camera through QtMultimedia (on the GUI thread,
        where Qt's camera lives): open it, take the frame it shows after a moment, judge
        it off the GUI thread. False when the setting is not one (or ``auto`` finds no
        QtMultimedia camera: OpenCV's test runs then)."""
        from kiosk.services import devices_check
        from kiosk.ui.qt_camera import open_qt_camera

        setting = settings.camera.strip()
        if setting != "auto" and not setting.startswith("qt:"):
            return False
        camera = open_qt_camera(setting)
        if camera is None:
            if setting == "auto":
                return False
            shown(devices_check.DeviceCheck(
                "camera", False, "找不到这个摄像头，请检查连接线。", f"no camera {setting}"
            ))  # fmt: skip
            return True

        def grab() -> None:
            frame = camera.read()
            camera.close()
            self.w.runner.run(
                partial(devices_check.judge_frame, settings, frame),
                shown,
                lambda exc: shown(devices_check.DeviceCheck("camera", False, str(exc), str(exc))),
            )

        QTimer.singleShot(2000, grab)  # the first frames of a camera are dark or missing
        return True

    def _exit_kiosk(self) -> None:
        self.w.op(lambda: self._audited("exit_kiosk_mode"), lambda _: None)
        self.w.set_kiosk_mode(False)

    def _quit(self) -> None:
        log_event(self.w.ctx, actor=self._actor, action="quit")
        self.w.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()
