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
from typing import Any

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
        text = f"个人信息告知：{day}已在办事机上向{who}{how}，{who}同意"
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
    notice: Notice, *, spoken: bool, actor: str, now: datetime | None = None
) -> Consent:
    """The consent for a notice the person agreed to (sensitive items included)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return Consent(
        notice=NOTICE_VERSION,
        at=moment.isoformat(timespec="seconds"),
        by="guardian" if notice.guardian_needed else "resident",
        spoken=spoken,
        sensitive=[s.category for s in notice.sensitive],
        actor=actor,
    )
