"""The hall head's overview: today's cases by desk and state, median time per step,
the cases waiting longest, 好差评 counts, and the CSV export.

"Today" is the hall's local date (DeskSettings.timezone). A step's time runs from its
arrival (the previous step done, or the case reaching the server) to its ``done_at``.
好差评 follows the national 政务服务“好差评” rule (国办发〔2019〕51号): five levels,
非常满意 5 … 非常不满意 1; 不满意 and 非常不满意 are 差评, the rest 好评.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from kiosk.forms.catalogue import Catalogue
from kiosk.server.desk.casework import STATUS_WORDS, current_steps, form_of, place_of
from kiosk.server.desk.hall import Hall, case_village
from kiosk.server.desk.models import Rating, SmsMessage
from kiosk.server.models import ServerCase, StatusChange, Task
from kiosk.server.rating_counts import RatingCounts, count_ratings, transaction_of

SCORE_WORDS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
STATES = ("received", "accepted", "needs_materials", "completed", "refused")
STEP_WINDOW = timedelta(days=30)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive-UTC database time in the hall's zone."""
    return moment.replace(tzinfo=UTC).astimezone(zone)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day as naive-UTC [start, end) for queries."""
    start = datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class Waiting:
    case_id: str
    number: str
    title: str
    desk: str
    status: str
    arrived_at: datetime

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)


@dataclass
class Overview:
    day: date
    by_desk: dict[str, Counter[str]]  # desk -> status -> cases
    step_medians: list[tuple[str, float, int]]  # desk, median minutes, steps counted
    longest: list[Waiting]
    ratings_today: Counter[int]
    ratings_30d: Counter[int]
    sms_today: Counter[str] = field(default_factory=Counter)
    # 好差评 by level per day (the last 7) and per service (the last 30 days).
    ratings: RatingCounts | None = None
    ratings_by_service: RatingCounts | None = None

    @property
    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.by_desk.values():
            total.update(counts)
        return total

    @property
    def busiest(self) -> int:
        """The most cases at one desk (the charts' full width); at least 1."""
        return max([1, *(sum(c.values()) for c in self.by_desk.values())])

    @property
    def slowest(self) -> float:
        return max([1.0, *(m for _, m, _ in self.step_medians)])

    @staticmethod
    def good_bad(counts: Counter[int]) -> tuple[int, int]:
        good = sum(n for s, n in counts.items() if s >= 3)
        return good, sum(counts.values()) - good


def _rating_counts(session: Session, since: datetime, until: datetime) -> Counter[int]:
    rows = session.execute(
        # 一次一评: a bundle's cases share one transaction and one score; counted once.
        select(Rating.score, func.count(func.distinct(transaction_of())))
        .where(Rating.rated_at >= since, Rating.rated_at < until)
        .group_by(Rating.score)
    )
    return Counter({int(score): int(n) for score, n in rows})


def _last_step(session: Session, case_ids: list[str]) -> dict[str, str]:
    """The routing desk of each case's latest status change (who finished or refused it)."""
    out: dict[str, str] = {}
    if not case_ids:
        return out
    rows = session.execute(
        select(StatusChange.case_id, StatusChange.step)
        .where(StatusChange.case_id.in_(case_ids), StatusChange.step.is_not(None))
        .order_by(StatusChange.seq)
    )
    for case_id, step in rows:
        out[case_id] = str(step)
    return out


def build_overview(
    session: Session, hall: Hall, forms: Catalogue, today: date, zone: ZoneInfo, now: datetime
) -> Overview:
    start, end = day_bounds(today, zone)
    by_desk: dict[str, Counter[str]] = defaultdict(Counter)
    open_steps = current_steps(session)
    longest: list[Waiting] = []
    for case, task, arrived in open_steps:
        place = place_of(hall, forms, case, task, today)
        by_desk[place.desk][case.status] += 1
        form = form_of(forms, case)
        title = form.short_title if form else case.form_id
        longest.append(Waiting(case.id, case.number, title, place.text, case.status, arrived))
    longest.sort(key=lambda w: w.arrived_at)
    finished = list(
        session.scalars(
            select(ServerCase).where(
                ServerCase.status.in_(("completed", "refused")),
                ServerCase.updated_at >= start,
                ServerCase.updated_at < end,
            )
        )
    )
    last = _last_step(session, [c.id for c in finished])
    for case in finished:
        form = form_of(forms, case)
        village = case_village(form, case.answers) if form else None
        desk = hall.place(last.get(case.id, "?"), village, today).desk
        by_desk[desk][case.status] += 1
    sms_today = Counter(
        dict(
            session.execute(
                select(SmsMessage.state, func.count())
                .where(SmsMessage.created_at >= start, SmsMessage.created_at < end)
                .group_by(SmsMessage.state)
            ).all()
        )
    )
    return Overview(
        day=today,
        by_desk=dict(sorted(by_desk.items())),
        step_medians=step_medians(session, hall, forms, now - STEP_WINDOW, today),
        longest=longest[:10],
        ratings_today=_rating_counts(session, start, end),
        ratings_30d=_rating_counts(session, now - timedelta(days=30), end),
        sms_today=sms_today,
        ratings=count_ratings(
            session, since=day_bounds(today - timedelta(days=6), zone)[0], until=end, zone=zone
        ),
        ratings_by_service=count_ratings(
            session, since=now - timedelta(days=30), until=end, zone=zone, forms=forms
        ),
    )


def step_medians(
    session: Session, hall: Hall, forms: Catalogue, since: datetime, today: date
) -> list[tuple[str, float, int]]:
    """(desk, median minutes, steps) over the steps done since ``since``, slowest first."""
    cases = select(Task.case_id).where(Task.done_at >= since).distinct().scalar_subquery()
    rows = session.execute(
        select(Task, ServerCase)
        .join(ServerCase, ServerCase.id == Task.case_id)
        .where(Task.case_id.in_(cases))
        .order_by(Task.case_id, Task.position)
    ).all()
    durations: dict[str, list[float]] = defaultdict(list)
    previous: dict[str, datetime] = {}
    for task, case in rows:
        arrived = previous.get(case.id, case.received_at)
        if task.done_at is None:
            continue
        previous[case.id] = task.done_at
        if task.done_at < since:
            continue
        desk = place_of(hall, forms, case, task, today).desk
        durations[desk].append(max(0.0, (task.done_at - arrived).total_seconds() / 60))
    out = [(desk, statistics.median(ds), len(ds)) for desk, ds in durations.items()]
    return sorted(out, key=lambda r: -r[1])


def export_csv(
    session: Session, hall: Hall, forms: Catalogue, today: date, zone: ZoneInfo, now: datetime
) -> str:
    """Today's and all unfinished cases, one row each, no names (UTF-8 with BOM for Excel)."""
    start, _ = day_bounds(today, zone)
    current = {case.id: (task, arrived) for case, task, arrived in current_steps(session)}
    query = select(ServerCase).where(
        or_(
            ServerCase.id.in_(list(current)) if current else false(),
            ServerCase.updated_at >= start,
            ServerCase.received_at >= start,
        )
    )
    cases = sorted(session.scalars(query), key=lambda c: c.received_at)
    ratings = {
        r.case_id: r.score
        for r in session.scalars(select(Rating).where(Rating.case_id.in_([c.id for c in cases])))
    }
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "办件编号",
            "事项",
            "状态",
            "当前窗口",
            "收到时间",
            "本步到达时间",
            "本步已等(分钟)",
            "好差评",
        ]
    )
    for case in cases:
        form = form_of(forms, case)
        title = form.short_title if form else case.form_id
        desk, arrived_text, waited = "", "", ""
        if case.id in current:
            task, arrived = current[case.id]
            desk = place_of(hall, forms, case, task, today).text
            arrived_text = local(arrived, zone).strftime("%Y-%m-%d %H:%M")
            waited = str(int((now - arrived).total_seconds() // 60))
        score = ratings.get(case.id)
        writer.writerow(
            [
                case.number,
                title,
                STATUS_WORDS.get(case.status, case.status),
                desk,
                local(case.received_at, zone).strftime("%Y-%m-%d %H:%M"),
                arrived_text,
                waited,
                SCORE_WORDS.get(score, "") if score else "",
            ]
        )
    return out.getvalue()
