"""``kiosk attach`` and ``kiosk receipt``: a scan added from the command line, the
receipt's ESC/POS bytes decoded back and read (its QR codes with zxing-cpp), the PDF
preview rendered with pdftoppm, and a receipt printer that is not there."""

from __future__ import annotations

import io
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from unittest import mock

import cv2
import pytest
import zxingcpp
from helpers import APPLICANT_ID, FORM_ID, example, make_store, png_bomb
from PIL import Image

from kiosk.cli import main
from kiosk.devices.camera import draw_page
from kiosk.printing.receipt import decode_escpos
from kiosk.printing.signing import IDENTITY_PREFIX
from kiosk.services.accounts import add_account, get_account
from kiosk.services.attachments import list_attachments
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext, open_kiosk
from kiosk.services.presence import prove_by_receipt

STAFF, PIN = "9001", "582046"


def _case(home: Path) -> str:
    ctx = open_kiosk(home)
    try:
        if get_account(ctx, STAFF) is None:
            add_account(ctx, STAFF, "刘主任", PIN, role="staff", actor="test")
        return fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).number
    finally:
        ctx.close()


def attach(*args: str, pin: str = PIN) -> int:
    """``kiosk attach ARGS --staff 9001 --pin-stdin`` with the PIN on stdin."""
    with mock.patch("sys.stdin", io.StringIO(f"{pin}\n")):
        return main(["attach", *args, "--staff", STAFF, "--pin-stdin"])


def _scan(tmp_path: Path, name: str = "scan.png", **page: float) -> Path:
    path = tmp_path / name
    cv2.imwrite(str(path), draw_page(**page))  # type: ignore[arg-type]
    return path


def _codes(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]


