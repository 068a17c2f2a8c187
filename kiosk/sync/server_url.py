"""Which town server addresses the kiosk may talk to, checked without the HTTP client.

Enrollment checks the address before it makes a client (kiosk.sync.client, httpx), so this
module imports neither: an un-enrolled kiosk never loads httpx (issue 19). Plain
``http://`` is refused unless the server is on this machine (loopback) or the kiosk was
told ``--insecure``: the token and the cases would travel in clear.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class InsecureServer(ValueError):
    """A plain http:// address of another machine, without --insecure."""


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_server_url(url: str, *, insecure: bool = False) -> str:
    """The address without a trailing slash; InsecureServer (saying why) for plain http
    to anything but this machine unless ``insecure``; ValueError for anything else odd."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"server address must look like https://town.example:8460: {url}")
    if parts.scheme == "http" and not insecure and not is_loopback(parts.hostname):
        raise InsecureServer(
            f"refusing plain http:// to {parts.hostname}: the device token and residents' "
            "cases would cross the network unencrypted. Use https:// (the town server "
            "behind TLS), or pass --insecure if this network is trusted"
        )
    return url
