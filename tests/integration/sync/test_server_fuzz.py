"""The town server answers bad input with 4xx, never 5xx: a schemathesis run from its own
OpenAPI document against a real server process on SQLite and on PostgreSQL.

Checks: no server error, responses match their documented schema, status code and
content type, and requests that break the schema are refused. Bounded: at most
MAX_EXAMPLES generated cases per operation and phase, one worker, a fixed seed (a
failing run is reproducible with the printed `st replay` id).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from server_process import STAFF_TOKEN, ServerProcess
from sync_helpers import enroll_raw

MAX_EXAMPLES = 25
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "negative_data_rejection",
    ]
)


def _schemathesis(
    server: ServerProcess, token: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    st = Path(sys.executable).with_name("schemathesis")
    cmd = [
        str(st),
        "run",
        f"{server.url}/api/v1/openapi.json",
        "-H",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--checks",
        CHECKS,
        "--seed",
        "20261130",
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        *extra,
    ]
    # Run in the server's home: schemathesis leaves its cache folder in the working directory.
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=600, check=False, cwd=server.home
    )


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    own_server: ServerProcess,
) -> None:
    server = own_server  # its own process: the run leaves this client throttled
    _device, token, _key = enroll_raw(server)
    # Staff routes with the staff token first (no refused credentials yet, so the client
    # is not throttled), then every other route with a device's token.
    staff = _schemathesis(server, STAFF_TOKEN, "--include-path-regex", "/staff/")
    assert staff.returncode == 0, staff.stdout[-6000:] + staff.stderr[-2000:]
    kiosk = _schemathesis(server, token, "--exclude-path-regex", "/staff/")
    assert kiosk.returncode == 0, kiosk.stdout[-6000:] + kiosk.stderr[-2000:]
    log = server.log.read_text(errors="replace")
    assert "internal error" not in log and "Traceback" not in log, log[-3000:]
