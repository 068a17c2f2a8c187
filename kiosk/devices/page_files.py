"""Image and PDF files read safely: bounded in bytes, pixels and pages before decoding.

A scanner's file, ``kiosk attach --file`` or a camera's JPEG is untrusted input: a
decompression bomb (a few KB of PNG that inflates to gigapixels), ``/dev/zero`` or a
FIFO would otherwise hang the kiosk or eat its memory. Every page that enters an
attachment goes through here:

- ``read_file(path, max_bytes)``: a regular file only (not a device, FIFO or folder),
  its size checked by ``stat`` before reading, and the read itself bounded.
- ``decode_pages(data, name, ...)``: the pages as RGB Pillow images. Images are opened
  lazily (Pillow reads only the header), their pixel count checked against
  ``max_pixels`` before any pixel is decoded; every frame of a multi-page TIFF is a page.
  PDFs (``%PDF-`` at the start) are rendered with pdfium (pypdfium2, the PDF engine of
  Chromium) at ``PDF_DPI``, scaled down so no page exceeds ``max_pixels``.
  At most ``max_pages`` pages per file.

Errors: ``PageFileError`` (a ``ValueError``) whose message names the file and says
what is wrong, in plain English (the CLI and logs; the screen says it in Chinese).
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

MAX_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; A3 at 400 dpi 31 Mpx
# The longest side a page is worked at: twice the kept A4 at 300 dpi (capture.MAX_SIDE),
# so a page filling half of a bigger picture keeps its full resolution, while a 60 Mpx
# photo is not cropped, deskewed and judged at full size (memory and seconds).
WORK_SIDE = 5000
MAX_PAGES = 20  # pages of one TIFF or PDF (a 户口簿 is under 20 pages)
PDF_DPI = 200  # what a PDF page is rendered at (scanners save at 150–300 dpi)


class PageFileError(ValueError):
    """A file that cannot be taken as pages (message names the file)."""


def _size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB ({n:,} bytes)"


def read_file(path: Path, *, max_bytes: int, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (PageFileError otherwise).
    With ``follow_symlinks=False`` a symbolic link is refused, not read through (a watched
    folder never reads what a link points to). The file is opened first and checked on
    its descriptor, so it cannot be swapped between the check and the read; opening does
    not block on a pipe."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PageFileError(f"{path}: a symbolic link, not a file; not read") from None
        raise PageFileError(f"{path}: cannot read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PageFileError(f"{path}: not a regular file (a device, pipe or folder)")
        if info.st_size > max_bytes:
            raise PageFileError(
                f"{path}: {_size_text(info.st_size)} is above the limit of {max_bytes:,} bytes"
            )
        try:
            data = handle.read(max_bytes + 1)  # the file may grow after the stat
        except OSError as exc:
            raise PageFileError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise PageFileError(f"{path}: grew above the limit of {max_bytes:,} bytes while read")
    return data


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def check_pixels(width: int, height: int, name: str, max_pixels: int = MAX_PIXELS) -> None:
    """PageFileError when a ``width`` x ``height`` page is above ``max_pixels``."""
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise PageFileError(
            f"{name}: image of {width} x {height} px is above the "
            f"{max_pixels // 1_000_000} Mpx limit (a decompression bomb, or scanned far too fine)"
        )


def to_rgb(image: Image.Image) -> Image.Image:
    """An 8-bit RGB copy of ``image`` whatever its bit depth. 16-bit grey (Pillow modes
    ``I;16*``, and ``I`` holding 16-bit values) is scaled by 255/65535, not clipped at 255
    (clipping turns a 16-bit scan white); 32-bit float is stretched from its lowest to
    its highest value. Other modes go through Pillow's own conversion."""
    mode = image.mode
    if mode.startswith("I;16") or mode == "I":
        grey = np.asarray(image).astype(np.uint32, copy=False)
        top = 65535 if mode.startswith("I;16") or int(grey.max(initial=0)) > 255 else 255
        top = max(top, int(grey.max(initial=0)))
        scaled = (grey * 255 // top).astype(np.uint8) if top != 255 else grey.astype(np.uint8)
        return Image.fromarray(scaled, "L").convert("RGB")
    if mode == "F":
        values = np.asarray(image, dtype=np.float32)
        low, high = float(values.min(initial=0.0)), float(values.max(initial=0.0))
        span = high - low or 1.0
        scaled = ((values - low) * (255.0 / span)).clip(0, 255).astype(np.uint8)
        return Image.fromarray(scaled, "L").convert("RGB")
    return image.convert("RGB")


def _within_work_side(page: Image.Image) -> Image.Image:
    longest = max(page.size)
    if longest <= WORK_SIDE:
        return page
    return page.reduce(-(-longest // WORK_SIDE))  # box filter by a whole factor


def _image_pages(data: bytes, name: str, max_pixels: int, max_pages: int) -> list[Image.Image]:
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            frames = getattr(image, "n_frames", 1)
            if frames > max_pages:
                raise PageFileError(f"{name}: {frames} pages; at most {max_pages} per file")
            pages = []
            for frame in ImageSequence.Iterator(image):
                check_pixels(frame.width, frame.height, name, max_pixels)
                longest = max(frame.width, frame.height)
                if frame.format == "JPEG" and longest > WORK_SIDE:  # decoded at 1/2, 1/4 …
                    ratio = WORK_SIDE / longest
                    frame.draft(None, (int(frame.width * ratio), int(frame.height * ratio)))
                # Decodes this frame's pixels, turned as its EXIF orientation says.
                pages.append(_within_work_side(to_rgb(ImageOps.exif_transpose(frame))))
            return pages
    except PageFileError:
        raise
    except Image.DecompressionBombError:
        raise PageFileError(
            f"{name}: image above Pillow's pixel limit (a decompression bomb)"
        ) from None
    except UnidentifiedImageError:
        raise PageFileError(f"{name}: not an image or PDF") from None
    except (OSError, ValueError) as exc:
        # Pillow says "image file is truncated" or "broken data stream" for a file cut
        # short in copying or scanning.
        raise PageFileError(
            f"{name}: an image that is cut short or damaged ({exc}); scan or copy it again"
        ) from None


def _pdf_pages(data: bytes, name: str, max_pixels: int, max_pages: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PageFileError(f"{name}: a PDF that cannot be opened ({exc})") from None
    try:
        if len(pdf) == 0:
            raise PageFileError(f"{name}: a PDF without pages")
        if len(pdf) > max_pages:
            raise PageFileError(f"{name}: {len(pdf)} pages; at most {max_pages} per file")
        pages = []
        for page in pdf:
            width_pt, height_pt = page.get_size()  # 1/72 inch
            scale = PDF_DPI / 72
            pixels = width_pt * height_pt * scale * scale
            if pixels > max_pixels:
                scale *= (max_pixels / pixels) ** 0.5
            check_pixels(int(width_pt * scale), int(height_pt * scale), name, max_pixels)
            pages.append(page.render(scale=scale).to_pil().convert("RGB"))
        return pages
    except pdfium.PdfiumError as exc:
        raise PageFileError(f"{name}: a PDF page that cannot be rendered ({exc})") from None
    finally:
        pdf.close()


def decode_pages(
    data: bytes,
    name: str = "file",
    *,
    max_pixels: int = MAX_PIXELS,
    max_pages: int = MAX_PAGES,
) -> list[Image.Image]:
    """Every page of an image or PDF file as an RGB image (see the module doc)."""
    if not data:
        raise PageFileError(f"{name}: empty file")
    if is_pdf(data):
        return _pdf_pages(data, name, max_pixels, max_pages)
    return _image_pages(data, name, max_pixels, max_pages)
