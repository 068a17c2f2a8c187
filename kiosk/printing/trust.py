"""The one trust rule for a case, whatever carried it (docs/qr-format.md, "Trust rule").

A case is taken (kiosk ``qr import``, the town server's QR import, and sync from any
kiosk) only when its identity code verifies with the Ed25519 key of the device that
made it, and the case's UUID, device, content hash, number and form version are the
signed ones, and its answers give that content hash. ``check_case`` says so for one
case; ``read_scan`` sorts the codes of a scan (one page, several pages, several cases)
into cases and checks each.

Neither touches a store: the caller passes the public-key lookup (the kiosk's own
key, the server's reference data, a key file; on the server, the enrolled devices).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from kiosk.domain.case_numbers import unenrolled_tag
from kiosk.domain.case_packet import CasePacket
from kiosk.forms.catalogue import Catalogue
from kiosk.printing.qr_codec import DataCodeError, decode_case_codes, group_data_codes
from kiosk.printing.signing import (
    PublicKeyLookup,
    Verdict,
    VerdictStatus,
    envelope_of,
    is_identity_code,
    make_verdict,
    parse_identity,
    verify_identity_payload,
)
from kiosk.printing.textcode import CodecError

# Device id -> the device number the town server gave it at enrollment; None when the
# caller does not know it (a kiosk given only a key file) or the device has none.
DeviceNumbers = Callable[[str], int | None]
_NUMBER_ZH = "办件编号里的机器号和签名的机器对不上，不能收，请工作人员核对。"


def device_part_problem(number: str, device_id: str, device_no: int | None) -> str | None:
    """Why the case number cannot be one the signing device issued, or None when it can.

    The middle part of ``YYMMDD-DD-SSS`` (kiosk.domain.case_numbers) is the signer's
    enrolled number (``03``) or, for a case made before enrollment, the eight-character
    tag of the signer's UUID. Digits are checked against ``device_no`` when it is known
    (always on the town server); unknown, any enrolled-style number is accepted.
    """
    parts = number.split("-")
    if len(parts) != 3:
        return f"{number!r} is not a case number (YYMMDD-DD-SSS)"
    part = parts[1]
    try:
        if part == unenrolled_tag(device_id):
            return None
    except ValueError:
        return f"device {device_id!r} is not a UUID"
    if part.isdigit() and len(part) in (2, 3) and not (len(part) == 3 and part[0] == "0"):
        if device_no is None or int(part) == device_no:
            return None
        signer = f"{device_no:02d}"
        return f"the number {number} names device {part}, the case was signed by device {signer}"
    return f"the number {number} names device {part}, not the device that signed it ({device_id})"


def check_case(
    packet: CasePacket,
    identity_code: str | None,
    lookup: PublicKeyLookup,
    numbers: DeviceNumbers | None = None,
) -> Verdict:
    """The trust rule for one case: VALID only when every part of it holds.

    MISSING without an identity code; NOT_OURS / TAMPERED / UNKNOWN_DEVICE /
    BAD_SIGNATURE from the code itself; MISMATCH when it names another case (UUID or
    device) or the number's device part is not the signer's (``numbers`` gives the
    signer's enrolled number when known); OLD_FORMAT for a format-1 code (it does not
    sign the envelope); TAMPERED when the content hash, number, form version or envelope
    (finalize time, volunteer, bundle, extra) differ from the signed ones or the answers
    do not give the content hash.
    """
    if not identity_code or not identity_code.strip():
        return make_verdict(VerdictStatus.MISSING, detail=f"(case {packet.number})")
    verdict = verify_identity_payload(
        identity_code,
        lookup,
        expected_case_id=packet.case_id,
        expected_hash=packet.content_hash,
    )
    if not verdict.ok:
        return verdict
    signed = verdict.identity
    if signed is None:
        raise RuntimeError("a valid verdict without the signed identity (a bug)")
    if signed.device_id != packet.device_id:
        detail = f"(signed for device {signed.device_id}, the data name {packet.device_id})"
        return make_verdict(VerdictStatus.MISMATCH, signed, detail)
    if (signed.number, signed.form_id, signed.form_version) != (
        packet.number,
        packet.form_id,
        packet.form_version,
    ):
        detail = "(case number or form version differ from the signed ones)"
        return make_verdict(VerdictStatus.TAMPERED, signed, detail)
    if signed.envelope is None:
        return make_verdict(VerdictStatus.OLD_FORMAT, signed, f"(case {packet.number})")
    if signed.envelope != envelope_of(packet):
        detail = "(finalize time, volunteer, bundle or extra differ from the signed ones)"
        return make_verdict(VerdictStatus.TAMPERED, signed, detail)
    problem = device_part_problem(
        packet.number, signed.device_id, numbers(signed.device_id) if numbers else None
    )
    if problem is not None:
        verdict = make_verdict(VerdictStatus.MISMATCH, signed, f"({problem})")
        return replace(verdict, message_zh=_NUMBER_ZH)
    if not packet.hash_matches():
        return make_verdict(
            VerdictStatus.TAMPERED, signed, "(the answers do not give the signed content hash)"
        )
    return verdict


@dataclass(frozen=True)
class ScannedCase:
    """One case found in a scan: its data (when its data codes decoded), its identity
    code (when scanned) and the verdict of the trust rule (or of the identity code alone).
    """

    packet: CasePacket | None
    identity_code: str | None
    verdict: Verdict
    problem: str | None = None  # why the data codes did not decode, in plain English
    attachments_pending: int | None = None  # pages still to come, as the paper says

    @property
    def importable(self) -> bool:
        return self.packet is not None and self.verdict.ok

    @property
    def label(self) -> str:
        if self.packet is not None:
            return f"case {self.packet.number} ({self.packet.form_id} v{self.packet.form_version})"
        ident = self.verdict.identity
        return f"case {ident.number} ({ident.form_id} v{ident.form_version})" if ident else "?"


def _signed_case_id(identity_code: str) -> str | None:
    try:
        return parse_identity(identity_code)[0].case_id
    except (CodecError, ValueError):
        return None


def _signed_number(identity_code: str) -> str | None:
    try:
        return parse_identity(identity_code)[0].number
    except (CodecError, ValueError):
        return None


def read_scan(
    texts: Iterable[str],
    lookup: PublicKeyLookup,
    catalogue: Catalogue | None = None,
    numbers: DeviceNumbers | None = None,
) -> list[ScannedCase]:
    """Every case in a scan, each checked by the trust rule.

    Data codes are grouped per print and decoded; identity codes are paired with the
    data of the case they name (by UUID). Codes of several genuine cases scanned
    together are several VALID cases. An identity code left over beside data left over
    with the same case number, or one code beside one case's data when only those are
    left, is checked as that pair: MISMATCH (a genuine code beside another case's data).
    Data without an identity code are MISSING; an identity code without data is verified
    alone (the data codes of its case were not scanned).
    """
    stripped = [t.strip() for t in texts if t.strip()]
    identities = [t for t in stripped if is_identity_code(t)]
    data = [t for t in stripped if not is_identity_code(t)]
    found: list[ScannedCase] = []
    packets: list[CasePacket] = []
    pending: dict[str, int | None] = {}
    for group in group_data_codes(data):
        try:
            decoded = decode_case_codes(group, catalogue)
            packets.append(decoded.packet)
            pending[decoded.packet.case_id] = decoded.attachments_pending
        except DataCodeError as exc:
            verdict = make_verdict(VerdictStatus.TAMPERED, detail=f"(data codes: {exc})")
            found.append(ScannedCase(None, None, verdict, str(exc)))
    by_id = {_signed_case_id(code): code for code in identities}
    lone_packets = [p for p in packets if p.case_id not in by_id]
    paired_ids = {p.case_id for p in packets}
    lone_codes = [code for case_id, code in by_id.items() if case_id not in paired_ids]
    lone_codes += [c for c in identities if c not in by_id.values()]  # duplicates of one id
    for packet in packets:
        if packet.case_id in by_id:
            code = by_id[packet.case_id]
            found.append(ScannedCase(packet, code, check_case(packet, code, lookup, numbers)))
    # A code and data left over under the same case number are that number's mismatch (a
    # genuine code beside the data of another case: same number, another UUID).
    for packet in list(lone_packets):
        same = next((c for c in lone_codes if _signed_number(c) == packet.number), None)
        if same is not None:
            lone_packets.remove(packet)
            lone_codes.remove(same)
            found.append(ScannedCase(packet, same, check_case(packet, same, lookup, numbers)))
    if len(lone_packets) == 1 and len(lone_codes) == 1:
        packet, code = lone_packets[0], lone_codes[0]
        found.append(ScannedCase(packet, code, check_case(packet, code, lookup, numbers)))
        return _with_pending(found, pending)
    for packet in lone_packets:
        found.append(ScannedCase(packet, None, check_case(packet, None, lookup, numbers)))
    for code in lone_codes:
        verdict = verify_identity_payload(code, lookup)
        found.append(ScannedCase(None, code, verdict, "its data codes were not scanned"))
    return _with_pending(found, pending)


def _with_pending(found: list[ScannedCase], pending: dict[str, int | None]) -> list[ScannedCase]:
    return [
        replace(case, attachments_pending=pending.get(case.packet.case_id))
        if case.packet is not None
        else case
        for case in found
    ]
