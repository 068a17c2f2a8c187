"""The request and response bodies of the town server's API (pydantic; they make the
OpenAPI document at /api/v1/openapi.json). Every text field has the length of the column
it ends up in, and takes no control characters or lone surrogates."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from kiosk.server.packets import plain_text

Text = Annotated[str, AfterValidator(plain_text)]
Code = Annotated[Text, StringConstraints(min_length=1, max_length=40)]
UuidText = Annotated[Text, StringConstraints(min_length=1, max_length=45)]
KeyText = Annotated[Text, StringConstraints(min_length=1, max_length=100)]
NonceText = Annotated[Text, StringConstraints(min_length=1, max_length=120)]
StepText = Annotated[Text, StringConstraints(min_length=1, max_length=64)]
NoteText = Annotated[Text, StringConstraints(max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    protocol: str
    error: str = Field(description="what was wrong, in plain English")


class ChallengeOut(BaseModel):
    protocol: str
    nonce: str = Field(description="sign it (kiosk.sync.proofs) within expires_at")
    expires_at: str


class EnrollIn(Strict):
    code: Code = Field(description="one-time code printed by `kiosk-server enroll`")
    device_id: UuidText = Field(description="the kiosk's own device UUID")
    public_key: KeyText = Field(description="its Ed25519 public key, urlsafe base64")
    nonce: NonceText = Field(description="from POST /enroll/challenge")
    signature: KeyText = Field(description="Ed25519 signature of the proof message")


class TokenIn(Strict):
    device_id: UuidText
    nonce: NonceText
    signature: KeyText


class TokenOut(BaseModel):
    """The answer to enrollment and to token renewal. Later fields may be added; kiosks
    ignore the ones they do not know."""

    model_config = ConfigDict(extra="allow")

    protocol: str
    device_id: str
    token: str
    token_expires_at: str
    name: str
    hall: str | None
    device_no: int | None = Field(
        description="the device's number, part of its every case number (given at enrollment)"
    )
    epoch: str


class Limits(BaseModel):
    max_body_bytes: int
    max_batch: int
    max_answers_bytes: int


class HealthOut(BaseModel):
    protocol: str
    status: str
    server_time: str
    limits: Limits


class DeviceOut(BaseModel):
    protocol: str
    epoch: str
    device_id: str
    name: str
    hall: str | None
    device_no: int | None = Field(description="the device number enrollment gave it")
    cases: int = Field(description="how many of this device's cases the server holds")
    pages: int = Field(
        0, description="how many of this device's photographed pages the server holds whole"
    )
    last_change_seq: int
    last_numbers: dict[str, int] = Field(
        description='{"YYMMDD-<device part>": highest sequence} of recent days'
    )
    token_expires_at: str | None
    server_time: str
    limits: Limits


class BatchIn(Strict):
    cases: list[Any] = Field(
        description="case packets (kiosk.domain.case_packet); each is judged on its own"
    )


class NumberHeldOut(BaseModel):
    last_seq: int = Field(
        description="highest sequence the server holds for the number's day and device part"
    )


class CaseResultOut(BaseModel):
    case_id: str
    status: int = Field(description="201 created, 202 already had, 409 conflict, 422 rejected")
    outcome: str
    reason: str | None
    number_held: NumberHeldOut | None = Field(
        default=None,
        description="409 only: another case UUID holds this number; the kiosk renumbers",
    )


class BatchOut(BaseModel):
    protocol: str
    epoch: str
    results: list[CaseResultOut]
    server_time: str


class HaveItem(Strict):
    case_id: UuidText
    content_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class HaveIn(Strict):
    cases: list[HaveItem] = Field(max_length=2000)


class HaveOut(BaseModel):
    protocol: str
    epoch: str
    missing: list[str]
    differ: list[str]


class AttachmentHaveItem(Strict):
    id: UuidText
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class AttachmentHaveIn(Strict):
    attachments: list[AttachmentHaveItem] = Field(max_length=2000)


class AttachmentHaveOut(BaseModel):
    protocol: str
    not_complete: list[str]


class ChangeOut(BaseModel):
    seq: int
    case_id: str
    number: str
    status: str
    note: str | None
    step: str | None
    at: str


class ChangesOut(BaseModel):
    protocol: str
    epoch: str
    changes: list[ChangeOut]
    next: int
    more: bool


class VersionsOut(BaseModel):
    protocol: str
    versions: dict[str, int]


class ReferenceOut(BaseModel):
    protocol: str
    kind: str
    version: int
    body: Any


class AdvanceIn(Strict):
    step: StepText = Field(description="step id or desk name, e.g. 民政办")
    note: NoteText | None = None
    outcome: Literal["done", "needs_materials", "refused"] = "done"


class QrImportIn(Strict):
    payloads: list[
        Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=r"^[ -~]+$")]
    ] = Field(max_length=64, description="the scanned data-code texts of one case")


class StaffCasesOut(BaseModel):
    protocol: str
    cases: list[dict[str, Any]]


class StaffCaseOut(BaseModel):
    protocol: str
    case: dict[str, Any]


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
MaterialText = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]


class ManifestEntryIn(Strict):
    id: UuidText
    material: MaterialText
    page: int = Field(ge=1, le=999)
    sha256: Sha256
    size: int = Field(ge=1, le=100_000_000)
    type: Literal["image/jpeg", "image/png"]


class ManifestIn(Strict):
    version: int = Field(ge=1, le=1_000_000)
    digest: Sha256
    signature: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    entries: list[ManifestEntryIn] = Field(max_length=500)


class AttachmentIn(Strict):
    """Declare one page before its bytes: which case, which material and page, how big,
    its SHA-256, and the case's signed manifest that lists it."""

    case_id: UuidText
    material: MaterialText
    page: int = Field(ge=1, le=999)
    media_type: Literal["image/jpeg", "image/png"]
    size: int = Field(ge=1, le=100_000_000)
    sha256: Sha256
    manifest: ManifestIn


class AttachmentOut(BaseModel):
    protocol: str
    id: str
    received: int = Field(description="bytes kept so far; the next chunk starts here")
    size: int
    complete: bool


class CaseAttachmentsOut(BaseModel):
    protocol: str
    case_id: str
    expected: int = Field(description="pages the newest signed manifest lists")
    complete: int
    attachments: list[dict[str, Any]]
