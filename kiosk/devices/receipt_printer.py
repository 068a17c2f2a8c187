"""Where receipt slips go: an ESC/POS thermal printer named by one setting.

``receipt_printer`` setting (docs/devices.md):

- ``file:/path``        append the bytes to a file (a test device, or a printer's
                        device node such as ``file:/dev/usb/lp0``)
- ``net:HOST[:PORT]``   a network printer's raw port (default 9100)
- ``usb:VID:PID``       a USB printer by vendor/product id (hex), through libusb (pyusb
                        and the libusb-1.0 library; refused clearly when either is missing)
- ``serial:DEVICE[:BAUD]`` a serial printer (default 9600 baud)
- ``cups:QUEUE``        a CUPS queue, sent raw (``lp -o raw``)

A network printer is asked after the slip for its status (ESC/POS ``DLE EOT 1``, the
real-time status the printer answers at once with one byte): a connection closed or
reset before that answer means the slip did not go whole, and is a failure (the slip's
one-time code is then not made valid); no answer within STATUS_WAIT_S (a printer that
does not implement it) counts as sent, as the bytes were all taken.

``send_receipt(setting, data)`` sends ESC/POS bytes and raises ``ReceiptPrinterError``
(message in plain English) when the printer is not configured, not there or refuses;
the kiosk reports it and carries on (a receipt is never what stops a case).
"""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import subprocess
from pathlib import Path

STATUS_WAIT_S = 1.5
DLE_EOT_PRINTER = b"\x10\x04\x01"  # ESC/POS real-time status, printer status


class ReceiptPrinterError(RuntimeError):
    """The receipt printer is not configured, not there, or failed."""


def describe(setting: str) -> str:
    kind, _, target = setting.partition(":")
    return f"{kind} {target}".strip() if setting else "none"


def _escpos_device(kind: str, target: str) -> object:
    from escpos import printer as escpos_printer

    if kind == "net":
        host, _, port = target.partition(":")
        return escpos_printer.Network(host, port=int(port or 9100), timeout=10)
    if kind == "usb":
        if importlib.util.find_spec("usb") is None:
            raise ReceiptPrinterError(
                f"receipt printer usb:{target}: USB printers need pyusb (pip install pyusb) "
                "and libusb-1.0; or use file:/dev/usb/lp0"
            )
        vid, _, pid = target.partition(":")
        try:
            ids = int(vid, 16), int(pid, 16)
        except ValueError:
            raise ReceiptPrinterError(
                f"receipt printer usb:{target}: expected usb:VID:PID in hex (e.g. usb:0416:5011)"
            ) from None
        return escpos_printer.Usb(*ids)
    if kind == "serial":
        device, _, baud = target.partition(":")
        return escpos_printer.Serial(devfile=device, baudrate=int(baud or 9600), timeout=5)
    raise ReceiptPrinterError(f"receipt printer '{kind}:{target}': unknown kind")


def send_receipt(setting: str, data: bytes) -> None:
    """Send the bytes of one slip; ReceiptPrinterError naming the printer on failure."""
    setting = setting.strip()
    if not setting:
        raise ReceiptPrinterError("no receipt printer configured (setting receipt_printer)")
    kind, _, target = setting.partition(":")
    if not target:
        raise ReceiptPrinterError(f"receipt printer '{setting}': expected KIND:TARGET")
    if kind == "file":
        try:
            with Path(target).open("ab") as handle:
                handle.write(data)
        except OSError as exc:
            raise ReceiptPrinterError(f"receipt printer {target}: {exc.strerror}") from exc
        return
    if kind == "cups":
        try:
            result = subprocess.run(
                ["lp", "-d", target, "-o", "raw", "-t", "回执", "-"],
                input=data,
                capture_output=True,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReceiptPrinterError(f"receipt printer cups:{target}: {exc}") from exc
        if result.returncode != 0:
            words = result.stderr.decode(errors="replace").strip()[:150]
            raise ReceiptPrinterError(f"receipt printer cups:{target}: lp failed: {words}")
        return
    device: object = None
    try:
        device = _escpos_device(kind, target)
        device.open()  # type: ignore[attr-defined]
        device._raw(data)  # type: ignore[attr-defined]
        if kind == "net":
            _confirm(device._device, setting)  # type: ignore[attr-defined]
        device.close()  # type: ignore[attr-defined]
    except ReceiptPrinterError:
        raise
    except Exception as exc:
        raise ReceiptPrinterError(
            f"receipt printer {describe(setting)}: {type(exc).__name__}: {exc}"[:200]
        ) from exc
    finally:
        _forget(device)


def _confirm(sock: socket.socket, setting: str) -> None:
    """After the slip: ask the printer's status; a closed or reset connection before the
    answer is ReceiptPrinterError (the slip did not go whole)."""
    try:
        sock.sendall(DLE_EOT_PRINTER)
        sock.settimeout(STATUS_WAIT_S)
        answer = sock.recv(1)
    except TimeoutError:
        return  # no real-time status from this printer: all bytes were taken
    except OSError as exc:
        raise ReceiptPrinterError(
            f"receipt printer {describe(setting)}: connection lost during the slip ({exc})"
        ) from exc
    if not answer:
        raise ReceiptPrinterError(
            f"receipt printer {describe(setting)}: the printer closed the connection "
            "before the slip was confirmed"
        )


def _forget(device: object) -> None:
    """Close quietly and leave nothing for python-escpos's ``Escpos.__del__`` to close
    again (its close of a half-open device printed "Exception ignored in __del__")."""
    if device is None:
        return
    with contextlib.suppress(Exception):  # the send already succeeded or already failed
        device.close()  # type: ignore[attr-defined]
    device._device = False  # type: ignore[attr-defined]
