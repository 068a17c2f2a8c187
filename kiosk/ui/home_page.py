"""Home: four big tiles, today's date in the Gregorian and the lunar calendar (elderly
residents count in the lunar calendar) and the market-day banner when configured."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kiosk.ui import strings as S
from kiosk.ui.common_widgets import button, frame, label, tile
from kiosk.ui.first_paint import on_first_paint
from kiosk.ui.look import metrics
from kiosk.ui.page_frame import BasePage
from kiosk.ui.qt import QHBoxLayout, QLabel, QWidget
from kiosk.ui.reflow_widget import Reflow

_LUNAR: dict[date, str] = {}  # lunar_text of the days shown so far (this process)


def lunar_text(day: date) -> str:
    """``day`` in the lunar calendar: "丙午年十月十一" (lunar_python)."""
    if day not in _LUNAR:
        from lunar_python import Solar  # ~7 ms to import: after home's first paint

        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        _LUNAR[day] = (
            f"{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"
        )
    return _LUNAR[day]


def date_line(day: date, lunar: str | None) -> str:
    """Home's date line: Gregorian with the weekday, and the lunar date when given."""
    if lunar is None:
        return date_text(day)
    return f"{date_text(day)}　{S.LUNAR.format(lunar=lunar)}"


def is_market_day(day: date, market_days: str) -> bool:
    """``market_days`` lists lunar days: "2,5,8" means days ending in 2, 5 or 8 (一四七、
    二五八 are how markets are named); a number of 10 or more names one exact lunar day."""
    from lunar_python import Solar

    lunar_day = Solar.fromYmd(day.year, day.month, day.day).getLunar().getDay()
    for part in market_days.replace("，", ",").split(","):
        part = part.strip()
        if not part.isdigit():
            continue
        n = int(part)
        if (n < 10 and lunar_day % 10 == n % 10) or n == lunar_day:
            return True
    return False


def date_text(day: date) -> str:
    gregorian = f"{day.year}年{day.month}月{day.day}日"
    return S.TODAY.format(gregorian=gregorian, weekday=S.WEEKDAYS[day.weekday()])


class HomePage(BasePage):
    def __init__(
        self,
        *,
        town: str,
        today: date,
        market_days: str,
        volunteer_name: str | None,
        actions: dict[str, Callable[[], None]],
        on_read: Callable[[str], None] | None,
        market_banner: str | None = None,
    ) -> None:
        """``market_banner``: the town calendar's line for today (kiosk.services.market_days);
        without it the ``market_days`` setting alone decides the plain banner."""
        super().__init__(
            S.HALL_NAME.format(town=town),
            date_line(today, _LUNAR.get(today)),
            name="home",
            on_read=on_read,
            badge=S.VOLUNTEER_BADGE.format(name=volunteer_name) if volunteer_name else None,
        )
        self.hint.setProperty("role", "large")
        self.hint.setObjectName("date")
        # The first home of the day: its lunar date once painted (kiosk/ui/app.py opens
        # the store after that).
        self.lunar_pending = today not in _LUNAR
        if self.lunar_pending:
            on_first_paint(self, lambda: self._add_lunar(today))
        m = metrics()
        if market_banner is None and market_days and is_market_day(today, market_days):
            market_banner = S.MARKET_DAY
        if market_banner:
            banner, box = frame("banner", name="market-day")
            box.addWidget(label(market_banner, "large"))
            self.body.addWidget(banner)
        volunteer_tile = (
            (S.TILE_VOLUNTEER_IN.format(name=volunteer_name), S.TILE_VOLUNTEER_IN_HINT)
            if volunteer_name
            else (S.TILE_VOLUNTEER, S.TILE_VOLUNTEER_HINT)
        )
        tiles = [
            ("services", S.TILE_SERVICES, S.TILE_SERVICES_HINT, "fa5s.file-signature"),
            ("life_events", S.TILE_LIFE_EVENTS, S.TILE_LIFE_EVENTS_HINT, "fa5s.users"),
            ("my_cases", S.TILE_MY_CASES, S.TILE_MY_CASES_HINT, "fa5s.search"),
            ("volunteer", *volunteer_tile, "fa5s.hands-helping"),
        ]
        widgets = [
            tile(title, hint, icon_name, name=f"tile-{key}", on_click=actions[key])
            for key, title, hint, icon_name in tiles
        ]
        # Two by two when each tile's words fit on a line beside its icon; else one tile
        # a line (150-200 % text on a 1024 px or a portrait screen), its words whole.
        self.tiles = Reflow(
            widgets,
            [[[0, 1], [2, 3]], [[0], [1], [2], [3]]],
            stretch=[1, 1, 1, 1],
            spacing=m.px(24),
            name="tiles",
            want=_tile_width,
        )
        self.body.addWidget(self.tiles)
        self.body.addStretch(1)
        footer = QHBoxLayout()  # the sync indicator (待上传 N 件) is in the header
        footer.addStretch(1)
        footer.addWidget(button(S.STAFF, "fa5s.cog", name="staff", on_click=actions["staff"]))
        self.body.addLayout(footer)
        self.set_nav(keep_place=False)

    def _add_lunar(self, today: date) -> None:
        self.hint.setText(date_line(today, lunar_text(today)))
        self.lunar_pending = False

    def extra_spoken(self) -> list[str]:
        return [S.HOME_SAY]


def _tile_width(widget: QWidget) -> int:
    """The width a home tile needs for its longest words on one line beside its icon."""
    inside = widget.layout()
    words = [w for w in widget.findChildren(QLabel) if w.text()]
    if inside is None or not words:
        return widget.minimumSizeHint().width()
    margins = inside.contentsMargins()
    room = margins.left() + margins.right() + inside.spacing() + metrics().tile_icon
    longest = max(w.fontMetrics().horizontalAdvance(w.text()) for w in words)
    return room + longest
