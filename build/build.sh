#!/usr/bin/env bash
# Build the one-folder kiosk bundle with PyInstaller: build/dist/kiosk/kiosk.
#
#   bash build/build.sh [--no-apt]
#
# Installs the `build` extra (PyInstaller) into .venv through scripts/setup.sh, builds
# from build/kiosk.spec (work files in build/work/), then prints the bundle's size and
# the build time. Copy build/dist/kiosk/ to the kiosk PC: see docs/deployment.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

setup_args=()
[[ "${1:-}" == "--no-apt" ]] && setup_args+=(--no-apt)
bash scripts/setup.sh --extras test,server,build ${setup_args[@]+"${setup_args[@]}"}

start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
    --distpath build/dist --workpath build/work build/kiosk.spec
elapsed=$(( $(date +%s) - start ))

bundle=build/dist/kiosk
size=$(du -sh "$bundle" | cut -f1)
files=$(find "$bundle" -type f | wc -l)
printf '[build] %s: %s in %s files, built in %ss\n' "$bundle" "$size" "$files" "$elapsed"
echo "[build] try it: QT_QPA_PLATFORM=offscreen $bundle/kiosk forms check"
