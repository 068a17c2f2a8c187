"""Settings of the desk console, declared once with defaults; ``KIOSK_DESK_<NAME>`` overrides.

The town server has no settings file: like its database URL, the console reads the
environment of ``kiosk-server run``.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict


class DeskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIOSK_DESK_", extra="ignore")

    hall_name: str = "石马镇便民服务中心"  # SMS signature and page titles
    timezone: str = "Asia/Shanghai"  # "today" of the overview and the market days
    # Passwords travel only over HTTPS, or over plain HTTP from this machine (a TLS proxy
    # in front). A hall LAN without TLS must say so: KIOSK_DESK_ALLOW_HTTP=1.
    allow_http: bool = False
    session_idle_minutes: int = 60  # a desk left alone logs out after this
    session_hours: int = 10  # one working day, then log in again
    # The queue page refreshes itself this often (in the background: not activity).
    queue_refresh_seconds: int = 60
    max_failed_logins: int = 5  # then the account is locked ...
    lockout_minutes: int = 15  # ... for this long (an admin can unlock it sooner)
    # "package.module:factory" returning a kiosk.server.desk.sms.SmsGateway; default: log only.
    sms_gateway: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def lockout(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)
