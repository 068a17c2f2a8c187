"""Attachments: stored encrypted, counted in a signed manifest beside the frozen answers,
purged with the case; the capture pipeline's crop, deskew and blur check."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest
from helpers import APPLICANT_ID, FORM_ID, example

from kiosk.device_identity import load_or_create_signing_key
from kiosk.devices.camera import SyntheticCamera, draw_page
from kiosk.devices.capture import CaptureError, prepare_frame, prepare_page, text_angle
from kiosk.domain.attachment_manifest import attachments_hash, verify_manifest
from kiosk.services import attachments as att
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.store.models import AttachmentRow, CaseRow, OutboxEntry
from kiosk.sync.retention import purge_acknowledged


def _page(angle: float = 8.0, blur: int = 0) -> bytes:
    return prepare_frame(draw_page(angle=angle, blur=blur)).jpeg


def _case(ctx: KioskContext) -> str:
    return fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id


def test_no_image_byte_is_readable_in_the_data_root(ctx: KioskContext) -> None:
    case_id = _case(ctx)
    image = _page()
    view = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=image)
    # Neither the JPEG's markers nor any 64-byte stretch of it is anywhere on disk.
    probes = [b"\xff\xd8\xff", b"JFIF", image[200:264], image[-64:]]
    for path in ctx.data_root.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert not any(p in content for p in probes), path
    assert att.read_attachment(ctx, view.id) == image


def test_a_page_added_later_is_a_new_signed_version_and_the_answers_stay(
    ctx: KioskContext,
) -> None:
    case_id = _case(ctx)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        frozen, code = row.content_hash, row.identity_code
        assert row.attachments_version == 0 and row.attachments_hash is None
    first = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=_page())
    second = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=_page(-5))
    assert (first.page, second.page) == (1, 2)
    key = load_or_create_signing_key(ctx.data_root).public_key()
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        assert row.content_hash == frozen and row.identity_code == code
        assert row.attachments_version == 2
        found = att.entries(uow.session, case_id)
        expected = attachments_hash(case_id, str(frozen), 2, found)
        assert row.attachments_hash == expected
        assert verify_manifest(key, expected, str(row.attachments_signature))
        # A replayed older version does not verify as the current one.
        older = attachments_hash(case_id, str(frozen), 1, found[:1])
        assert not verify_manifest(key, older, str(row.attachments_signature))
        actions = [a.action for a in row.audit]
    assert actions.count("attachment_added") == 2 and actions.count("attachments_sealed") == 2
    assert {f.sha256 for f in found} == {first.sha256, second.sha256}


def test_unknown_material_and_non_images_save_nothing(ctx: KioskContext) -> None:
    case_id = _case(ctx)
    with pytest.raises(att.AttachmentError, match="no material 'passport'"):
        att.add_attachment(ctx, case_id, material_id="passport", data=_page())
    with pytest.raises(att.AttachmentError, match="not an image"):
        att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=b"hello")
    assert att.list_attachments(ctx, case_id) == []
    assert not list((ctx.data_root / "attachments").rglob("*.enc"))


def test_tiff_from_a_scanner_is_kept_as_jpeg(ctx: KioskContext) -> None:
    case_id = _case(ctx)
    ok, tiff = cv2.imencode(".tiff", draw_page())
    assert ok
    view = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=tiff.tobytes())
    assert view.media_type == "image/jpeg"
    assert att.read_attachment(ctx, view.id)[:3] == b"\xff\xd8\xff"


def test_purged_with_the_case_after_retention(ctx: KioskContext) -> None:
    case_id = _case(ctx)
    view = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=_page())
    path = ctx.store.blobs.path(view.id)
    assert path.exists()
    with ctx.store.unit_of_work() as uow:
        entry = uow.session.query(OutboxEntry).filter_by(case_id=case_id).one()
        row = uow.session.get(CaseRow, case_id)
        assert row is not None and row.finalized_at is not None
        entry.state, entry.acked_at = "sent", row.finalized_at - timedelta(days=40)
        uow.commit()
    now = ctx.store.now()
    # A page not yet whole on the server holds the purge back (it must still go) …
    assert purge_acknowledged(ctx.store, retention_days=30, now=now) == 0
    assert path.exists()
    # … but not beyond three retention periods …
    later = now + timedelta(days=60)
    assert purge_acknowledged(ctx.store, retention_days=30, now=later) == 1
    assert not path.exists()
    with ctx.store.unit_of_work() as uow:
        page = uow.session.get(AttachmentRow, view.id)
        assert page is not None and page.sync_state == "gone"


def test_purged_with_the_case_after_retention_once_its_pages_are_sent(
    ctx: KioskContext,
) -> None:
    case_id = _case(ctx)
    view = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=_page())
    path = ctx.store.blobs.path(view.id)
    with ctx.store.unit_of_work() as uow:
        entry = uow.session.query(OutboxEntry).filter_by(case_id=case_id).one()
        row = uow.session.get(CaseRow, case_id)
        assert row is not None and row.finalized_at is not None
        entry.state, entry.acked_at = "sent", row.finalized_at - timedelta(days=40)
        page = uow.session.get(AttachmentRow, view.id)
        assert page is not None
        page.sync_state = "sent"
        uow.commit()
    now = ctx.store.now()
    assert purge_acknowledged(ctx.store, retention_days=30, now=now) == 1
    assert not path.exists()
    with ctx.store.unit_of_work() as uow:
        page = uow.session.get(AttachmentRow, view.id)
        assert page is not None and page.purged_at is not None
    assert att.list_attachments(ctx, case_id) == []


def test_a_draft_page_is_sealed_at_finalize(ctx: KioskContext) -> None:
    from kiosk.services import cases

    case_id = cases.start_case(ctx, FORM_ID, resident_id=APPLICANT_ID).case.id
    att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=_page())
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        assert row.attachments_hash is None
        form = ctx.catalogue.get(FORM_ID)
        fill = cases.checked_fill(ctx, form, example(), resident_id=APPLICANT_ID)
        cases._save_fill(uow.cases, row, fill)
        uow.commit()
    cases.finalize_case(ctx, case_id)
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        assert row.attachments_version == 1 and row.attachments_hash is not None


# ----- capture pipeline -------------------------------------------------------------------


@pytest.mark.parametrize("angle", [-14.0, -6.0, 0.0, 7.0, 12.0])
def test_a_skewed_page_on_a_desk_is_cut_out_and_straightened(angle: float) -> None:
    page = prepare_frame(SyntheticCamera(angle=angle).read())  # type: ignore[arg-type]
    assert page.found_page and page.sharp
    # The A4 proportions come back (1.414) and no desk is left around the page.
    assert page.height / page.width == pytest.approx(1.414, abs=0.03)
    image = cv2.imdecode(np.frombuffer(page.jpeg, np.uint8), cv2.IMREAD_COLOR)
    border = np.concatenate([image[:4].reshape(-1, 3), image[-4:].reshape(-1, 3)])
    assert border.mean() > 200, "the desk (dark) is still at the page's edge"
    assert abs(text_angle(image)) < 1.0


def test_text_angle_measures_the_skew_of_a_page_without_background() -> None:
    flat = prepare_frame(draw_page(angle=0))
    image = cv2.imdecode(np.frombuffer(flat.jpeg, np.uint8), cv2.IMREAD_COLOR)
    h, w = image.shape[:2]
    turned = cv2.warpAffine(
        image,
        cv2.getRotationMatrix2D((w / 2, h / 2), 6, 1.0),
        (w, h),
        borderMode=cv2.BORDER_REPLICATE,
    )
    assert text_angle(turned) == pytest.approx(-6, abs=1.0)
    _ok, data = cv2.imencode(".png", turned)
    straightened = prepare_page(data.tobytes())
    assert not straightened.found_page and straightened.angle == pytest.approx(-6, abs=1.0)


def test_blurred_photo_is_refused_sharp_one_kept() -> None:
    sharp = prepare_frame(draw_page(blur=0))
    soft = prepare_frame(draw_page(blur=25))
    assert sharp.sharp and not soft.sharp
    assert soft.sharpness < 60 < sharp.sharpness


def test_not_an_image_is_a_capture_error() -> None:
    with pytest.raises(CaptureError):
        prepare_page(b"not an image")


def test_an_unplugged_camera_gives_no_frame() -> None:
    camera = SyntheticCamera()
    assert camera.read() is not None
    camera.unplug()
    assert camera.read() is None


def test_manifest_hash_counts_every_page(tmp_path: Path) -> None:
    from kiosk.domain.attachment_manifest import ManifestEntry

    a = ManifestEntry(
        "a", "applicant_id_card", 1, hashlib.sha256(b"1").hexdigest(), 1, "image/jpeg"
    )
    b = ManifestEntry(
        "b", "applicant_id_card", 2, hashlib.sha256(b"2").hexdigest(), 1, "image/jpeg"
    )
    one = attachments_hash("c", "h", 1, [a])
    assert attachments_hash("c", "h", 1, [a, b]) != one
    assert attachments_hash("c", "h", 2, [b, a]) == attachments_hash("c", "h", 2, [a, b])
    assert attachments_hash("c", "other", 1, [a]) != one


def test_a_material_that_does_not_apply_takes_no_page(ctx: KioskContext) -> None:
    """Tester finding 6: a page of a material not on the paper (its ``relevant`` is false
    for the answers) is refused, so what is stored is what is printed and counted."""
    case_id = _case(ctx)  # applicant is the child: no relationship proof is needed
    with pytest.raises(att.AttachmentError, match="'relationship_proof' does not apply"):
        att.add_attachment(ctx, case_id, material_id="relationship_proof", data=_page())
    assert att.list_attachments(ctx, case_id) == []
    assert "relationship_proof" not in att.photographed_pages(ctx.store, case_id)
    offered = [m for m, _label in att.material_choices(ctx, case_id)]
    assert "relationship_proof" not in offered and "applicant_id_card" in offered


def test_the_same_page_twice_is_one_copy(ctx: KioskContext) -> None:
    """Tester finding 7: detected by content hash, said so, nothing stored twice."""
    case_id = _case(ctx)
    image = _page()
    first = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=image)
    again = att.add_attachment(ctx, case_id, material_id="applicant_id_card", data=image)
    elsewhere = att.add_attachment(ctx, case_id, material_id="bank_card", data=image)
    assert not first.already and again.already and elsewhere.already
    assert again.id == elsewhere.id == first.id and elsewhere.material_id == "applicant_id_card"
    assert len(att.list_attachments(ctx, case_id)) == 1
    assert len(list((ctx.data_root / "attachments").rglob("*.enc"))) == 1


def test_the_pages_of_one_file_are_kept_all_or_none(ctx: KioskContext) -> None:
    """A multi-page file is one transaction and one manifest version; a bad page in it
    leaves nothing stored (nothing saved half)."""
    case_id = _case(ctx)
    with pytest.raises(att.AttachmentError, match="not an image"):
        att.add_attachments(
            ctx,
            case_id,
            material_id="applicant_id_card",
            pages=[att.NewPage(_page()), att.NewPage(b"not an image")],
        )
    assert att.list_attachments(ctx, case_id) == []
    assert not list((ctx.data_root / "attachments").rglob("*.enc"))
    views = att.add_attachments(
        ctx,
        case_id,
        material_id="applicant_id_card",
        pages=[att.NewPage(_page()), att.NewPage(_page(-5)), att.NewPage(_page())],
    )
    assert [(v.page, v.already) for v in views] == [(1, False), (2, False), (1, True)]
    with ctx.store.unit_of_work() as uow:
        row = uow.cases.require(case_id)
        assert row.attachments_version == 1  # one new version for the whole file
