"""The data QR codes: a whole finalized case, compressed and split over as many codes as needed.

Format (docs/qr-format.md): the case is written compactly against its form
version (kiosk.printing.compact), deflated with a preset dictionary made from
that form version, closed with a CRC-32, turned into Base45 and cut into parts. Format
2 (written now) carries in its head how many of the case's photographed pages had not
reached the town server when the paper was printed; format 1 (older paper) is still
read, and says nothing about them.
Each part reads ``BBD1:<i>/<n>:<group>:<base45>``: ``group`` is the CRC of the
whole message in hex, so parts of different cases never mix. Decoding needs only
the form catalogue: the town server calls it for QR import.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.domain.case_hash import content_hash
from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import Catalogue, UnknownForm, default_catalogue
from kiosk.forms.schema import FormDefinition
from kiosk.printing.compact import AnswerCodec, read_value, write_value
from kiosk.printing.data_parts import (
    DATA_PREFIX,
    MAX_PART_CHARS,
    assemble_message,
    split_message,
)
from kiosk.printing.textcode import CodecError, Reader, Writer, b45decode

__all__ = ["DATA_PREFIX", "MAX_PART_CHARS", "encode_data_codes", "encode_packet", "message_parts"]

FORMAT_VERSION = 2  # 2 adds the count of attachments still to come; 1 is still read
READABLE_VERSIONS = (1, 2)
HASH_CHECK_BYTES = 8  # the content hash is recomputed on import; this prefix checks it
_PART = re.compile(r"^BBD1:(\d{1,2})/(\d{1,2}):([0-9A-F]{8}):(.+)$", re.S)

# Strings every form's answers share, fixed with the format version (not read from
# shared lists that may change): the tail of the dictionary is matched best, so the
# most common strings come last.
_BASE_DICTIONARY = (
    "other elsewhere hospital home accident illness old_age grandchild sibling "
    "child_in_law parent spouse child female male icbc boc ccb abc psbc cqrcb "
    "v09 v08 v07 v06 v05 v04 v03 v02 v01 6217 6228 6230 138 139 136 135 "
    "500225 500111 5001 "
)


class DataCodeError(ValueError):
    """Scanned data codes that cannot rebuild a case (message says what is wrong)."""


@dataclass(frozen=True)
class DecodedCase:
    """A case rebuilt from its data codes, with what the paper says beside it:
    ``attachments_pending`` is how many photographed pages had not reached the town
    server when the paper was printed (None on format-1 paper, which does not say)."""

    packet: CasePacket
    attachments_pending: int | None


def form_dictionary(form: FormDefinition) -> bytes:
    """The preset deflate dictionary of one form version: its own choice values and labels."""
    words = [_BASE_DICTIONARY]
    for choices in form.choices.values():
        words.extend(f"{c.value} {c.label} " for c in choices)
    words.append(form.id)
    return "".join(words).encode("utf-8")[-32768:]


def _finalized_micros(text: str) -> int | None:
    """The finalize time as microseconds, when that gives back the very same text."""
    if not text.endswith("Z"):
        return None
    try:
        moment = datetime.fromisoformat(text[:-1])
    except ValueError:
        return None
    if moment.tzinfo is not None or moment.isoformat() + "Z" != text:
        return None
    return (
        int((moment.replace(tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds())
        * (10**6)
        + moment.microsecond
    )


def _micros_text(micros: int) -> str:
    seconds, rest = divmod(micros, 10**6)
    moment = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None, microsecond=rest)
    return moment.isoformat() + "Z"


def message_parts(packet: CasePacket, form: FormDefinition) -> tuple[bytes, bytes]:
    """The fixed parts of a case's message (kiosk.printing.data_parts): the head (format,
    form id, version) and the deflated body (the case written against its form)."""
    body = Writer()
    body.raw(uuid.UUID(packet.case_id).bytes)
    body.raw(uuid.UUID(packet.device_id).bytes)
    body.raw(bytes.fromhex(packet.content_hash)[:HASH_CHECK_BYTES])
    micros = _finalized_micros(packet.finalized_at)
    write_value(packet.finalized_at if micros is None else micros, body)
    write_value(packet.number, body)
    write_value(packet.volunteer_id, body)
    write_value(packet.bundle_id, body)
    write_value(packet.extra or None, body)
    AnswerCodec(form).encode(packet.answers, body)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zdict=form_dictionary(form))
    head = Writer()
    head.byte(FORMAT_VERSION)
    head.text(form.id)
    head.varint(form.version)
    return bytes(head.buf), deflate.compress(bytes(body.buf)) + deflate.flush()


def encode_packet(packet: CasePacket, form: FormDefinition, attachments_pending: int = 0) -> bytes:
    """One case as the message bytes the data codes carry (before Base45 and splitting),
    format 2: ``attachments_pending`` (>= 0) is how many of its pages are still to come."""
    if attachments_pending < 0:
        raise ValueError("attachments_pending must be >= 0")
    head, body = message_parts(packet, form)
    return assemble_message(head, body, attachments_pending)


def decode_message(message: bytes, catalogue: Catalogue) -> CasePacket:
    return decode_case_message(message, catalogue).packet


def decode_case_message(message: bytes, catalogue: Catalogue) -> DecodedCase:
    """A message of format 1 or 2 (DataCodeError for anything else)."""
    if len(message) < 8 or zlib.crc32(message[:-4]).to_bytes(4, "big") != message[-4:]:
        raise DataCodeError("the data codes are damaged: checksum does not match")
    head = Reader(message[:-4])
    fmt = head.byte()
    if fmt not in READABLE_VERSIONS:
        raise DataCodeError("data codes of an unknown format version")
    try:
        form_id, version = head.text(), head.varint()
        pending = head.varint() if fmt >= 2 else None
    except CodecError as exc:
        raise DataCodeError(f"the data codes are damaged: {exc}") from exc
    try:
        form = catalogue.get(form_id, version)
    except UnknownForm as exc:
        raise DataCodeError(f"{exc}: load that form version to import this case") from exc
    try:
        inflate = zlib.decompressobj(-15, zdict=form_dictionary(form))
        body = Reader(inflate.decompress(message[head.pos : -4]) + inflate.flush())
        case_id = str(uuid.UUID(bytes=body.raw(16)))
        device_id = str(uuid.UUID(bytes=body.raw(16)))
        check = body.raw(HASH_CHECK_BYTES).hex()
        finalized = read_value(body)
        number, volunteer_id, bundle_id, extra = (read_value(body) for _ in range(4))
        answers = AnswerCodec(form).decode(body)
    except (zlib.error, CodecError) as exc:
        raise DataCodeError(f"the data codes are damaged: {exc}") from exc
    if not body.done():
        raise DataCodeError("the data codes are damaged: unexpected bytes at the end")
    digest = content_hash(form.id, form.version, answers)
    if not digest.startswith(check):
        raise DataCodeError("the rebuilt answers do not match the case's content hash")
    packet = CasePacket(
        case_id=case_id,
        number=str(number),
        form_id=form.id,
        form_version=form.version,
        answers=answers,
        content_hash=digest,
        device_id=device_id,
        finalized_at=_micros_text(finalized) if isinstance(finalized, int) else str(finalized),
        volunteer_id=volunteer_id,
        bundle_id=bundle_id,
        extra=extra or {},
    )
    return DecodedCase(packet, pending)


def encode_data_codes(
    packet: CasePacket,
    form: FormDefinition,
    *,
    max_chars: int = MAX_PART_CHARS,
    attachments_pending: int = 0,
) -> list[str]:
    """The payload texts of the data codes, ``part 1 of n`` first."""
    return split_message(encode_packet(packet, form, attachments_pending), max_chars)


def group_data_codes(payloads: Iterable[str]) -> list[list[str]]:
    """Scanned data codes sorted into one list per case (per print), in first-seen order.

    The parts of one print share their ``group`` (the CRC of the whole message), so
    codes of several cases scanned together come apart here; a text that is not a data
    code gets a list of its own (decoding it names the problem).
    """
    groups: dict[str, list[str]] = {}
    for payload in payloads:
        m = _PART.match(payload.strip())
        key = f"{m.group(2)}/{m.group(3)}" if m else f"?{len(groups)}"
        groups.setdefault(key, []).append(payload)
    return list(groups.values())


def decode_data_codes(payloads: Iterable[str], catalogue: Catalogue | None = None) -> CasePacket:
    """The case of ``decode_case_codes``."""
    return decode_case_codes(payloads, catalogue).packet


def decode_case_codes(payloads: Iterable[str], catalogue: Catalogue | None = None) -> DecodedCase:
    """Rebuild a case from scanned data codes (any order, duplicates allowed).

    Raises DataCodeError naming what is wrong: not a data code, parts of different
    cases, missing parts, or damaged content.
    """
    parts: dict[int, str] = {}
    expected: tuple[int, str] | None = None
    for payload in payloads:
        m = _PART.match(payload.strip())
        if not m:
            raise DataCodeError(f"not a case data code (expected '{DATA_PREFIX}:…')")
        index, total, group = int(m.group(1)), int(m.group(2)), m.group(3)
        if expected is None:
            expected = (total, group)
        elif expected != (total, group):
            raise DataCodeError("these data codes belong to different cases (or prints)")
        if not 1 <= index <= total:
            raise DataCodeError(f"part number {index} of {total} is impossible")
        parts[index] = m.group(4)
    if expected is None:
        raise DataCodeError("no data codes given")
    missing = [i for i in range(1, expected[0] + 1) if i not in parts]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise DataCodeError(f"missing data code part(s) {listed} of {expected[0]}")
    try:
        message = b"".join(b45decode(parts[i]) for i in range(1, expected[0] + 1))
    except CodecError as exc:
        raise DataCodeError(f"the data codes are damaged: {exc}") from exc
    if f"{zlib.crc32(message):08X}" != expected[1]:
        raise DataCodeError("the data codes are damaged: checksum does not match")
    return decode_case_message(message, catalogue or default_catalogue())
