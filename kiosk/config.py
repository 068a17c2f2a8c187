"""The data root and typed settings.

The data root is resolved in one place, in this order: the ``--data-dir`` flag,
the ``KIOSK_HOME`` environment variable, then the platform's user data folder
(platformdirs). Settings are declared once below with their types, defaults and
bounds; each can be overridden by ``KIOSK_<NAME>`` in the environment, or by the
``settings.toml`` file in the data root that staff mode writes.

The settings are a plain dataclass checked in ``__post_init__`` (no pydantic here: the
kiosk reads its settings before its first screen, and pydantic-settings cost ~150 ms of
import). Values from TOML or the environment are converted as pydantic's lax mode did
("120" → 120, "true"/"1"/"yes" → True) and the error messages keep pydantic's words.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

APP_NAME = "bangban-kiosk"
SETTINGS_FILE = "settings.toml"
ENV_PREFIX = "KIOSK_"


class ConfigError(Exception):
    """A settings file or value that cannot be used (message names the file and key)."""


class DataRootError(ConfigError):
    """The data folder, or the store in it, cannot be used (message names the path)."""


class StoreBusy(DataRootError):
    """Another program holds a lock on the store for longer than the busy timeout: not
    damage, and it passes (the kiosk's start tries again, kiosk.services.startup)."""


class SettingsError(ValueError):
    """One or more settings out of type or bounds; ``problems`` is [(name, message)]."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems))
        self.problems = problems


def resolve_data_root(flag: str | os.PathLike[str] | None = None) -> Path:
    """Return the data root: ``--data-dir`` flag, then ``KIOSK_HOME``, then the platform default."""
    if flag is not None and not str(flag).strip():
        raise DataRootError("--data-dir is empty: give the data folder's path")
    if flag:
        root = Path(flag)
    elif os.environ.get("KIOSK_HOME"):
        root = Path(os.environ["KIOSK_HOME"])
    else:
        import platformdirs

        root = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return root.expanduser().resolve()


def _bounded(default: float, ge: float, le: float) -> Any:
    return field(default=default, metadata={"ge": ge, "le": le})


@dataclass
class Settings:
    """Every setting of the kiosk, with its type and default.

    Raises SettingsError (a ValueError) naming each field of the wrong type or out of
    bounds. ``model_fields``/``model_dump``/``model_copy``/``model_validate`` keep the
    pydantic names the callers use.
    """

    # Identity of this device inside the hall. Its number in case numbers is assigned by
    # the town server at enrollment (kiosk.domain.case_numbers), not set here.
    device_name: str = "石马镇便民服务中心 帮办机"
    town_name: str = "石马镇"

    # Screen and access.
    font_scale: float = _bounded(1.0, ge=1.0, le=2.0)
    voice_enabled: bool = True
    idle_timeout_s: int = _bounded(120, ge=30, le=3600)
    idle_warning_s: int = _bounded(30, ge=20, le=300)
    kiosk_mode: bool = False
    # Staff and volunteers log in with named accounts (kiosk staff add / volunteers add).
    market_days: str = ""  # e.g. "2,5,8" (lunar days ending in 2, 5, 8)

    # Printing and sync.
    printer: str = ""
    # How long a print may take before it counts as not printed (and is cancelled).
    print_wait_s: int = _bounded(60, ge=5, le=900)
    server_url: str = ""
    server_ca_file: str = ""
    # Plain http:// to a server that is not this machine (`kiosk enroll --insecure`).
    allow_insecure_http: bool = False
    retention_days: int = _bounded(30, ge=1, le=3650)
    # Cases the server refused and staff never released lose their personal data too.
    quarantine_retention_days: int = _bounded(90, ge=1, le=3650)
    # Audit entries are kept at least six months (等保 review; docs/privacy.md).
    audit_retention_days: int = _bounded(365, ge=183, le=3650)
    # A receipt's one-time code proves presence until it is used or this many days pass.
    receipt_code_days: int = _bounded(90, ge=1, le=365)

    # ID card reader on a serial port ("sam:/dev/ttyUSB0", "sam:COM3"; docs/devices.md).
    # Readers that type like a keyboard need no setting.
    card_reader: str = ""

    # Materials captured at the kiosk (docs/devices.md). ``camera``: "" none, "auto" the
    # first camera Qt finds, or the camera's description as Qt names it; ``scan_folder``:
    # a folder a scanner saves into (watched). Photos below ``min_sharpness`` (variance
    # of the Laplacian on the cropped page, 1000 px wide) are refused as blurred.
    camera: str = ""
    scan_folder: str = ""
    min_sharpness: float = _bounded(60.0, ge=0.0, le=10000.0)
    attachment_max_bytes: int = _bounded(15_000_000, ge=100_000, le=100_000_000)
    # Receipt slip (回执) on a thermal printer: "" none, "file:/path" (bytes appended),
    # "usb:VID:PID", "net:HOST[:PORT]", "serial:/dev/ttyUSB0", or "cups:QUEUE" (raw).
    receipt_printer: str = ""
    receipt_width_mm: int = _bounded(58, ge=58, le=80)
    receipt_enabled: bool = True
    hall_phone: str = ""

    # Demo data (synthetic registry, demo volunteers) for trying the kiosk out.
    demo_data: bool = False

    model_fields: ClassVar[tuple[str, ...]] = ()  # set below: the field names, in order

    def __post_init__(self) -> None:
        problems = []
        for f in dataclasses.fields(self):
            try:
                value = _convert(getattr(self, f.name), f.type)
                _check_bounds(value, f.metadata)
            except ValueError as exc:
                problems.append((f.name, str(exc)))
                continue
            if f.name in _PRINTED and value != f.default:
                try:
                    value = _printable(value)  # NFC, or refused
                except ValueError as exc:
                    problems.append((f.name, str(exc)))
                    continue
            object.__setattr__(self, f.name, value)
        if problems:
            raise SettingsError(problems)

    @classmethod
    def model_validate(cls, values: dict[str, Any]) -> Settings:
        """Settings from a mapping; unknown keys are ignored (as ``extra="ignore"``)."""
        return cls(**{k: v for k, v in values.items() if k in cls.model_fields})

    def model_dump(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Settings:
        """A copy with ``update`` applied, checked like a new Settings."""
        return dataclasses.replace(self, **(update or {}))


Settings.model_fields = tuple(f.name for f in dataclasses.fields(Settings))

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def _convert(value: Any, kind: Any) -> Any:
    """``value`` as the field's type (``kind`` is the annotation's text), lax like pydantic."""
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueError("Input should be a valid boolean")
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise ValueError("Input should be a valid integer")
    if kind == "float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        raise ValueError("Input should be a valid number")
    if not isinstance(value, str):
        raise ValueError("Input should be a valid string")
    return value


def _check_bounds(value: Any, metadata: Any) -> None:
    if "ge" in metadata and value < metadata["ge"]:
        raise ValueError(f"Input should be greater than or equal to {metadata['ge']}")
    if "le" in metadata and value > metadata["le"]:
        raise ValueError(f"Input should be less than or equal to {metadata['le']}")


# Printed on every page (the hall's name): the paper's entry check (kiosk.printable). The
# defaults print; only a changed value loads the font chain (settings are read before the
# first screen, issue 19).
_PRINTED = ("device_name", "town_name")


def _printable(value: str) -> str:
    from kiosk.printable import UnprintableText, printable

    try:
        return printable(value, "服务中心名称")
    except UnprintableText as exc:
        raise ValueError(exc.message_en.split(": ", 1)[1]) from exc


def load_settings(data_root: Path, **overrides: Any) -> Settings:
    """Load settings: explicit overrides, then environment (``KIOSK_<NAME>``), then
    settings.toml, then defaults. Raises ConfigError naming the file and every bad key."""
    file_values: dict[str, Any] = {}
    path = data_root / SETTINGS_FILE
    if path.exists():
        import tomllib  # only with a settings file (~5 ms of the home screen, issue 19)

        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except OSError as exc:  # a folder of that name, no permission to read it
            raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    env = {k.upper(): v for k, v in os.environ.items()}
    values = {k: v for k, v in file_values.items() if k in Settings.model_fields}
    source = {name: str(path) for name in values}  # where each value came from
    for name in Settings.model_fields:  # the environment wins over the file
        if f"{ENV_PREFIX}{name.upper()}" in env:
            values[name] = env[f"{ENV_PREFIX}{name.upper()}"]
            source[name] = f"the environment variable {ENV_PREFIX}{name.upper()}"
    values.update(overrides)
    try:
        return Settings(**values)
    except SettingsError as exc:
        problems = "; ".join(
            f"{name}: {message} (from {source.get(name, 'the command line')})"
            for name, message in exc.problems
        )
        raise ConfigError(f"bad settings: {problems}") from exc


def save_settings(data_root: Path, settings: Settings) -> None:
    """Write the settings that differ from the defaults to settings.toml (atomically)."""
    defaults = Settings()
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
    """Create the data root owner-only (0700), tightening an existing one (POSIX).

    Returns ``root``. Raises DataRootError naming the folder when it is a file, cannot be
    made, or cannot be written (a read-only disk, another user's folder): a kiosk that
    cannot save a case must say so before anyone fills a form, never with a traceback.
    """
    if root.exists() and not root.is_dir():
        raise DataRootError(f"data folder {root} is a file, not a folder (check --data-dir)")
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix" and (root.stat().st_mode & 0o777) != 0o700:
            os.chmod(root, 0o700)
    except OSError as exc:
        raise DataRootError(f"data folder {root} cannot be used: {exc.strerror}") from exc
    if not os.access(root, os.W_OK | os.X_OK):
        raise DataRootError(f"data folder {root} is read-only: cases could not be saved")
    return root


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
