"""Where receipt slips go: an ESC/POS thermal printer named by one setting.

``receipt_printer`` setting (docs/devices.md):

- ``file:/path``        append the bytes to a file (a test device, or a printer's
                        device node such as ``file:/dev/usb/lp0``)
- ``net:HOST[:PORT]``   a network printer's raw port (default 9100)
- ``usb:VID:PID``       a USB printer by vendor/product id (hex), through libusb
- ``serial:DEVICE[:BAUD]`` a serial printer (default 9600 baud)
- ``cups:QUEUE``        a CUPS queue, sent raw (``lp -o raw``)

``send_receipt(setting, data)`` sends ESC/POS bytes and raises ``ReceiptPrinterError``
(message in plain English) when the printer is not configured, not there or refuses;
the kiosk reports it and carries on (a receipt is never what stops a case).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


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
        vid, _, pid = target.partition(":")
        return escpos_printer.Usb(int(vid, 16), int(pid, 16))
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
    try:
        device = _escpos_device(kind, target)
        device.open()  # type: ignore[attr-defined]
        try:
            device._raw(data)  # type: ignore[attr-defined]
        finally:
            device.close()  # type: ignore[attr-defined]
    except ReceiptPrinterError:
        raise
    except Exception as exc:
        raise ReceiptPrinterError(
            f"receipt printer {describe(setting)}: {type(exc).__name__}: {exc}"[:200]
        ) from exc
