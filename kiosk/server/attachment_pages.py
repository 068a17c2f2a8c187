"""A case's photographed pages as staff see them: which are complete, and one page's
image, whole or as a thumbnail (the desk console and the staff API).

``page_image(session, case_id, attachment_id, thumb=...)`` returns ``(bytes, media
type)`` of a complete page of that case: as stored, or a JPEG THUMB_WIDTH px wide. A
page of another case, an unknown one, or one still arriving is ``AttachmentRefused``
404 (the same answer for each, so nothing tells whether a page exists). The thumbnail is
decoded within the pixel limit of kiosk.devices.page_files, like every page the kiosk
takes. Callers authenticate first: these are a resident's documents.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from kiosk.devices.page_files import PageFileError, check_pixels, to_rgb
from kiosk.server.attachments import AttachmentRefused, read_whole
from kiosk.server.models import ServerAttachment

THUMB_WIDTH = 320  # px: a row of pages on the desk's case page
NOT_FOUND = "no such complete page of this case"


def page_image(
    session: Session, case_id: str, attachment_id: str, *, thumb: bool = False
) -> tuple[bytes, str]:
    """(bytes, media type) of one complete page of the case (AttachmentRefused 404)."""
    row = session.get(ServerAttachment, attachment_id)
    if row is None or row.case_id != case_id or not row.complete:
        raise AttachmentRefused(404, NOT_FOUND)
    data = read_whole(session, row.id)
    if not thumb:
        return data, row.media_type
    try:
        with Image.open(io.BytesIO(data)) as image:
            check_pixels(image.width, image.height, f"attachment {row.id[:8]}")
            small = to_rgb(image)  # a 16-bit grey page scaled, not refused for its mode
            small.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=80)
    except (PageFileError, UnidentifiedImageError, OSError, ValueError) as exc:
        raise AttachmentRefused(422, f"page cannot be shown: {exc}") from None
    return out.getvalue(), "image/jpeg"
