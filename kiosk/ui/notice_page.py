"""Notice and consent before the first question, in two separate acts (PIPL Art. 17, 29):

1. ``step="notice"``: what is asked, who uses it, how long it is kept, how to have it
   deleted; the button 我同意 agrees to the notice only.
2. ``step="sensitive"`` (only when the form collects sensitive data): each sensitive item
   with why it is needed; its own button 同意提供敏感信息.

A guardian's consent for a child under 14 is said on both (kiosk.services.consent).
Each page is read aloud on arrival."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.services.consent import Notice
from kiosk.ui import strings as S
from kiosk.ui.common_widgets import frame, label, wrap_text
from kiosk.ui.page_frame import BasePage


class NoticePage(BasePage):
    def __init__(
        self,
        *,
        notice: Notice,
        on_agree: Callable[[], None],
        on_disagree: Callable[[], None],
        on_read: Callable[[str], None] | None,
        badge: str | None,
        step: str = "notice",
    ) -> None:
        sensitive_step = step == "sensitive"
        super().__init__(
            S.NOTICE_SENSITIVE_TITLE if sensitive_step else S.NOTICE_HEADING,
            S.NOTICE_SENSITIVE_HINT if sensitive_step else S.NOTICE_HINT,
            name="notice-sensitive" if sensitive_step else "notice",
            on_read=on_read,
            badge=badge,
        )
        self.step = step
        self.lines: list[str] = []
        if not sensitive_step:
            box, layout = frame("panel", name="notice-text")
            for caption, text in zip(
                (S.NOTICE_WHAT, S.NOTICE_WHO, S.NOTICE_HOW_LONG, S.NOTICE_DELETE),
                notice.lines(),
                strict=True,
            ):
                layout.addWidget(label(f"{caption}{text}", "large"))
                self.lines.append(f"{caption}{text}")
            self.body.addWidget(box)
        if notice.sensitive and sensitive_step:
            sbox, slayout = frame("banner", name="sensitive")
            slayout.addWidget(label(S.NOTICE_SENSITIVE_HEADING, "heading"))
            self.lines.append(S.NOTICE_SENSITIVE_HEADING)
            for item in notice.sensitive:
                line = S.NOTICE_SENSITIVE_LINE.format(category=item.category, why=item.why)
                slayout.addWidget(label(f"• {line}", "large", name=f"sensitive-{item.category}"))
                self.lines.append(line)
            self.body.addWidget(sbox)
        if notice.guardian_needed:
            self.body.addWidget(label(S.NOTICE_GUARDIAN, "large", name="guardian"))
            self.lines.append(S.NOTICE_GUARDIAN)
        if sensitive_step:
            agree_text = S.AGREE_SENSITIVE_GUARDIAN if notice.guardian_needed else S.AGREE_SENSITIVE
        elif notice.sensitive:  # the notice only; the sensitive items come next, apart
            agree_text = S.AGREE_GUARDIAN if notice.guardian_needed else S.AGREE_NOTICE
        else:
            agree_text = S.AGREE_GUARDIAN if notice.guardian_needed else S.AGREE
        self.body.addStretch(1)
        # Both answers in the navigation bar: always in view, however long the notice.
        self.set_nav(back=on_disagree, next=on_agree, next_text=wrap_text(agree_text, 10))
        self.next_button.setObjectName("agree")
        self.back_button.setObjectName("disagree")
        self.back_button.setText(S.DISAGREE)

    def extra_spoken(self) -> list[str]:
        return self.lines
