"""Personal data: encrypted at rest, opened only by this device's key, found by blind index."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import APPLICANT_ID, APPLICANT_NAME, DECEASED_ID, DECEASED_NAME, FORM_ID, example

from kiosk.services.cases import cases_for_person, fill_case, show_case
from kiosk.services.context import KioskContext
from kiosk.store.crypto import KEY_FILE, CryptoError, FieldCipher, load_or_create_device_key
from kiosk.store.database import DB_FILE
from kiosk.store.uow import Store


def raw_bytes(root: Path) -> bytes:
    """Everything SQLite has on disk for the store: the database and its write-ahead log."""
    data = b""
    for name in (DB_FILE, DB_FILE + "-wal", DB_FILE + "-journal"):
        path = root / name
        if path.exists():
            data += path.read_bytes()
    return data


def secrets_of(answers: dict) -> list[str]:
    heirs = answers["heirs"]
    return [
        DECEASED_NAME,
        APPLICANT_NAME,
        DECEASED_ID,
        APPLICANT_ID,
        answers["bank_account"],
        answers["applicant_phone"],
        *[h["heir_name"] for h in heirs],
        *[h["heir_id"] for h in heirs],
    ]


def assert_unreadable(raw: bytes, secrets: list[str]) -> None:
    assert raw, "the database files are missing"
    for secret in secrets:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in raw, f"{secret!r} readable as {encoding}"


def test_personal_data_is_not_readable_from_the_database_files(ctx: KioskContext) -> None:
    answers = example()
    case = fill_case(ctx, FORM_ID, answers, volunteer_id="V001")
    secrets = secrets_of(answers)
    # While the kiosk is open (the case may still sit in the -wal file) ...
    assert (ctx.data_root / (DB_FILE + "-wal")).exists()
    assert_unreadable(raw_bytes(ctx.data_root), secrets)
    # ... and after it is closed (checkpointed into the main file).
    ctx.close()
    assert_unreadable(raw_bytes(ctx.data_root), secrets)
    # The data is there all the same, for whoever holds the key.
    store = Store.open(ctx.data_root)
    try:
        with store.unit_of_work() as uow:
            data = uow.cases.read_personal(uow.cases.require(case.id))
        assert data.answers["deceased_name"] == DECEASED_NAME
        assert data.applicant_name == APPLICANT_NAME
    finally:
        store.close()


def test_the_positive_control_finds_clear_text(tmp_path: Path) -> None:
    """The grep above can fail: a clear-text value in the same files is found."""
    store = Store.open(tmp_path)
    with store.unit_of_work() as uow:
        uow.meta.set("probe", DECEASED_NAME + DECEASED_ID)
        uow.commit()
    with pytest.raises(AssertionError, match="readable"):
        assert_unreadable(raw_bytes(tmp_path), [DECEASED_NAME])
    store.close()


def test_another_device_key_does_not_open_the_store(ctx: KioskContext) -> None:
    fill_case(ctx, FORM_ID, example())
    root = ctx.data_root
    ctx.close()
    (root / KEY_FILE).write_bytes(os.urandom(32))
    with pytest.raises(CryptoError, match="device key does not open this database"):
        Store.open(root)


def test_a_lost_key_is_refused_rather_than_replaced_silently(ctx: KioskContext) -> None:
    fill_case(ctx, FORM_ID, example())
    root = ctx.data_root
    ctx.close()
    (root / KEY_FILE).unlink()
    with pytest.raises(CryptoError):
        Store.open(root)


def test_a_key_file_of_the_wrong_size_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / KEY_FILE).write_bytes(b"short")
    with pytest.raises(CryptoError, match="must be 32 bytes, found 5"):
        Store.open(tmp_path)


def test_the_key_is_created_once_and_kept_private(tmp_path: Path) -> None:
    key = load_or_create_device_key(tmp_path)
    assert len(key) == 32
    assert load_or_create_device_key(tmp_path) == key
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o077 == 0


# Each process waits for the same instant, then creates (or reads) the key.
_RACER = """
import sys, time
from pathlib import Path
from kiosk.store.crypto import load_or_create_device_key
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(load_or_create_device_key(Path(sys.argv[1])).hex())
"""


@pytest.mark.parametrize("trial", range(2))
def test_processes_starting_at_once_all_get_the_one_key(tmp_path: Path, trial: int) -> None:
    start = f"{time.time() + 2.0:.6f}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(tmp_path), start],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    results = [proc.communicate(timeout=60) for proc in procs]
    assert [err for _, err in results] == [""] * 6
    key = (tmp_path / KEY_FILE).read_bytes().hex()
    assert [out.strip() for out, _ in results] == [key] * 6
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["device.key"]  # no leftovers


def test_a_field_opens_only_with_its_key_and_its_row() -> None:
    key = os.urandom(32)
    cipher = FieldCipher(key)
    blob = cipher.encrypt("张德明".encode(), context=b"case-1")
    assert cipher.decrypt(blob, context=b"case-1") == "张德明".encode()
    with pytest.raises(CryptoError):
        cipher.decrypt(blob, context=b"case-2")  # copied onto another row
    with pytest.raises(CryptoError):
        FieldCipher(os.urandom(32)).decrypt(blob, context=b"case-1")
    with pytest.raises(CryptoError, match="unknown format"):
        cipher.decrypt(b"\x02" + blob[1:], context=b"case-1")
    # Same plaintext, different ciphertext each time (random nonce).
    assert cipher.encrypt(b"x", context=b"c") != cipher.encrypt(b"x", context=b"c")


def test_the_blind_index_is_keyed_and_stable() -> None:
    key = os.urandom(32)
    index = FieldCipher(key).blind_index(DECEASED_ID)
    assert index == FieldCipher(key).blind_index(DECEASED_ID)
    assert index != FieldCipher(os.urandom(32)).blind_index(DECEASED_ID)
    assert DECEASED_ID not in index


def test_a_person_finds_their_cases_by_id_number(ctx: KioskContext) -> None:
    first = fill_case(ctx, FORM_ID, example())
    other = example() | {
        "applicant_id": "500225195001010024",
        "applicant_relationship": "spouse",
        "heirs": [],
    }
    second = fill_case(ctx, FORM_ID, other)
    assert [c.id for c in cases_for_person(ctx, APPLICANT_ID)] == [first.id]
    assert [c.id for c in cases_for_person(ctx, "500225195001010024")] == [second.id]
    # The deceased is the subject of both.
    assert {c.id for c in cases_for_person(ctx, DECEASED_ID)} == {first.id, second.id}
    assert cases_for_person(ctx, "500111197205190317") == []  # an heir is neither
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(first.id)
        assert row.applicant_key == ctx.store.cipher.blind_index(APPLICANT_ID)
        assert row.subject_key == ctx.store.cipher.blind_index(DECEASED_ID)
    assert show_case(ctx, first.number).applicant_name == APPLICANT_NAME


@pytest.mark.parametrize("purpose", [b"kiosk field encryption v1", b"kiosk blind index v1"])
def test_the_derived_keys_are_cryptographys_hkdf(purpose: bytes) -> None:
    """The field and index keys are derived with the standard library (so opening the
    store does not load cryptography, issue 19); they must stay the keys that existing
    stores were sealed with: cryptography's HKDF-SHA256, no salt, 32 bytes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from kiosk.store.crypto import _derive

    for device_key in (bytes(32), b"\xff" * 32, os.urandom(32)):
        expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
        assert _derive(device_key, purpose) == expected.derive(device_key)


def test_a_sealed_value_from_the_library_cipher_still_opens() -> None:
    """A value sealed as before (AES-GCM under cryptography's HKDF key) opens, and one
    sealed now opens with cryptography directly: the layout did not change."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    device_key = os.urandom(32)
    info = b"kiosk field encryption v1"
    aead = AESGCM(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(device_key)
    )
    nonce = os.urandom(12)
    old = b"\x01" + nonce + aead.encrypt(nonce, b"\xe5\xbc\xa0\xe4\xb8\x89", b"row")
    cipher = FieldCipher(device_key)
    assert cipher.decrypt(old, context=b"row") == "张三".encode()
    new = cipher.encrypt(b"x", context=b"row")
    assert aead.decrypt(new[1:13], new[13:], b"row") == b"x"
