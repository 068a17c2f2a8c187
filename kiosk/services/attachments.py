"""Photographed and scanned materials of a case (docs/attachments.md).

``add_attachment`` takes the image bytes of one page of one material (a JPEG or PNG from
the capture pipeline, a scanner's file, ``kiosk attach``), stores them encrypted
(kiosk.store.blobs) and records the page. On a finalized case each page is a new version
of the attachments manifest (kiosk.domain.attachment_manifest): its hash is recomputed
and signed, and the change audited; the frozen answers and their hash never change.
Pages added while the case is a draft are sealed into the manifest at finalize.

Errors: ``AttachmentError`` (message in plain English for the CLI and logs, ``message_zh``
for the screen) for an unknown case or material, a purged case, a file that is not an
image, or one above ``attachment_max_bytes``; nothing is saved then.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.device_identity import load_or_create_signing_key
from kiosk.devices.page_files import PageFileError, check_pixels, is_pdf
from kiosk.domain.attachment_manifest import ManifestEntry, attachments_hash, sign_manifest
from kiosk.services.context import KioskContext
from kiosk.store.models import AttachmentRow, CaseRow
from kiosk.store.repositories import CaseNotFound
from kiosk.store.uow import Store, UnitOfWork

log = logging.getLogger(__name__)
KEPT_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
SOURCES = ("camera", "folder", "file")


class AttachmentError(Exception):
    def __init__(self, message: str, message_zh: str = "材料没有保存，请再试一次。") -> None:
        super().__init__(message)
        self.message_zh = message_zh


@dataclass(frozen=True)
class AttachmentView:
    id: str
    case_number: str
    material_id: str
    material_label: str
    page: int
    media_type: str
    size: int
    sha256: str
    blur_score: float | None
    source: str
    added_at: datetime
    added_by: str
    sync_state: str
    sent_bytes: int
    already: bool = False  # this very page (same SHA-256) was attached before: not stored again


def normalize_image(data: bytes, *, max_bytes: int, name: str = "image") -> tuple[bytes, str]:
    """(bytes, media type) of one page: JPEG and PNG as they are; TIFF, BMP, WebP …
    re-encoded as JPEG (quality 92). Bytes and pixels are checked before any decoding
    (kiosk.devices.page_files); AttachmentError when it is no image, too big, or more
    than one page (a multi-page file is split by the caller: ``prepare_pages``)."""
    if len(data) > max_bytes:
        raise AttachmentError(
            f"{name}: {len(data) // 1_000_000} MB; the limit is {max_bytes // 1_000_000} MB",
            "照片太大，没有保存。请降低扫描分辨率后再试。",
        )
    if is_pdf(data):
        raise AttachmentError(f"{name}: a PDF is kept page by page as images (prepare_pages)")
    try:
        with Image.open(io.BytesIO(data)) as image:  # the header only
            check_pixels(image.width, image.height, name)
            if getattr(image, "n_frames", 1) > 1:
                raise AttachmentError(f"{name}: several pages; each is kept as its own page")
            kind = image.format or ""
            image.load()
            if kind in KEPT_FORMATS:
                return data, KEPT_FORMATS[kind]
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=92)
    except PageFileError as exc:
        raise AttachmentError(
            str(exc), "照片像素太多，没有保存。请降低扫描分辨率后再试。"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise AttachmentError(
            f"{name}: not an image this kiosk can read ({type(exc).__name__})",
            "这个文件不是照片或扫描件，没有保存。",
        ) from None
    return out.getvalue(), "image/jpeg"


def _material_label(ctx: KioskContext, row: CaseRow, material_id: str) -> str | None:
    try:
        form = ctx.catalogue.get(row.form_id, row.form_version)
    except LookupError:
        return None
    return next((m.label for m in form.materials if m.id == material_id), None)


def _applies(ctx: KioskContext, uow: UnitOfWork, row: CaseRow, material_id: str) -> bool:
    """Whether the material's ``relevant`` condition holds for the case's answers (a
    material that does not apply is not on the paper, so no page of it is taken).
    A condition that cannot be evaluated on a draft's partial answers counts as holding."""
    from kiosk.forms.engine import FormFill

    form = ctx.catalogue.get(row.form_id, row.form_version)
    answers = uow.cases.read_personal(row).answers
    try:
        fill = FormFill(form, ctx.catalogue.lists, today=ctx.today(), answers=answers)
        return any(m.id == material_id for m in fill.materials())
    except (ValueError, KeyError, TypeError, LookupError):
        return row.content_hash is None


