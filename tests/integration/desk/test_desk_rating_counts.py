"""好差评 on the town server: one per case (一次一评: the same again is 202, another is
409), a reason code only for the lower two, and the overview's counts by level per day
and per service."""

from __future__ import annotations

import re

from desk_helpers import DeskServer, login
from test_desk_flow import new_case

from kiosk.server.desk.models import Rating
from kiosk.services.context import KioskContext
from kiosk.services.packets import case_packet


def send(desk: DeskServer, token: str, *ratings: dict[str, object]) -> list[int]:
    answer = desk.client.post(
        "/api/v1/ratings",
        json={"ratings": list(ratings)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    return [r["status"] for r in answer.json()["results"]]


def test_one_rating_per_case_and_counts_by_day_and_service(
    desk: DeskServer, ctx: KioskContext
) -> None:
    first, second = new_case(desk, ctx), new_case(desk, ctx)
    token = desk.tokens[case_packet(ctx, first).device_id]
    low = {"case_id": second, "score": 2, "reason": "waited"}
    assert send(desk, token, {"case_id": first, "score": 5}, low) == [201, 201]
    assert send(desk, token, low) == [202]  # an answer lost: sent again, kept once
    assert send(desk, token, {"case_id": second, "score": 1}) == [409]
    bad = desk.client.post(
        "/api/v1/ratings",
        json={"ratings": [{"case_id": first, "score": 4, "reason": "not-a-code"}]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert bad.status_code == 422
    assert send(desk, token, {"case_id": first, "score": 4, "reason": "waited"}) == [422]
    with desk.sessions() as session:
        kept = {r.case_id: (r.score, r.reason) for r in session.query(Rating)}
    assert kept == {first: (5, None), second: (2, "waited")}

    desk.add_staff("boss", "民政办", role="admin")
    login(desk.client, "boss")
    page = desk.client.get("/desk/overview").text
    by_day = page[page.index('id="ratings-by-day"') : page.index('id="ratings-by-service"')]
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td>((?:<td>\d+</td>){5})</tr>", by_day)
    assert len(rows) == 1
    assert re.findall(r"\d+", rows[0][1]) == ["1", "0", "0", "1", "0"]
    by_service = page[page.index('id="ratings-by-service"') :]
    cells = re.findall(r"<tr><td>([^<]+)</td>((?:<td>\d+</td>){5})</tr>", by_service)
    assert len(cells) == 1 and re.findall(r"\d+", cells[0][1]) == ["1", "0", "0", "1", "0"]
