#!/usr/bin/env bash
# Set up and run the whole test suite: ruff, mypy, then pytest under Xvfb.
#
#   bash scripts/test.sh [--no-apt] [PYTEST ARGS...]
#
# Stops at the first failing step with a non-zero exit. Arguments other than
# --no-apt go to pytest (e.g. `bash scripts/test.sh tests/unit -x`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

setup_args=()
pytest_args=()
for arg in "$@"; do
    if [[ "$arg" == "--no-apt" ]]; then
        setup_args+=(--no-apt)
    else
        pytest_args+=("$arg")
    fi
done

bash scripts/setup.sh --extras test,server,build ${setup_args[@]+"${setup_args[@]}"}

# shellcheck source=scripts/services.sh
source scripts/services.sh
kiosk_start_services

step() { printf '\n==> %s\n' "$*"; }

step "ruff check"
.venv/bin/ruff check .
step "ruff format --check"
.venv/bin/ruff format --check .
step "mypy"
.venv/bin/mypy

# Test files run in parallel, one file per worker (--dist loadfile keeps a file's shared
# servers and its CUPS queue on one worker); KIOSK_TEST_WORKERS=0 runs them in one process.
workers=(-n "${KIOSK_TEST_WORKERS:-auto}" --dist loadfile)

step "pytest"
if command -v xvfb-run >/dev/null 2>&1; then
    xvfb-run -a -s "-screen 0 1920x1080x24" \
        .venv/bin/pytest "${workers[@]}" ${pytest_args[@]+"${pytest_args[@]}"}
else
    echo "[test] xvfb-run not found: running Qt tests with QT_QPA_PLATFORM=offscreen"
    QT_QPA_PLATFORM=offscreen .venv/bin/pytest "${workers[@]}" ${pytest_args[@]+"${pytest_args[@]}"}
fi

# The installable bundle: build it once, then start it offscreen (tests marked `build`).
# Skipped when pytest was given arguments (a partial run) or KIOSK_SKIP_BUILD=1.
if [[ ${#pytest_args[@]} -eq 0 && "${KIOSK_SKIP_BUILD:-0}" != "1" ]]; then
    step "bundle build (PyInstaller)"
    bash build/build.sh --no-apt
    step "pytest -m build (the built bundle, offscreen)"
    QT_QPA_PLATFORM=offscreen .venv/bin/pytest -m build tests/e2e/test_bundle_build.py
fi
