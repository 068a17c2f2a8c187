"""The deployed bundle runs Python with -OO (build/kiosk.spec: ``optimize=2``): no
docstrings, no ``assert``. Here the kiosk's paths run the same way, in subprocesses with
``PYTHONOPTIMIZE=2``, so that a library (or our code) that needs a docstring or an assert
fails here and not on a kiosk PC: fill a case, print it, scan its printed codes back, issue
a receipt, enrol with the town server and sync, read the status, and start the touch
screen until its store is open."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FORM_ID, example
from server_process import ServerProcess

KIOSK = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


def _optimized_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONOPTIMIZE="2", QT_QPA_PLATFORM="offscreen")
    # Written once, the -OO byte code (*.opt-2.pyc) makes the later commands quick.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("KIOSK_HOME", None)
    return env


def _kiosk(root: Path, *args: str) -> str:
    run = subprocess.run(
        [*KIOSK, "--data-dir", str(root), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=_optimized_env(),
    )
    assert run.returncode == 0, f"kiosk {' '.join(args)}: {run.stdout}{run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr
    return run.stdout


def test_the_interpreter_really_runs_optimized() -> None:
    probe = "import sys; assert False; print(sys.flags.optimize, __doc__)"
    run = subprocess.run(
        [sys.executable, "-c", f'"""doc"""\n{probe}'],
        capture_output=True,
        text=True,
        env=_optimized_env(),
    )
    assert run.stdout.split() == ["2", "None"], run.stdout + run.stderr


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_a_case_is_filled_printed_scanned_and_synced_under_oo(
    sqlite_server: ServerProcess, tmp_path: Path
) -> None:
    root = tmp_path / "kiosk"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    _kiosk(root, "forms", "check")
    _kiosk(root, "fill", FORM_ID, "--answers", str(answers))
    (case,) = json.loads(_kiosk(root, "cases", "list", "--json"))

    pdf = tmp_path / "case.pdf"
    _kiosk(root, "print", case["number"], "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    page = next(tmp_path.glob("p*.png"))
    verified = _kiosk(root, "qr", "verify", "--image", str(page))
    assert case["number"] in verified and "Traceback" not in verified, verified
    _kiosk(root, "receipt", case["number"], "--pdf", str(tmp_path / "slip.pdf"))

    code = sqlite_server.admin("enroll", "--name", "石马镇大厅9号机").strip()
    _kiosk(root, "enroll", sqlite_server.url, code)
    synced = _kiosk(root, "sync", "--once")
    assert "pending 0" in synced, synced
    shown = json.loads(sqlite_server.admin("cases", "show", case["id"], "--json"))
    given = json.loads(answers.read_text(encoding="utf-8"))
    assert {name: shown["answers"][name] for name in given} == given  # and its calculations
    assert "sent" in _kiosk(root, "cases", "show", case["number"])
    assert "online" in _kiosk(root, "status")


def test_the_touch_screen_opens_its_store_under_oo(tmp_path: Path) -> None:
    env = _optimized_env() | {"KIOSK_STARTUP_MARK": "1"}
    data = str(tmp_path / "data")
    # --quit-after-ms bounds the test: a kiosk that never opens its store ends by itself.
    command = [sys.executable, "-m", "kiosk", "--data-dir", data, "--demo", "--quit-after-ms"]
    command.append("120000")
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as kiosk:
        assert kiosk.stdout is not None
        marks = []
        for line in kiosk.stdout:  # a first start migrates and loads the demo: seconds
            marks.append(line.split()[0])
            if marks[-1] == "KIOSK_READY_MARK":
                break
        kiosk.terminate()
        _out, err = kiosk.communicate(timeout=60)
    assert marks[:1] == ["KIOSK_STARTUP_MARK"] and marks[-1] == "KIOSK_READY_MARK", marks
    assert "Traceback" not in err, err
