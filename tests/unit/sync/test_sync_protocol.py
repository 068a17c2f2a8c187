"""The kiosk trusts only well-formed, per-case answers; backoff stays within its bounds."""

from __future__ import annotations

import random

import pytest

from kiosk.sync.backoff import Backoff
from kiosk.sync.protocol import PROTOCOL, ProtocolError, parse_batch_results

IDS = ["a", "b"]


def body(*results: dict[str, object]) -> dict[str, object]:
    return {"protocol": PROTOCOL, "results": list(results)}


def test_per_case_results_are_read() -> None:
    got = parse_batch_results(
        body({"case_id": "a", "status": 201}, {"case_id": "b", "status": 409, "reason": "x"}), IDS
    )
    assert got["a"].status == 201 and got["b"].reason == "x"


def test_a_missing_case_is_simply_not_acknowledged() -> None:
    assert set(parse_batch_results(body({"case_id": "a", "status": 202}), IDS)) == {"a"}


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "<html>login</html>",
        {"results": [{"case_id": "a", "status": 201}]},  # no protocol marker
        {"protocol": "other/1", "results": []},
        {"protocol": PROTOCOL},
        body({"case_id": "zzz", "status": 201}),  # a case we did not send
        body({"case_id": "a", "status": 200}),  # a bare 200 is no acknowledgement
        body({"case_id": "a", "status": 201, "reason": 5}),
        body("a"),  # type: ignore[arg-type]
    ],
)
def test_anything_else_is_a_protocol_error(bad: object) -> None:
    with pytest.raises(ProtocolError):
        parse_batch_results(bad, IDS)


def test_backoff_grows_is_capped_and_jittered() -> None:
    b = Backoff(base_s=2, cap_s=60)
    rng = random.Random(1)
    delays = [b.delay(n, rng) for n in range(1, 12)]
    assert 1 <= delays[0] <= 2 and 2 <= delays[1] <= 4
    assert all(30 <= d <= 60 for d in delays[6:])
    assert len({round(b.delay(3, rng), 6) for _ in range(20)}) > 1


def test_a_held_number_result_round_trips_and_a_malformed_hint_is_ignored() -> None:
    from kiosk.sync.protocol import CONFLICT, CaseResult, envelope, parse_batch_results

    held = CaseResult("a", CONFLICT, "the number 261130-01-011 is already held", 20)
    other = CaseResult("b", CONFLICT, "the server has this case with other content")
    body = envelope(results=[held.to_dict(), other.to_dict()])
    assert held.to_dict()["number_held"] == {"last_seq": 20}
    assert "number_held" not in other.to_dict()
    parsed = parse_batch_results(body, ["a", "b"])
    assert parsed["a"].number_held and parsed["a"].held_seq == 20
    assert not parsed["b"].number_held
    for hint in ({"last_seq": "20"}, {"last_seq": True}, {"last_seq": -1}, [20], None):
        item = {**held.to_dict(), "number_held": hint}
        assert not parse_batch_results(envelope(results=[item]), ["a"])["a"].number_held
