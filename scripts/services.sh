# shellcheck shell=bash
# Start the system services the tests use, when they are installed and not running:
# CUPS (printing tests use a cups-pdf queue) and PostgreSQL on 127.0.0.1:5432 (the
# town server's district-scale engine). Sourced by scripts/test.sh; never fails:
# a service that cannot be started is reported, and the tests that need it skip
# or fail with their own message.

_svc_say() { printf '[services] %s\n' "$*"; }

# Run a command as root: directly when root, through passwordless sudo otherwise.
_svc_as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

_svc_cups_running() {
    if command -v lpstat >/dev/null 2>&1; then
        lpstat -r 2>/dev/null | grep -q 'scheduler is running'
    else
        pgrep -x cupsd >/dev/null 2>&1
    fi
}

kiosk_start_cups() {
    if [[ ! -x /usr/sbin/cupsd ]] && ! command -v cupsd >/dev/null 2>&1; then
        _svc_say "CUPS is not installed: printing tests will skip (setup.sh installs it)"
        return 0
    fi
    if _svc_cups_running; then
        return 0
    fi
    _svc_say "starting CUPS"
    if [[ -x /usr/sbin/cupsd ]]; then
        _svc_as_root /usr/sbin/cupsd || true
    fi
    if ! _svc_cups_running && command -v service >/dev/null 2>&1; then
        _svc_as_root service cups start >/dev/null 2>&1 || true
    fi
    local _
    for _ in $(seq 1 10); do
        _svc_cups_running && return 0
        sleep 0.5
    done
    _svc_say "WARNING: could not start CUPS (needs root): printing tests will skip or fail"
    return 0
}

# The printing tests print through a real CUPS queue with the cups-pdf backend. The queue
# is created once; cups-pdf writes each job to /var/spool/cups-pdf/<user>/ (a known folder
# instead of Debian's ~/PDF), which tests/integration/test_print_cups.py reads back.
KIOSK_TEST_PRINTER="${KIOSK_TEST_PRINTER:-kiosk-pdf}"
_SVC_CUPS_PDF_CONF=/etc/cups/cups-pdf.conf

kiosk_setup_print_queue() {
    _svc_cups_running || return 0
    if [[ ! -f "$_SVC_CUPS_PDF_CONF" ]] || ! command -v lpadmin >/dev/null 2>&1; then
        _svc_say "cups-pdf is not installed: the real-printer test will skip"
        return 0
    fi
    if ! grep -q '^Out /var/spool/cups-pdf/${USER}$' "$_SVC_CUPS_PDF_CONF"; then
        _svc_as_root sed -i 's|^#\?Out .*|Out /var/spool/cups-pdf/${USER}|' \
            "$_SVC_CUPS_PDF_CONF" || true
    fi
    if ! lpstat -p "$KIOSK_TEST_PRINTER" >/dev/null 2>&1; then
        _svc_say "creating the CUPS queue $KIOSK_TEST_PRINTER (cups-pdf)"
        local ppd=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
        if [[ -f "$ppd" ]]; then
            _svc_as_root lpadmin -p "$KIOSK_TEST_PRINTER" -E -v cups-pdf:/ -P "$ppd" \
                2>/dev/null || true
        else
            _svc_as_root lpadmin -p "$KIOSK_TEST_PRINTER" -E -v cups-pdf:/ \
                -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd 2>/dev/null || true
        fi
    fi
    lpstat -p "$KIOSK_TEST_PRINTER" >/dev/null 2>&1 || {
        _svc_say "WARNING: could not create the queue $KIOSK_TEST_PRINTER: the test will skip"
        return 0
    }
    # cups-pdf wants PostScript. Poppler's pdftops drops the Unicode names of subset CJK
    # TrueType fonts (glyphs print, but text extraction of the output sees garbage);
    # Cairo's PostScript keeps them, so the printed PDF still reads as Chinese.
    _svc_as_root lpadmin -p "$KIOSK_TEST_PRINTER" -o pdftops-renderer-default=pdftocairo || true
    _svc_as_root cupsenable "$KIOSK_TEST_PRINTER" 2>/dev/null || true  # a test may pause it
    _svc_as_root cupsaccept "$KIOSK_TEST_PRINTER" 2>/dev/null || true
    if lpstat -d 2>/dev/null | grep -q 'no system default'; then
        _svc_as_root lpadmin -d "$KIOSK_TEST_PRINTER" || true
    fi
    export KIOSK_TEST_PRINTER
}

