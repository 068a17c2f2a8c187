"""HTTPS: the kiosk verifies the town server's certificate, with the town's own CA file."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from helpers import catalogue, fixed_clock
from server_process import ServerProcess
from sync_helpers import add_cases

from kiosk.services.context import open_kiosk
from kiosk.services.sync import SyncError, enroll_device, sync_once


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "石马镇 town server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_with_the_towns_ca_file(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server = ServerProcess(
        f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path, ssl=(cert, key)
    ).start()
    try:
        # Without the town's CA the certificate is not trusted: enrollment refuses.
        untrusting = open_kiosk(tmp_path / "k1", catalogue=catalogue(), clock=fixed_clock)
        with pytest.raises(SyncError, match="network"):
            enroll_device(untrusting, server.url, server.admin("enroll", "--name", "a").strip())
        untrusting.close()

        ctx = open_kiosk(
            tmp_path / "k2", catalogue=catalogue(), clock=fixed_clock, server_ca_file=str(cert)
        )
        enroll_device(ctx, server.url, server.admin("enroll", "--name", "b").strip())
        add_cases(ctx, 2)
        report = sync_once(ctx)
        assert (report.sent, report.error) == (2, None)
        ctx.close()
    finally:
        server.stop()
