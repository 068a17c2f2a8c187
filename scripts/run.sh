#!/usr/bin/env bash
# Set up and start the kiosk: windowed, with demo data, data under ./var/kiosk-home
# (or $KIOSK_HOME when set).
#
#   bash scripts/run.sh [--no-apt] [KIOSK ARGS...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

setup_args=()
kiosk_args=()
for arg in "$@"; do
    if [[ "$arg" == "--no-apt" ]]; then
        setup_args+=(--no-apt)
    else
        kiosk_args+=("$arg")
    fi
done

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    echo "No display found: run this from the desktop session of the kiosk PC," \
        "or set QT_QPA_PLATFORM=offscreen to try it headless" >&2
    exit 1
fi

bash scripts/setup.sh --extras server ${setup_args[@]+"${setup_args[@]}"}

export KIOSK_HOME="${KIOSK_HOME:-$PWD/var/kiosk-home}"
mkdir -p "$KIOSK_HOME"
echo "[run] data root: $KIOSK_HOME"
exec .venv/bin/kiosk --demo ${kiosk_args[@]+"${kiosk_args[@]}"}
