"""Does the device behind a CUPS queue answer? CUPS accepts jobs for a printer that is
switched off or unplugged and keeps them "processing" while its backend retries, so the
queue's state alone does not say. Network devices are asked for a TCP connection on
their port; USB devices must be among those the usb backend finds (``lpinfo``);
virtual ones (cups-pdf, file) always answer; others (dnssd, driverless classes) cannot
be told (None).
"""

from __future__ import annotations

import os
import socket
import subprocess
from urllib.parse import urlsplit

PROBE_TIMEOUT_S = 2.0
DEFAULT_PORTS = {"socket": 9100, "ipp": 631, "ipps": 631, "http": 80, "https": 443, "lpd": 515}
LOCAL_SCHEMES = frozenset({"cups-pdf", "file", "pdf"})


def device_answers(uri: str, *, timeout: float = PROBE_TIMEOUT_S) -> bool | None:
    """True / False for devices we can ask, None for those we cannot tell."""
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme in LOCAL_SCHEMES:
        return True
    if scheme == "usb":
        return _usb_present(uri)
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        return False  # a port that is not a number cannot answer
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return True
    except OSError:
        return False


def _usb_present(uri: str) -> bool | None:
    try:
        result = subprocess.run(
            ["lpinfo", "--include-schemes", "usb", "-v"],
            capture_output=True,
            timeout=15,
            env={**os.environ, "LANG": "C", "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None  # lpinfo needs lpadmin rights; without them we cannot tell
    found = result.stdout.decode(errors="replace").split()
    return uri.split("?")[0] in {f.split("?")[0] for f in found}
