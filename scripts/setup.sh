#!/usr/bin/env bash
# Set up the kiosk in this checkout: Debian packages, .venv, Python packages.
#
#   bash scripts/setup.sh [--no-apt] [--extras test,server]
#
# Idempotent and fast the second time: apt-get runs only when a package is
# missing, and pip runs only when pyproject.toml is newer than the stamp file
# .venv/.setup-stamp-<extras>. KIOSK_NO_APT=1 is the same as --no-apt.
# run.sh uses --extras server, test.sh uses --extras test,server (the default).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"
VENV="$REPO/.venv"

EXTRAS="test,server"
NO_APT="${KIOSK_NO_APT:-0}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-apt) NO_APT=1 ;;
        --extras) EXTRAS="${2:?--extras needs a value, e.g. --extras test,server}"; shift ;;
        --extras=*) EXTRAS="${1#--extras=}" ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

APT_PACKAGES=(
    xvfb xauth
    libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
    libxcb-xinerama0 libxcb-shape0 libxcb-randr0 libxkbcommon-x11-0
    libegl1 libgl1 libpulse0 libdbus-1-3 libfontconfig1
    poppler-utils cups cups-ipp-utils printer-driver-cups-pdf espeak-ng python3-venv
    libpango-1.0-0 libpangoft2-1.0-0
    libzinnia0 tegaki-zinnia-simplified-chinese tegaki-zinnia-japanese  # 手写 (kiosk/devices/handwriting.py)
    libusb-1.0-0  # pyusb's backend: usb:VID:PID receipt printers
    binutils  # objdump: PyInstaller's binary analysis (build/build.sh)
    libpython3-dev  # libpython3.X.so.1.0: PyInstaller refuses to build without the shared libpython
    chromium chromium-driver  # desk console browser tests (Playwright drives /usr/bin/chromium)
)

say() { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages -------------------------------------------------------
install_apt_packages() {
    if [[ "$NO_APT" == "1" ]]; then
        say "skipping Debian packages (--no-apt / KIOSK_NO_APT=1)"
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        warn "not a Debian/Ubuntu system: install the equivalents of these by hand: ${APT_PACKAGES[*]}"
        return 0
    fi
    local missing=() pkg
    for pkg in "${APT_PACKAGES[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    local line="apt-get update && apt-get install -y ${missing[*]}"
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        # Use sudo when it can ask (a terminal) or needs no password; never hang in CI.
        if command -v sudo >/dev/null 2>&1 && { [[ -t 0 ]] || sudo -n true 2>/dev/null; }; then
            sudo=(sudo)
        else
            warn "missing Debian packages and no root/sudo here. Ask an administrator to run:"
            printf '\n    sudo sh -c "%s"\n\n' "$line" >&2
            warn "continuing without them; a later step that needs them will fail"
            return 0
        fi
    fi
    say "installing missing Debian packages: ${missing[*]}"
    if ! ${sudo[@]+"${sudo[@]}"} apt-get update ||
        ! ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y "${missing[@]}"; then
        warn "apt-get failed; to retry by hand: $line"
        warn "continuing; a later step that needs these packages will fail"
    fi
}

# --- 2. Python 3.11+ ----------------------------------------------------------
python_ok() { # python_ok EXE: true when EXE runs and is Python 3.11 or newer
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

make_venv() {
    if [[ -x "$VENV/bin/python" ]] && python_ok "$VENV/bin/python"; then
        return 0
    fi
    local python
    if ! python="$(find_python)"; then
        echo "[setup] ERROR: Python 3.11 or newer was not found (tried python3.11, python3)." >&2
        echo "[setup] Install it, e.g.:  sudo apt-get install python3.11 python3.11-venv" >&2
        exit 1
    fi
    say "creating $VENV with $python ($("$python" --version 2>&1))"
    rm -f "$VENV"/.setup-stamp-*
    if ! "$python" -m venv --clear "$VENV"; then
        echo "[setup] ERROR: '$python -m venv' failed (on Debian/Ubuntu the venv module is a" \
            "separate package). Install it, e.g.:  sudo apt-get install python3-venv python3.11-venv" >&2
        exit 1
    fi
}

# --- 3. Python packages -------------------------------------------------------
stamp_satisfies() { # stamp_satisfies FILE: a fresh stamp whose extras cover the requested ones
    local stamp="$1" have want
    [[ "$stamp" -nt "$REPO/pyproject.toml" ]] || return 1
    have="${stamp##*/.setup-stamp-}"
    have=",${have//-/,},"
    for want in ${EXTRAS//,/ }; do
        [[ "$have" == *",$want,"* ]] || return 1
    done
    return 0
}

installed_here() { # the venv's kiosk is this checkout's (a moved or shared .venv may not be)
    "$VENV/bin/python" - "$REPO" <<'PY' 2>/dev/null
import pathlib, sys
import kiosk
sys.exit(0 if pathlib.Path(kiosk.__file__).resolve().is_relative_to(pathlib.Path(sys.argv[1]).resolve()) else 1)
PY
}

install_python_packages() {
    local stamp_name="${EXTRAS//,/-}" stamp
    for stamp in "$VENV"/.setup-stamp-*; do
        if [[ -e "$stamp" ]] && stamp_satisfies "$stamp" && (cd / && installed_here); then
            return 0
        fi
    done
    say "installing the kiosk and its Python packages (.[$EXTRAS]) into .venv"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip ||
        warn "could not upgrade pip in .venv; trying with the pip it has"
    local target="."
    [[ -n "$EXTRAS" ]] && target=".[$EXTRAS]"
    "$VENV/bin/python" -m pip install --quiet -e "$target" ||
        die "pip install -e '$target' failed; see the messages above"
    touch "$VENV/.setup-stamp-${stamp_name:-none}"
}

install_apt_packages
make_venv
install_python_packages
say "ready: $VENV (extras: $EXTRAS)"
