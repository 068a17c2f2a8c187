"""Import boundaries that keep the kiosk quick to start (issue 19).

Each check runs a fresh interpreter with ``python -X importtime`` and reads which
top-level packages were imported: ``kiosk --version``/``--help`` load no library at all,
``kiosk forms list`` no store, Qt or PDF library, ``kiosk status`` on a database at head
no Alembic, the home screen neither the services, the store, printing nor the server, and
the identify page (the first screen behind 办事) neither the store nor the forms.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import make_store

from kiosk.cli import COMMANDS, build_parser

HEAVY = {"PySide6", "sqlalchemy", "reportlab", "pydantic", "pydantic_settings", "alembic", "lark"}


def imported(*code: str, data_root: Path | None = None) -> set[str]:
    """Every module imported by ``python -X importtime *code`` (names as reported)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if data_root is not None:
        env["KIOSK_HOME"] = str(data_root)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    assert names, "python -X importtime reported nothing"
    return names


def top_level(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


@pytest.mark.parametrize("arg", ["--version", "--help"])
def test_version_and_help_import_no_library(arg: str) -> None:
    names = imported("-m", "kiosk", arg)
    assert "kiosk.cli" in names
    assert not top_level(names) & HEAVY
    assert not {n for n in names if n.startswith("kiosk.") and n != "kiosk.cli"}


def test_forms_list_imports_no_store_qt_or_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_CACHE", str(tmp_path / "cache"))  # no listing yet
    names = imported("-m", "kiosk", "forms", "list", data_root=tmp_path / "home")
    assert "kiosk.forms.catalogue" in names
    assert not top_level(names) & {"PySide6", "sqlalchemy", "reportlab", "alembic"}


def test_forms_list_answers_from_its_listing_without_the_form_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the shipped catalogue was loaded, ``kiosk forms list`` reads its plain listing
    (kiosk.cli.forms_listing): no pydantic, Lark, PyYAML, store, Qt or PDF (issue 19)."""
    monkeypatch.setenv("KIOSK_CACHE", str(tmp_path / "cache"))
    first = imported("-m", "kiosk", "forms", "list", data_root=tmp_path / "home")
    assert "kiosk.forms.catalogue" in first  # the first run loads it and writes the listing
    names = imported("-m", "kiosk", "forms", "list", data_root=tmp_path / "home")
    assert "kiosk.cli.forms_listing" in names
    assert not top_level(names) & (HEAVY | {"yaml"})
    assert not {
        n for n in names if n.startswith("kiosk.forms.") and n != "kiosk.forms.catalogue_cache"
    }


def test_status_at_head_reads_the_store_with_sqlite3_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store at the head is read through kiosk.store.sqlite_reader and the policy lines
    come from the shipped listing (kiosk.cli.forms_listing): no SQLAlchemy, Alembic,
    HTTP client, form modules, Qt or PDF library, and none of the services (issue 19)."""
    monkeypatch.setenv("KIOSK_CACHE", str(tmp_path / "cache"))
    home = tmp_path / "home"
    make_store(home)  # as the kiosk's first start: status reads, never makes, a store
    imported("-m", "kiosk", "status", data_root=home)
    names = imported("-m", "kiosk", "status", data_root=home)  # writes the listing
    assert "kiosk.cli.status_quick" in names
    assert not top_level(names) & {"PySide6", "reportlab", "alembic", "sqlalchemy", "httpx"}
    names = imported("-m", "kiosk", "status", data_root=home)
    assert not top_level(names) & (HEAVY | {"httpx", "yaml"})
    for module in ("kiosk.services.context", "kiosk.services.sync", "kiosk.sync.client"):
        assert module not in names, f"kiosk status imports {module}"


def test_print_to_a_file_loads_neither_cups_nor_the_accounts(tmp_path: Path) -> None:
    """``kiosk print N --out`` renders and audits the export: CUPS (kiosk.printing.cups,
    cups_jobs) is loaded only to send a paper, the accounts service only for ``--staff``,
    and no Qt. The case is read and the export audited through sqlite3
    (kiosk.cli.print_quick): neither SQLAlchemy nor Alembic, nor the services that open
    the store, nor numpy (photographed pages are counted, not read); with the case's
    print plan not even the form code (pydantic, Lark, the engine) (issue 19)."""
    env = dict(os.environ, KIOSK_HOME=str(tmp_path))
    kiosk = [sys.executable, "-m", "kiosk"]
    example = subprocess.run(
        [*kiosk, "forms", "example", "elderly_allowance"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    answers = tmp_path / "answers.json"
    answers.write_text(example.stdout, encoding="utf-8")
    filled = subprocess.run(
        [*kiosk, "fill", "elderly_allowance", "--answers", str(answers)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    number = filled.stdout.split()[1]  # "case NUMBER UUID finalized"
    out = tmp_path / "case.pdf"
    # Finalizing stored the case's print plan (kiosk.printing.print_plan): the paper is
    # drawn without the form code.
    names = imported("-m", "kiosk", "print", number, "--out", str(out), data_root=tmp_path)
    assert out.read_bytes().startswith(b"%PDF")
    assert "kiosk.printing.print_plan" in names
    assert not top_level(names) & {"pydantic", "pydantic_core", "lark", "yaml"}
    for module in ("kiosk.forms.engine", "kiosk.forms.catalogue", "kiosk.printing.sheet"):
        assert module not in names, f"kiosk print --out with a plan imports {module}"
    # A case finalized before plans existed: built from the form, still without the store.
    db = sqlite3.connect(tmp_path / "kiosk.sqlite3")
    db.execute("UPDATE cases SET print_plan = NULL")
    db.commit()
    db.close()
    names = imported("-m", "kiosk", "print", number, "--out", str(out), data_root=tmp_path)
    assert out.read_bytes().startswith(b"%PDF")
    assert "reportlab" in top_level(names)
    assert "kiosk.cli.print_quick" in names and "kiosk.forms.engine" in names
    assert not top_level(names) & {"PySide6", "alembic", "httpx", "sqlalchemy", "numpy"}
    for module in (
        "kiosk.printing.cups",
        "kiosk.printing.cups_jobs",
        "kiosk.services.accounts",
        "kiosk.services.context",
        "kiosk.services.cases",
        "kiosk.services.printing",
        "kiosk.store.uow",
    ):
        assert module not in names, f"kiosk print --out imports {module}"


def test_opening_the_kiosk_loads_neither_printing_nor_the_forms(tmp_path: Path) -> None:
    """Every start opens the store; the form catalogue is loaded when a form is needed
    and printing when a case is signed or printed, not by opening (issue 19)."""
    code = "from kiosk.services.context import open_kiosk; open_kiosk().close()"
    imported("-c", code, data_root=tmp_path)  # creates and migrates the store
    names = imported("-c", code, data_root=tmp_path)
    kiosk_packages = {".".join(n.split(".")[:2]) for n in names if n.startswith("kiosk.")}
    assert "kiosk.store" in kiosk_packages
    assert "kiosk.printing" not in kiosk_packages
    assert "kiosk.forms.catalogue" not in names
    assert not top_level(names) & {"PySide6", "reportlab", "alembic", "lark", "pydantic"}


def test_home_screen_is_built_from_a_small_set_of_imports() -> None:
    names = imported("-c", "import kiosk.ui.app, kiosk.ui.main_window, kiosk.ui.home_page")
    assert not top_level(names) & (HEAVY - {"PySide6"})
    assert not top_level(names) & {"qtawesome", "qtpy"}  # icons: kiosk/ui/icons.py
    kiosk_packages = {".".join(n.split(".")[:2]) for n in names if n.startswith("kiosk.")}
    for package in ("kiosk.server", "kiosk.printing", "kiosk.services", "kiosk.store"):
        assert package not in kiosk_packages, f"the home screen imports {package}"
    assert "PySide6.QtPdf" not in names  # the print preview loads it on use
    # The lunar date comes after the first paint; the font cache folder and the settings
    # file's parser only when used (issue 19's seventh round).
    assert not top_level(names) & {"lunar_python", "platformdirs", "tomllib", "hashlib"}


def test_the_identify_page_needs_neither_the_store_nor_the_forms() -> None:
    """办事 opens the identify page while the store still opens (issue 19): the page and
    the window's way to it import no database, cipher, form or service module."""
    names = imported("-c", "import kiosk.ui.main_window, kiosk.ui.identify_page")
    assert not top_level(names) & (HEAVY - {"PySide6"})
    assert not top_level(names) & {"cryptography", "httpx", "yaml"}
    kiosk_packages = {".".join(n.split(".")[:2]) for n in names if n.startswith("kiosk.")}
    for package in ("kiosk.services", "kiosk.store", "kiosk.forms", "kiosk.registry"):
        assert package not in kiosk_packages, f"the identify page imports {package}"


def _registered(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Top-level command → its help, as the parser holds them."""
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {choice.dest: str(choice.help) for choice in action._choices_actions}


def test_the_command_table_matches_what_the_modules_register() -> None:
    table = {c.name: c.help for c in COMMANDS}
    assert len(table) == len(COMMANDS), "a command is listed twice"
    assert _registered(build_parser("*")) == table
    for c in COMMANDS:  # each module registers (at least) the names the table gives it
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(c.module).register(sub)
        assert c.name in sub.choices, f"{c.module} does not register {c.name}"


def test_a_sub_command_parses_with_only_its_module(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.cli import parse_args

    args = parse_args(["--data-dir", "/nowhere", "forms", "show", "elderly_allowance"])
    assert args.command == "forms" and args.data_dir == "/nowhere"
    assert callable(args.handler)
    with pytest.raises(SystemExit) as exit_:
        parse_args(["forms", "--help"])
    assert exit_.value.code == 0
    assert "check" in capsys.readouterr().out  # the forms command's own help


def test_a_kiosk_ready_for_the_first_form_loads_no_camera_nor_cipher(tmp_path: Path) -> None:
    """What the touch screen opens behind the home screen (the store, the demo data, the
    catalogue and every screen module it warms) leaves out numpy and OpenCV (the staff
    page lists cameras without them) and cryptography (loaded when a sealed value is read
    or written, or a key is; an installed kiosk at rest does neither): issue 19, idle
    memory (~8.5 MiB for cryptography, tens of MiB and ~0.2 s for numpy with OpenCV)."""
    code = (
        "from pathlib import Path; from kiosk.ui.main_window import LATER_MODULES, SCREEN_MODULES; "
        "from kiosk.services.startup import open_for_ui; "
        f"open_for_ui(Path({str(tmp_path)!r}), demo=True, warm=SCREEN_MODULES + LATER_MODULES, "
        "sync=False)"
        ".ctx.close()"
    )
    first = imported("-c", code)  # a new data root: the demo data are sealed, so loaded
    assert "cryptography" in top_level(first)  # the positive control
    names = imported("-c", code)
    assert "kiosk.ui.staff_page" in names and "kiosk.ui.devices_panel_widget" in names
    assert not top_level(names) & {"numpy", "cv2", "cryptography"}
    assert "yaml" not in top_level(names)  # the catalogue came from its cache


@pytest.mark.parametrize("server_url", ["", "https://town.example:8460"])
def test_an_unenrolled_kiosk_syncs_without_the_http_client(tmp_path: Path, server_url: str) -> None:
    """A kiosk with no town server's credentials (the demo kiosk, a new kiosk before
    enrollment, even one whose settings already name the server) never makes an HTTP
    request: its sync worker runs rounds, probes and the staff's 立即同步 without importing
    httpx, its transport or the client (issue 19: ~5.7 MiB and ~40 ms at rest). The client
    is imported when one is made: enrollment, a round with credentials (tests/integration/sync)."""
    code = f"""
import sys, time
from pathlib import Path
from kiosk.services.context import open_kiosk
from kiosk.services.sync import learn_case_numbers, start_sync_worker, sync_once
from kiosk.sync.rounds import NOT_ENROLLED, SyncOptions, probe

ctx = open_kiosk(Path({str(tmp_path / "home")!r}), server_url={server_url!r})
options = SyncOptions(probe_interval_s=0.05, pull_interval_s=0.05)
worker = start_sync_worker(ctx, options)
end = time.monotonic() + 60
while (worker.last_report is None or not worker.running) and time.monotonic() < end:
    time.sleep(0.02)
time.sleep(0.3)  # a few more rounds
worker.wake()
time.sleep(0.2)
worker.stop()
assert worker.last_report is not None and worker.last_report.error == NOT_ENROLLED
assert sync_once(ctx).error == NOT_ENROLLED
assert not probe(worker.target, options)
assert not learn_case_numbers(ctx)
ctx.close()
assert "httpx" not in sys.modules, "an un-enrolled kiosk imported httpx"
"""
    names = imported("-c", code)
    assert "kiosk.sync.rounds" in names and "kiosk.sync.worker" in names  # the control
    assert not top_level(names) & {"httpx", "httpcore", "h11", "anyio", "certifi"}
    for module in ("kiosk.sync.client", "kiosk.sync.deadline"):
        assert module not in names, f"an un-enrolled kiosk's sync imports {module}"
