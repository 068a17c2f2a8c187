"""The data root and typed settings.

The data root is resolved in one place, in this order: the ``--data-dir`` flag,
the ``KIOSK_HOME`` environment variable, then the platform's user data folder
(platformdirs). Settings are declared once below with their types and defaults;
each can be overridden by ``KIOSK_<NAME>`` in the environment, or by the
``settings.toml`` file in the data root that staff mode writes.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "bangban-kiosk"
SETTINGS_FILE = "settings.toml"


class ConfigError(Exception):
    """A settings file or value that cannot be used (message names the file and key)."""


def resolve_data_root(flag: str | os.PathLike[str] | None = None) -> Path:
    """Return the data root: ``--data-dir`` flag, then ``KIOSK_HOME``, then the platform default."""
    if flag:
        root = Path(flag)
    elif os.environ.get("KIOSK_HOME"):
        root = Path(os.environ["KIOSK_HOME"])
    else:
        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return root.expanduser().resolve()


class Settings(BaseSettings):
    """Every setting of the kiosk, with its type and default."""

    model_config = SettingsConfigDict(env_prefix="KIOSK_", extra="ignore")

    # Identity of this device inside the hall. Its number in case numbers is assigned by
    # the town server at enrollment (kiosk.domain.case_numbers), not set here.
    device_name: str = "石马镇便民服务中心 帮办机"
    town_name: str = "石马镇"

    # Screen and access.
    font_scale: float = Field(default=1.0, ge=1.0, le=2.0)
    voice_enabled: bool = True
    idle_timeout_s: int = Field(default=120, ge=30, le=3600)
    idle_warning_s: int = Field(default=30, ge=20, le=300)
    kiosk_mode: bool = False
    # Staff and volunteers log in with named accounts (kiosk staff add / volunteers add).
    market_days: str = ""  # e.g. "2,5,8" (lunar days ending in 2, 5, 8)

    # Printing and sync.
    printer: str = ""
    # How long a print may take before it counts as not printed (and is cancelled).
    print_wait_s: int = Field(default=60, ge=5, le=900)
    server_url: str = ""
    server_ca_file: str = ""
    # Plain http:// to a server that is not this machine (`kiosk enroll --insecure`).
    allow_insecure_http: bool = False
    retention_days: int = Field(default=30, ge=1, le=3650)
    # Cases the server refused and staff never released lose their personal data too.
    quarantine_retention_days: int = Field(default=90, ge=1, le=3650)
    # Audit entries are kept at least six months (等保 review; docs/privacy.md).
    audit_retention_days: int = Field(default=365, ge=183, le=3650)
    # A receipt's one-time code proves presence until it is used or this many days pass.
    receipt_code_days: int = Field(default=90, ge=1, le=365)

    # ID card reader on a serial port ("sam:/dev/ttyUSB0", "sam:COM3"; docs/devices.md).
    # Readers that type like a keyboard need no setting.
    card_reader: str = ""

    # Demo data (synthetic registry, demo volunteers) for trying the kiosk out.
    demo_data: bool = False

    @field_validator("device_name", "town_name")
    @classmethod
    def _printable(cls, value: str) -> str:
        """Printed on every page (the hall's name): the paper's entry check (kiosk.printable)."""
        from kiosk.printable import UnprintableText, printable

        try:
            return printable(value, "服务中心名称")
        except UnprintableText as exc:
            raise ValueError(exc.message_en.split(": ", 1)[1]) from exc


def load_settings(data_root: Path, **overrides: Any) -> Settings:
    """Load settings: explicit overrides, then environment, then settings.toml, then defaults."""
    file_values: dict[str, Any] = {}
    path = data_root / SETTINGS_FILE
    if path.exists():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    env_names = {name for name in Settings.model_fields if f"KIOSK_{name.upper()}" in os.environ}
    # The environment wins over the file: drop file values that the environment sets.
    values = {k: v for k, v in file_values.items() if k not in env_names}
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from exc


def save_settings(data_root: Path, settings: Settings) -> None:
    """Write the settings that differ from the defaults to settings.toml (atomically)."""
    defaults = Settings.model_construct()
    lines = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value == getattr(defaults, name):
            continue
        lines.append(f"{name} = {_toml_value(value)}")
    path = data_root / SETTINGS_FILE
    tmp = path.with_suffix(".toml.tmp")
    # Owner-only (0600): the settings name the server and the card reader's port.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def make_private_root(root: Path) -> Path:
    """Create the data root owner-only (0700), tightening an existing one (POSIX)."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(root, 0o700)
    return root


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