# A queue whose device is dead: a socket:// URI to a loopback port nothing listens on (the
# discard port, 9). CUPS takes jobs for it and its backend retries for ever; the printing
# tests check that such a job never counts as printed.
KIOSK_TEST_DEAD_PRINTER="${KIOSK_TEST_DEAD_PRINTER:-kiosk-dead}"

kiosk_setup_dead_queue() {
    _svc_cups_running || return 0
    command -v lpadmin >/dev/null 2>&1 || return 0
    if ! lpstat -p "$KIOSK_TEST_DEAD_PRINTER" >/dev/null 2>&1; then
        _svc_say "creating the CUPS queue $KIOSK_TEST_DEAD_PRINTER (device: closed loopback port)"
        _svc_as_root lpadmin -p "$KIOSK_TEST_DEAD_PRINTER" -E -v socket://127.0.0.1:9 \
            -m lsb/usr/cups-pdf/CUPS-PDF_noopt.ppd 2>/dev/null || true
    fi
    _svc_as_root cupsenable "$KIOSK_TEST_DEAD_PRINTER" 2>/dev/null || true
    _svc_as_root cupsaccept "$KIOSK_TEST_DEAD_PRINTER" 2>/dev/null || true
    export KIOSK_TEST_DEAD_PRINTER
}

_svc_postgres_listening() {
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

kiosk_start_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! _svc_postgres_listening; then
        # The town server's tests run against PostgreSQL too: install it where we may.
        if [[ "${KIOSK_NO_APT:-0}" != "1" ]] && command -v apt-get >/dev/null 2>&1; then
            _svc_say "installing PostgreSQL (the town server's district-scale engine)"
            { _svc_as_root apt-get update >/dev/null 2>&1 || true; } &&
                _svc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql \
                    >/dev/null 2>&1 || _svc_say "WARNING: could not install PostgreSQL"
        fi
    fi
    if ! _svc_postgres_listening; then
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /etc/postgresql ]]; then
            _svc_say "PostgreSQL is not listening on 127.0.0.1:5432 and not installed here:" \
                "PostgreSQL tests will skip"
            return 0
        fi
        local version
        version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
            sort -V | tail -n 1)"
        if [[ -z "$version" || ! -d "/etc/postgresql/$version/main" ]]; then
            _svc_say "no PostgreSQL cluster under /etc/postgresql: PostgreSQL tests will skip"
            return 0
        fi
        _svc_say "starting PostgreSQL $version/main"
        _svc_as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        local _
        for _ in $(seq 1 20); do
            _svc_postgres_listening && break
            sleep 0.5
        done
    fi
    if ! _svc_postgres_listening; then
        _svc_say "WARNING: PostgreSQL is not listening on 127.0.0.1:5432: PostgreSQL tests will skip"
        return 0
    fi
    kiosk_postgres_test_role
}

# A login role with a password that may create databases: works whether the cluster trusts
# local connections (as here) or asks for passwords (a fresh Debian install).
kiosk_postgres_test_role() {
    local sql="DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kiosk_test') THEN
            CREATE ROLE kiosk_test LOGIN CREATEDB PASSWORD 'kiosk_test';
        END IF; END \$\$;"
    if command -v runuser >/dev/null 2>&1 && id postgres >/dev/null 2>&1 &&
        _svc_as_root runuser -u postgres -- psql -q -d postgres -c "$sql" >/dev/null 2>&1; then
        export KIOSK_TEST_PG_URL="postgresql://kiosk_test:kiosk_test@127.0.0.1:5432/postgres"
        _svc_say "PostgreSQL tests use the role kiosk_test on 127.0.0.1:5432"
    else
        _svc_say "could not create the kiosk_test role; PostgreSQL tests connect as postgres"
    fi
}

kiosk_start_services() {
    kiosk_start_cups
    kiosk_setup_print_queue
    kiosk_setup_dead_queue
    kiosk_start_postgres
}
