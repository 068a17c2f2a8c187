"""Settings (kiosk/config.py): types, bounds, and where each value comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, Settings, load_settings, save_settings


def test_defaults_and_order_of_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.toml").write_text(
        'town_name = "东河镇"\nidle_timeout_s = 300\nunknown_key = 1\n', encoding="utf-8"
    )
    monkeypatch.setenv("KIOSK_IDLE_TIMEOUT_S", "600")  # the environment beats the file
    monkeypatch.setenv("kiosk_voice_enabled", "no")  # names are not case-sensitive
    settings = load_settings(tmp_path, font_scale=1.5)  # overrides beat both
    assert settings.town_name == "东河镇"
    assert settings.idle_timeout_s == 600
    assert settings.voice_enabled is False
    assert settings.font_scale == 1.5
    assert settings.retention_days == Settings().retention_days == 30


def test_bad_values_name_the_file_and_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "settings.toml").write_text(
        'idle_timeout_s = 5\nfont_scale = "big"\n', encoding="utf-8"
    )
    monkeypatch.setenv("KIOSK_KIOSK_MODE", "perhaps")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path)
    text = str(err.value)
    assert str(tmp_path / "settings.toml") in text
    assert "idle_timeout_s: Input should be greater than or equal to 30" in text
    assert "font_scale: Input should be a valid number" in text
    assert "kiosk_mode: Input should be a valid boolean" in text


def test_not_toml(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text("town_name = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(tmp_path)


def test_constructor_copy_and_validate_check_bounds() -> None:
    with pytest.raises(ValueError, match="audit_retention_days"):
        Settings(audit_retention_days=90)
    with pytest.raises(ValueError, match="less than or equal to 2"):
        Settings().model_copy(update={"font_scale": 3})
    new = Settings.model_validate({**Settings().model_dump(), "print_wait_s": "90", "x": 1})
    assert new.print_wait_s == 90
    assert "server_url" in Settings.model_fields


def test_saved_settings_round_trip(tmp_path: Path) -> None:
    settings = Settings(server_url="https://town.example", kiosk_mode=True, font_scale=1.25)
    save_settings(tmp_path, settings)
    text = (tmp_path / "settings.toml").read_text(encoding="utf-8")
    assert "retention_days" not in text  # defaults are not written
    assert load_settings(tmp_path) == settings
    assert (tmp_path / "settings.toml").stat().st_mode & 0o777 == 0o600