def test_attach_a_scan_then_the_receipt_reads_back(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _case(kiosk_home)
    assert attach(number, "--material", "applicant_id_card", "--file", str(_scan(tmp_path))) == 0
    assert "applicant_id_card page 1" in capsys.readouterr().out
    assert main(["attachments", number]) == 0
    assert "您本人的身份证" in capsys.readouterr().out

    out, png = tmp_path / "r.bin", tmp_path / "r.png"
    assert main(["receipt", number, "--out", str(out), "--png", str(png)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and b"\x1dv0" in data and data.rstrip().endswith(b"V\x00")
    image = decode_escpos(data)
    assert image.width == 384  # 58 mm paper
    codes = _codes(image)
    receipt = next(c for c in codes if c.startswith("BBR1:"))
    identity = next(c for c in codes if c.startswith(IDENTITY_PREFIX))
    ctx = open_kiosk(kiosk_home)
    try:
        with ctx.store.unit_of_work() as uow:
            assert identity == uow.cases.require(number).identity_code
        # The receipt's code is the one-time proof of presence, once.
        assert prove_by_receipt(ctx, receipt) is not None
        assert prove_by_receipt(ctx, receipt) is None
    finally:
        ctx.close()


def test_a_new_receipt_replaces_the_unused_code(kiosk_home: Path, tmp_path: Path) -> None:
    number = _case(kiosk_home)
    first, second = tmp_path / "1.png", tmp_path / "2.png"
    assert main(["receipt", number, "--out", str(tmp_path / "1.bin"), "--png", str(first)]) == 0
    assert main(["receipt", number, "--out", str(tmp_path / "2.bin"), "--png", str(second),
                 "--width", "80"]) == 0  # fmt: skip
    old = next(c for c in _codes(Image.open(first)) if c.startswith("BBR1:"))
    new = next(c for c in _codes(Image.open(second)) if c.startswith("BBR1:"))
    assert Image.open(second).width == 576 and old != new
    ctx = open_kiosk(kiosk_home)
    try:
        assert prove_by_receipt(ctx, old) is None
        assert prove_by_receipt(ctx, new) is not None
    finally:
        ctx.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_receipt_pdf_preview_renders(kiosk_home: Path, tmp_path: Path) -> None:
    number = _case(kiosk_home)
    pdf = tmp_path / "r.pdf"
    assert main(["receipt", number, "--pdf", str(pdf)]) == 0
    subprocess.run(
        ["pdftoppm", "-r", "203", "-png", "-singlefile", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    page = Image.open(tmp_path / "p.png")
    assert abs(page.width - 58 / 25.4 * 203) < 4  # the page is 58 mm wide
    codes = _codes(page)  # a preview: the identity code, no one-time code
    assert any(c.startswith(IDENTITY_PREFIX) for c in codes)
    assert not any(c.startswith("BBR1:") for c in codes)


def test_blurred_scan_is_refused_and_nothing_saved(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _case(kiosk_home)
    blurred = _scan(tmp_path, blur=31)
    code = attach(number, "--material", "applicant_id_card", "--file", str(blurred))
    assert code == 2
    assert "looks blurred" in capsys.readouterr().err
    code = attach(number, "--material", "nope", "--file", str(_scan(tmp_path)))
    assert code == 2 and "lists no material 'nope'" in capsys.readouterr().err
    code = attach(number, "--material", "applicant_id_card", "--file", str(tmp_path / "x"))
    assert code == 2 and "cannot read" in capsys.readouterr().err
    ctx = open_kiosk(kiosk_home)
    try:
        assert list_attachments(ctx, number) == []
    finally:
        ctx.close()
    assert attach(number, "--material", "applicant_id_card", "--file", str(blurred),
                  "--keep-blurred") == 0  # fmt: skip


def test_receipt_to_a_network_printer_and_to_none(
    kiosk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _case(kiosk_home)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    got = bytearray()

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                got.extend(chunk)

    thread = threading.Thread(target=accept)
    thread.start()
    port = server.getsockname()[1]
    assert main(["receipt", number, "--printer", f"net:127.0.0.1:{port}"]) == 0
    thread.join(timeout=10)
    server.close()
    assert any(c.startswith(IDENTITY_PREFIX) for c in _codes(decode_escpos(bytes(got))))

    # A printer that is not there: a clear message, exit 1, no traceback.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()
    assert main(["receipt", number, "--printer", f"net:127.0.0.1:{dead_port}"]) == 1
    err = capsys.readouterr().err
    assert "receipt printer net 127.0.0.1" in err and "Traceback" not in err
    assert main(["receipt", number]) == 1
    assert "no receipt printer configured" in capsys.readouterr().err


def test_receipt_lists_what_is_still_missing(ctx: KioskContext) -> None:
    from kiosk.services.attachments import add_attachment
    from kiosk.services.receipts import make_receipt

    number = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).number
    before = make_receipt(ctx, number).slip
    assert "您本人的身份证" in before.missing and before.photographed == 0
    page = cv2.imencode(".jpg", draw_page())[1].tobytes()
    add_attachment(ctx, number, material_id="applicant_id_card", data=page)
    after = make_receipt(ctx, number).slip
    assert "您本人的身份证" not in after.missing and after.photographed == 1
    assert len(after.missing) == len(before.missing) - 1


def test_attach_findings_bombs_devices_duplicates_staff_and_pages(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tester findings 1, 4, 7, 8: no decode beyond the limits, every page of a TIFF,
    the same file twice is one copy, and only a staff account with its PIN attaches."""
    number = _case(kiosk_home)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(9_000, 9_000))
    assert attach(number, "--material", "applicant_id_card", "--file", str(bomb)) == 2
    assert "bomb.png: image of 9000 x 9000 px is above" in capsys.readouterr().err
    assert attach(number, "--material", "applicant_id_card", "--file", "/dev/zero") == 2
    assert "/dev/zero: not a regular file" in capsys.readouterr().err

    scan = _scan(tmp_path)
    assert attach(number, "--material", "applicant_id_card", "--file", str(scan)) == 0
    capsys.readouterr()
    assert attach(number, "--material", "applicant_id_card", "--file", str(scan)) == 0
    assert "already attached" in capsys.readouterr().out

    tiff = tmp_path / "book.tif"
    first, *rest = [Image.fromarray(draw_page(seed=s)[..., ::-1]) for s in (4, 5)]
    first.save(tiff, "TIFF", save_all=True, append_images=rest, compression="tiff_deflate")
    assert attach(number, "--material", "applicant_id_card", "--file", str(tiff)) == 0
    assert capsys.readouterr().out.count("attached to") == 2

    assert attach(number, "--material", "applicant_id_card", "--file", str(scan), pin="000000") == 1
    assert "wrong staff id or PIN" in capsys.readouterr().err
    ctx = open_kiosk(kiosk_home)
    try:
        pages = list_attachments(ctx, number)
        assert [p.page for p in pages] == [1, 2, 3]
        assert {p.added_by for p in pages} == {f"staff:{STAFF}"}
    finally:
        ctx.close()


def _slip_code(path: Path) -> str:
    return next(c for c in _codes(decode_escpos(path.read_bytes())) if c.startswith("BBR1:"))


def test_preview_and_failed_writes_leave_the_resident_slip_valid(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tester finding 2: the code is made valid only when the slip is really out."""
    number = _case(kiosk_home)
    held = tmp_path / "held.bin"
    assert main(["receipt", number, "--out", str(held)]) == 0
    code = _slip_code(held)
    assert main(["receipt", number, "--pdf", str(tmp_path / "p.pdf")]) == 0
    assert main(["receipt", number, "--png", str(tmp_path / "p.png")]) == 0
    assert "preview only" in capsys.readouterr().out
    assert not any(c.startswith("BBR1:") for c in _codes(Image.open(tmp_path / "p.png")))
    nowhere = tmp_path / "missing-dir" / "r.bin"
    assert main(["receipt", number, "--out", str(nowhere)]) == 1
    assert "cannot write" in capsys.readouterr().err
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()
    assert main(["receipt", number, "--printer", f"net:127.0.0.1:{port}"]) == 1
    ctx = open_kiosk(kiosk_home)
    try:
        assert prove_by_receipt(ctx, code) is not None  # still the valid one
    finally:
        ctx.close()


def test_receipt_warns_when_the_hall_phone_is_missing(
    kiosk_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tester finding 9 (CLI part): no phone number set is said, not silently left out."""
    number = _case(kiosk_home)
    assert main(["receipt", number, "--png", str(tmp_path / "p.png")]) == 0
    assert "no hall phone number is set" in capsys.readouterr().err


def test_status_warns_when_the_hall_phone_is_missing(
    kiosk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_store(kiosk_home)
    assert main(["status"]) == 0
    assert "warning: no hall phone number is set" in capsys.readouterr().out
