"""Notice and consent before the first question (PIPL Art. 17, 29, 31).

Before a service starts, the kiosk shows and reads aloud a short notice: what is asked,
who uses it, how long it is kept, how to have it corrected or deleted (Art. 17). When
the form collects sensitive personal information (Art. 28: financial accounts, health,
disability, 低保 and family finances) the resident consents to that separately, after
being told why each is needed (Art. 29; the reasons come from the form's ``sensitive``
list). For a child under 14 a guardian consents (Art. 31). The consent given is stored
with the case (``cases.consent``, no personal data) and printed on the form.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.domain.errors import DomainError
from kiosk.domain.idcard import parse_id_number
from kiosk.forms.schema import FormDefinition

# Annotations only: the quick print path (kiosk.cli.print_quick) reads a case's consent
# without the store's SQLAlchemy, which kiosk.services.context imports (issue 19).
if TYPE_CHECKING:
    from kiosk.services.context import KioskContext

NOTICE_VERSION = "2026.1"
GUARDIAN_AGE = 14  # PIPL Art. 31: personal information of minors under 14


@dataclass(frozen=True)
class SensitiveItem:
    category: str
    why: str
    forms: list[str] = field(default_factory=list)  # short titles that ask it


@dataclass(frozen=True)
class Notice:
    """What the notice page shows and reads: the four answers, then sensitive items."""

    what: str
    who: str
    how_long: str
    delete: str
    sensitive: list[SensitiveItem]
    guardian_needed: bool

    def lines(self) -> list[str]:
        return [self.what, self.who, self.how_long, self.delete]


@dataclass(frozen=True)
class Consent:
    """A consent as stored on the case: JSON without personal data."""

    notice: str  # NOTICE_VERSION shown
    at: str  # ISO 8601 UTC
    by: str  # "resident" or "guardian"
    spoken: bool  # the notice was read aloud
    sensitive: list[str]  # categories consented to separately (PIPL Art. 29)
    actor: str  # who was at the screen: "resident" or "volunteer:1001"
    # How it was given: "kiosk" (the notice page), "paper" (signed on the paper form, the
    # case entered on the PC by ``kiosk fill``), "counter" (told in person by staff).
    channel: str = "kiosk"
    # When the sensitive items were agreed to, as their own act (the second button on the
    # kiosk); "" when the forms collect none or the consent came on paper.
    sensitive_at: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> Consent | None:
        if not text:
            return None
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(**data)
        except (ValueError, TypeError):
            return None

    def line(self) -> str:
        """One printed sentence: 个人信息告知：2026年11月20日已告知（朗读）…"""
        try:
            when = datetime.fromisoformat(self.at).astimezone()
            day = f"{when.year}年{when.month}月{when.day}日"
        except ValueError:
            day = ""
        who = "监护人" if self.by == "guardian" else "申请人"
        how = "告知并朗读" if self.spoken else "告知"
        where = {"paper": "在纸质申请表上", "counter": "在窗口当面"}.get(self.channel, "在办事机上")
        # A guardian's consent reads 向监护人告知…，监护人同意 (PIPL Art. 31).
        text = f"个人信息告知：{day}已{where}向{who}{how}，{who}同意"
        if self.sensitive:
            text += f"；敏感个人信息（{'、'.join(self.sensitive)}）已单独同意"
        return text + "。"


def notice_for(ctx: KioskContext, form_ids: list[str], resident_age: int | None) -> Notice:
    """The notice for starting these forms (one service, or the forms of a life event)."""
    forms = [ctx.catalogue.get(f) for f in form_ids]
    departments = "、".join(dict.fromkeys(f.department for f in forms))
    items: dict[str, SensitiveItem] = {}
    for form in forms:
        for s in form.sensitive:
            seen = items.get(s.category)
            if seen is None:
                items[s.category] = SensitiveItem(s.category, s.why, [form.short_title])
                continue
            why = seen.why if s.why in seen.why else seen.why + s.why
            items[s.category] = SensitiveItem(s.category, why, [*seen.forms, form.short_title])
    retention = ctx.settings.retention_days
    return Notice(
        what="我们会问办这件事要的信息：身份证号码、姓名、住址、电话，和申请表上的内容。",
        who=f"只给{departments}和{ctx.settings.town_name}便民服务中心办这件事用，不给别人。",
        how_long=f"这台机器上的信息，送到镇里{retention}天后删除；镇里按办事档案的规定保存。",
        delete="要查看、改正或者删除您的信息，请找工作人员；也可以现在不办，回首页。",
        sensitive=list(items.values()),
        guardian_needed=resident_age is not None and resident_age < GUARDIAN_AGE,
    )


def give_consent(
    notice: Notice,
    *,
    spoken: bool,
    actor: str,
    now: datetime | None = None,
    sensitive_at: str | None = None,
) -> Consent:
    """The consent for a notice the person agreed to. The sensitive items count as
    consented only with ``sensitive_at`` (the separate act's time, ISO 8601); a notice
    with sensitive items and no ``sensitive_at`` raises ValueError."""
    if notice.sensitive and not sensitive_at:
        raise ValueError("sensitive personal information needs its own consent (Art. 29)")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return Consent(
        sensitive_at=sensitive_at or "",
        notice=NOTICE_VERSION,
        at=moment.isoformat(timespec="seconds"),
        by="guardian" if notice.guardian_needed else "resident",
        spoken=spoken,
        sensitive=[s.category for s in notice.sensitive],
        actor=actor,
    )


CLI_CHANNELS = ("paper", "counter")


def cli_consent(
    ctx: KioskContext, form_ids: list[str], channel: str, *, actor: str, guardian: bool = False
) -> Consent:
    """The consent of a case entered on the PC (``kiosk fill --consent paper``): obtained
    by the operator on the paper form or at the counter, sensitive items included."""
    if channel not in CLI_CHANNELS:
        raise ValueError(f"consent channel must be one of {', '.join(CLI_CHANNELS)}")
    notice = notice_for(ctx, form_ids, None)
    moment = ctx.clock().astimezone(UTC)
    return Consent(
        notice=NOTICE_VERSION,
        at=moment.isoformat(timespec="seconds"),
        by="guardian" if guardian else "resident",
        spoken=False,
        sensitive=[s.category for s in notice.sensitive],
        actor=actor,
        channel=channel,
    )


class GuardianConsentNeeded(Exception):
    """The subject or applicant of a case is under 14 and no guardian consented (Art. 31)."""

    def __init__(self, age: int) -> None:
        super().__init__(
            f"the person the application is about is {age} (under {GUARDIAN_AGE}): "
            "a guardian's consent is needed (PIPL Art. 31)"
        )
        self.age = age


def minor_age(form: FormDefinition, answers: dict[str, Any], today: Any) -> int | None:
    """The age of the youngest person under 14 whose ID number is the form's subject or
    applicant answer (disability_card's person_id ...), else None. The age is read from
    the number (GB 11643), on ``today``."""
    ages = []
    for name in dict.fromkeys([form.subject, getattr(form, "applicant", None)]):
        text = answers.get(name) if name else None
        if not isinstance(text, str) or not text:
            continue
        try:
            ages.append(parse_id_number(text, today=today).age(today))
        except DomainError:
            continue
    young = [a for a in ages if a < GUARDIAN_AGE]
    return min(young) if young else None


def check_guardian(
    form: FormDefinition, answers: dict[str, Any], stored: str | None, today: Any
) -> None:
    """GuardianConsentNeeded when a consent is stored, the subject is under 14 and the
    consent was not a guardian's (checked before a case becomes final)."""
    consent = Consent.from_json(stored)
    if consent is None or consent.by == "guardian":
        return
    age = minor_age(form, answers, today)
    if age is not None:
        raise GuardianConsentNeeded(age)


def guardian_consent(
    consent: Consent, *, actor: str, now: datetime | None = None, sensitive_at: str | None = None
) -> Consent:
    """The consent again, given by the guardian (the notice read again, 我是监护人，我同意)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    data = {**asdict(consent), "by": "guardian", "at": moment.isoformat(timespec="seconds")}
    data["actor"] = actor
    if sensitive_at:
        data["sensitive_at"] = sensitive_at
    return Consent(**data)
