"""A finalized case as it leaves the kiosk: the one shape the sync protocol and the QR data
codes both carry, so a case that arrives both ways is recognised as the same case.
The identity code travels beside it (sync: in the packet; paper: its own QR code).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.domain.case_hash import content_hash


def release_extra(release: int | None, policy_version: int | None) -> dict[str, Any]:
    """The packet's ``extra`` for a case made under a published release (issue 16): the
    release number (0: the shipped definitions) and the policy version it was finalized
    with; {} for a case made before releases were recorded. Signed in the identity code
    (kiosk.domain.case_hash.envelope_digest), so nobody on the way can change it."""
    if release is None:
        return {}
    return {"release": release, "policy_version": policy_version}


class PacketError(ValueError):
    """A packet that is malformed or whose content does not match its hash."""


@dataclass(frozen=True)
class CasePacket:
    case_id: str  # UUID, the idempotency key
    number: str
    form_id: str
    form_version: int
    answers: dict[str, Any]
    content_hash: str
    device_id: str
    finalized_at: str  # ISO 8601, UTC
    volunteer_id: str | None = None
    bundle_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The signed identity code (BBI2:...) of the device that made the case, carried
    # unchanged wherever the case goes: the trust rule (kiosk.printing.trust) needs it.
    identity_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CasePacket:
        try:
            packet = cls(**data)
        except TypeError as exc:
            raise PacketError(f"case packet has wrong fields: {exc}") from exc
        if not isinstance(packet.answers, dict) or not isinstance(packet.form_version, int):
            raise PacketError("case packet: answers must be an object, form_version a number")
        return packet

    def hash_matches(self) -> bool:
        return content_hash(self.form_id, self.form_version, self.answers) == self.content_hash
