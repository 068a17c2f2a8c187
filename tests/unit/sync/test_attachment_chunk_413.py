"""Tester finding 5: a server (or proxy) that answers 413 to a chunk gets the rest in
halved chunks, down to a floor, from the offset it acknowledged; nothing acknowledged
is sent again."""

from __future__ import annotations

import hashlib
from typing import Any

import cv2
import numpy as np
import pytest
from helpers import APPLICANT_ID, FORM_ID, example

from kiosk.services.attachments import add_attachment
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.sync.attachments_push import MIN_CHUNK_BYTES, ChunkSize, upload
from kiosk.sync.client import SyncFailure


class LimitedServer:
    """Keeps chunks in order; refuses with 413 any chunk over ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept = bytearray()
        self.size = 0
        self.sends: list[tuple[int, int, int]] = []  # (offset, length, status)

    def _progress(self) -> dict[str, Any]:
        return {"received": len(self.kept), "size": self.size,
                "complete": len(self.kept) == self.size}  # fmt: skip

    def declare_attachment(self, attachment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self.size = int(body["size"])
        return self._progress()

    def send_chunk(self, attachment_id: str, offset: int, data: bytes) -> dict[str, Any]:
        if len(data) > self.limit:
            self.sends.append((offset, len(data), 413))
            raise SyncFailure("413", reachable=True, status=413, body={"error": "too large"})
        assert offset == len(self.kept), "a chunk not at the acknowledged offset"
        self.sends.append((offset, len(data), 200))
        self.kept.extend(data)
        return self._progress()


def _page(ctx: KioskContext) -> tuple[str, bytes]:
    case_id = fill_case(ctx, FORM_ID, example(), resident_id=APPLICANT_ID).id
    noise = np.random.default_rng(3).integers(0, 256, (500, 500, 3), dtype=np.uint8)
    data = cv2.imencode(".png", noise)[1].tobytes()  # ~750 KB, no compression to speak of
    view = add_attachment(ctx, case_id, material_id="applicant_id_card", data=data)
    return view.id, data


def test_413_halves_the_chunk_and_resumes_at_the_acknowledged_offset(
    ctx: KioskContext,
) -> None:
    attachment_id, data = _page(ctx)
    server = LimitedServer(limit=60_000)
    size = ChunkSize(256 * 1024)
    assert upload(ctx.store, server, attachment_id, size)  # type: ignore[arg-type]
    assert hashlib.sha256(server.kept).digest() == hashlib.sha256(data).digest()
    assert size.bytes == 32 * 1024  # 256 → 128 → 64 → 32 KiB, kept for the next pages
    refused = [s for s in server.sends if s[2] == 413]
    assert [length for _, length, _ in refused] == [256 * 1024, 128 * 1024, 64 * 1024]
    taken = [(offset, length) for offset, length, status in server.sends if status == 200]
    assert len({offset for offset, _ in taken}) == len(taken)  # none sent twice


def test_413_at_the_floor_is_a_failure(ctx: KioskContext) -> None:
    attachment_id, _data = _page(ctx)
    server = LimitedServer(limit=MIN_CHUNK_BYTES - 1)
    with pytest.raises(SyncFailure) as failed:
        upload(ctx.store, server, attachment_id, ChunkSize(64 * 1024))  # type: ignore[arg-type]
    assert failed.value.status == 413
    assert [length for _, length, _ in server.sends] == [64 * 1024, 32 * 1024, MIN_CHUNK_BYTES]