def material_choices(ctx: KioskContext, case_id: str) -> list[tuple[str, str]]:
    """(material id, label) of every material the case's form lists that applies to its
    answers (the ones on the paper; a page of another is refused by ``add_attachment``)."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.require(case_id)
        form = ctx.catalogue.get(row.form_id, row.form_version)
        return [(m.id, m.label) for m in form.materials if _applies(ctx, uow, row, m.id)]


def _rows(session: Session, case_id: str) -> list[AttachmentRow]:
    query = (
        select(AttachmentRow)
        .where(AttachmentRow.case_id == case_id, AttachmentRow.purged_at.is_(None))
        .order_by(AttachmentRow.material_id, AttachmentRow.page, AttachmentRow.id)
    )
    return list(session.scalars(query))


def entries(session: Session, case_id: str) -> list[ManifestEntry]:
    return [
        ManifestEntry(r.id, r.material_id, r.page, r.sha256, r.size, r.media_type)
        for r in _rows(session, case_id)
    ]


def seal_manifest(ctx: KioskContext, uow: UnitOfWork, row: CaseRow, *, actor: str) -> None:
    """Recompute and sign the attachments hash of a finalized case as a new version.
    A case without pages keeps no manifest (version 0, hash None)."""
    if row.content_hash is None:
        return  # a draft: sealed at finalize
    found = entries(uow.session, row.id)
    if not found and row.attachments_hash is None:
        return
    row.attachments_version += 1
    digest = attachments_hash(row.id, row.content_hash, row.attachments_version, found)
    row.attachments_hash = digest
    row.attachments_signature = sign_manifest(load_or_create_signing_key(ctx.data_root), digest)
    uow.cases.audit(
        row,
        actor=actor,
        action="attachments_sealed",
        detail=f"v{row.attachments_version} {len(found)} page(s) sha256 {digest[:16]}",
    )


@dataclass(frozen=True)
class NewPage:
    """One page to add: the image bytes and its sharpness (None: not measured)."""

    data: bytes
    blur_score: float | None = None


def add_attachment(
    ctx: KioskContext,
    case_id: str,
    *,
    material_id: str,
    data: bytes,
    source: str = "file",
    actor: str = "staff",
    blur_score: float | None = None,
) -> AttachmentView:
    """Store one page of a material of a case (by number or UUID); see the module doc."""
    page = NewPage(data, blur_score)
    return add_attachments(
        ctx, case_id, material_id=material_id, pages=[page], source=source, actor=actor
    )[0]


def _target(ctx: KioskContext, uow: UnitOfWork, case_id: str, material_id: str) -> CaseRow:
    """The case the pages go to, checked (AttachmentError naming what is wrong)."""
    try:
        row = uow.cases.require(case_id)
    except CaseNotFound:
        raise AttachmentError(f"case {case_id}: not found", "找不到这个办件。") from None
    if row.personal is None:
        raise AttachmentError(
            f"case {row.number}: personal data purged after retention; nothing to attach to",
            "这个办件的资料已按期清除，不能再加材料。",
        )
    if _material_label(ctx, row, material_id) is None:
        raise AttachmentError(
            f"case {row.number}: form {row.form_id} lists no material '{material_id}'",
            "这份表没有这项材料。",
        )
    if not _applies(ctx, uow, row, material_id):
        raise AttachmentError(
            f"case {row.number}: material '{material_id}' does not apply to this case's "
            "answers (it is not on the paper); nothing attached",
            "按您填的内容，这项材料不需要，没有保存。",
        )
    return row


def add_attachments(
    ctx: KioskContext,
    case_id: str,
    *,
    material_id: str,
    pages: list[NewPage],
    source: str = "file",
    actor: str = "staff",
) -> list[AttachmentView]:
    """Store the pages of one file (a multi-page TIFF or PDF) as pages of a material:
    all of them or none, in one transaction and one new manifest version. A page whose
    SHA-256 the case already has is not stored again: its view says ``already``."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    max_bytes = ctx.settings.attachment_max_bytes
    images = [normalize_image(p.data, max_bytes=max_bytes) for p in pages]
    written: list[str] = []
    with ctx.store.unit_of_work() as uow:
        row = _target(ctx, uow, case_id, material_id)
        kept: list[tuple[AttachmentRow, bool]] = []
        try:
            for (image, media_type), new in zip(images, pages, strict=True):
                digest = hashlib.sha256(image).hexdigest()
                same = uow.session.scalars(
                    select(AttachmentRow).where(
                        AttachmentRow.case_id == row.id,
                        AttachmentRow.sha256 == digest,
                        AttachmentRow.purged_at.is_(None),
                    )
                ).first()
                if same is not None:
                    log.info("attachment %s: already attached, not stored again", same.id[:8])
                    kept.append((same, True))
                    continue
                attachment = _new_row(ctx, uow, row, material_id, image, media_type, digest)
                attachment.blur_score, attachment.source = new.blur_score, source
                attachment.added_by = actor
                ctx.store.blobs.write(attachment.id, image)  # before the row is committed
                written.append(attachment.id)
                uow.session.add(attachment)
                uow.session.flush()
                uow.cases.audit(
                    row,
                    actor=actor,
                    action="attachment_added",
                    detail=f"{material_id} p{attachment.page} {source} sha256 {digest[:16]}",
                )
                kept.append((attachment, False))
            if written:
                seal_manifest(ctx, uow, row, actor=actor)
                uow.commit()
        except BaseException:
            for attachment_id in written:
                ctx.store.blobs.delete(attachment_id)
            raise
        return [
            replace(
                _view(a, row.number, _material_label(ctx, row, a.material_id) or a.material_id),
                already=already,
            )
            for a, already in kept
        ]


def _new_row(
    ctx: KioskContext,
    uow: UnitOfWork,
    row: CaseRow,
    material_id: str,
    image: bytes,
    media_type: str,
    digest: str,
) -> AttachmentRow:
    """The next page of the material (numbered after the pages already there)."""
    count = uow.session.scalar(
        select(func.count())
        .select_from(AttachmentRow)
        .where(
            AttachmentRow.case_id == row.id,
            AttachmentRow.material_id == material_id,
            AttachmentRow.purged_at.is_(None),
        )
    )
    return AttachmentRow(
        id=str(uuid.uuid4()),
        case_id=row.id,
        material_id=material_id,
        page=1 + int(count or 0),
        media_type=media_type,
        size=len(image),
        sha256=digest,
        added_at=ctx.store.now(),
        sent_bytes=0,
        sync_state="pending",
    )


def _view(a: AttachmentRow, number: str, label: str) -> AttachmentView:
    return AttachmentView(
        id=a.id,
        case_number=number,
        material_id=a.material_id,
        material_label=label,
        page=a.page,
        media_type=a.media_type,
        size=a.size,
        sha256=a.sha256,
        blur_score=a.blur_score,
        source=a.source,
        added_at=a.added_at,
        added_by=a.added_by,
        sync_state=a.sync_state,
        sent_bytes=a.sent_bytes,
    )


def list_attachments(ctx: KioskContext, case_id: str) -> list[AttachmentView]:
    """The pages of a case (by number or UUID), by material and page."""
    with ctx.store.unit_of_work(read_only=True) as uow:
        row = uow.cases.require(case_id)
        labels = {}
        try:
            form = ctx.catalogue.get(row.form_id, row.form_version)
            labels = {m.id: m.label for m in form.materials}
        except LookupError:
            pass
        return [
            _view(a, row.number, labels.get(a.material_id, a.material_id))
            for a in _rows(uow.session, row.id)
        ]


def photographed_pages(store: Store, case_id: str) -> dict[str, int]:
    """Material id → pages photographed, for the print's 已拍照 N 页 and the receipt."""
    with store.unit_of_work(read_only=True) as uow:
        counts: dict[str, int] = {}
        for a in _rows(uow.session, case_id):
            counts[a.material_id] = counts.get(a.material_id, 0) + 1
        return counts


def read_attachment(ctx: KioskContext, attachment_id: str, *, actor: str = "staff") -> bytes:
    """The image bytes of one page, decrypted; the look is audited (personal data)."""
    with ctx.store.unit_of_work() as uow:
        a = uow.session.get(AttachmentRow, attachment_id)
        if a is None or a.purged_at is not None:
            raise AttachmentError(f"attachment {attachment_id}: not found", "找不到这张照片。")
        row = uow.cases.require(a.case_id)
        data = ctx.store.blobs.read(a.id)
        uow.cases.audit(row, actor=actor, action="attachment_viewed", detail=a.id[:8])
        uow.commit()
    return data
