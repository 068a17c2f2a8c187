"""Next-question latency on a 200-question form: the engine (answer, check the page, find
the next page) and the UI (build and paint the question page offscreen), each beside a
baseline measured in the same run.

    .venv/bin/python bench/form_bench.py [--runs 3]

The form is synthetic, built here: 20 sections of 10 questions of mixed types (text,
number with a constraint, yes/no, choices, dates, phones, money, villages), every third
question asked only when an earlier yes/no says so, two calculations, and a repeat of
five questions with three items. Engine: walk the whole form page by page as a person
does — set_answer + check_page + next_page — and report the mean and the slowest step.
Baseline: the same walk on a plain dict (store the value, look up the next name).
UI: QuestionPage for a text, a choice and a date question, built and painted (grab());
baseline: a bare page of a QLabel, a QLineEdit and two QPushButtons.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from typing import Any

from _common import Row, median_ms, print_rows

from kiosk.forms.catalogue import default_catalogue
from kiosk.forms.engine import FormFill
from kiosk.forms.schema import FormDefinition

TODAY = date(2026, 11, 20)
KINDS = ["text", "number", "yes_no", "select_one", "date", "phone", "money", "village"]
ANSWERS: dict[str, Any] = {
    "text": "张三",
    "number": 3,
    "yes_no": True,
    "select_one": "b",
    "date": "1950-03-08",
    "phone": "13800138000",
    "money": "1200.50",
    "village": "v02",
}


def synthetic_form(sections: int = 20, per_section: int = 10) -> dict[str, Any]:
    groups = []
    last_yes_no = None
    n = 0
    for s in range(sections):
        children: list[dict[str, Any]] = []
        for _ in range(per_section):
            kind = KINDS[n % len(KINDS)]
            q: dict[str, Any] = {"type": kind, "name": f"q{n}", "label": f"第{n}题是什么？"}
            if kind in ("text", "number", "date"):
                q["required"] = True
            if kind == "number":
                q.update(
                    min=0, max=99, constraint=". <= 20 + ${q0_len}", constraint_message="太多了"
                )
            if kind == "select_one":
                q["choices"] = [{"value": v, "label": v.upper()} for v in "abcd"]
            if n % 3 == 0 and last_yes_no is not None:
                q["relevant"] = f"${{{last_yes_no}}} = true()"
            if kind == "yes_no":
                last_yes_no = q["name"]
            children.append(q)
            n += 1
        groups.append(
            {"type": "group", "name": f"s{s}", "label": f"第{s}部分", "children": children}
        )
    repeat_children = [
        {"type": "text", "name": "m_name", "label": "他叫什么名字？", "required": True},
        {"type": "relationship", "name": "m_rel", "label": "他是您的什么人？"},
        {"type": "date", "name": "m_birth", "label": "他是哪天出生的？"},
        {"type": "yes_no", "name": "m_lives", "label": "他和您住在一起吗？"},
        {
            "type": "phone",
            "name": "m_phone",
            "label": "他的手机号？",
            "relevant": "${m_lives} = false()",
        },
    ]
    groups.append(
        {"type": "repeat", "name": "members", "label": "家里还有谁？", "children": repeat_children}
    )
    calcs = [
        {"type": "calculate", "name": "q0_len", "calculation": "string-length(${q0})"},
        {"type": "calculate", "name": "member_count", "calculation": "count(${members})"},
    ]
    return {
        "id": "bench_form",
        "version": 1,
        "title": "基准测试表",
        "short_title": "基准",
        "description": "bench",
        "department": "民政办",
        "subject": "q0",
        "applicant": "q0",
        "routing": [{"step": "intake", "desk": "民政办", "does": "受理"}],
        "questions": [*calcs, *groups],
    }


def answer_for(fill: FormFill, path: str) -> Any:
    q = fill.question(path)
    if q.type == "relationship":
        return "child"
    return ANSWERS.get(q.type, "张三")


def walk_engine(form: FormDefinition, lists: dict[str, Any]) -> list[float]:
    """Answer the whole form page by page; the ms of every step."""
    fill = FormFill(form, lists, today=TODAY)
    steps: list[float] = []
    page = fill.next_page(None)
    while page is not None:
        start = time.perf_counter()
        if page.question.type == "repeat":
            if len(fill.items(page.path)) < 3:
                fill.add_item(page.path)
                nxt = fill.next_page(page.path)  # the new item's first question
                steps.append((time.perf_counter() - start) * 1000)
                page = nxt
                continue
            fill.check_page(page.path)
        else:
            problems = fill.set_answer(page.path, answer_for(fill, page.path))
            assert not any(p.is_error for p in problems), problems
            assert not fill.check_page(page.path)
        nxt = fill.next_page(page.path)
        steps.append((time.perf_counter() - start) * 1000)
        page = nxt
    return steps


def walk_dict(names: list[str]) -> list[float]:
    answers: dict[str, Any] = {}
    steps = []
    position = {name: i for i, name in enumerate(names)}
    for name in names:
        start = time.perf_counter()
        answers[name] = "张三"
        i = position[name] + 1
        _ = names[i] if i < len(names) else None
        steps.append((time.perf_counter() - start) * 1000)
    return steps


def engine_rows(runs: int) -> tuple[list[Row], int]:
    catalogue = default_catalogue()
    form = FormDefinition.model_validate(synthetic_form())
    walks = [walk_engine(form, catalogue.lists) for _ in range(runs)]
    pages = len(walks[0])
    mean = statistics.median(statistics.mean(w) for w in walks)
    worst = statistics.median(max(w) for w in walks)
    names = [f"q{i}" for i in range(pages)]
    dict_walks = [walk_dict(names) for _ in range(runs)]
    base_mean = statistics.median(statistics.mean(w) for w in dict_walks)
    base_worst = statistics.median(max(w) for w in dict_walks)
    us = 1000  # the dict baseline is far below a millisecond
    return [
        Row(
            f"engine: next question, mean of {pages} steps", mean * us, base_mean * us, "µs", "dict"
        ),
        Row("engine: next question, slowest step", worst * us, base_worst * us, "µs", "dict"),
    ], pages


def ui_rows(runs: int) -> list[Row]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.ui.look import apply_look
    from kiosk.ui.qt import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
    from kiosk.ui.question_page import QuestionPage

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_look(app)  # type: ignore[arg-type]
    catalogue = default_catalogue()
    form = FormDefinition.model_validate(synthetic_form())
    fill = FormFill(form, catalogue.lists, today=TODAY)
    pages = {p.question.type: p for p in fill.pages()}

    def render(kind: str) -> None:
        page = QuestionPage(
            fill=fill,
            page=pages[kind],
            progress=(5, 200),
            on_next=lambda _v: None,
            on_back=lambda: None,
            on_home=lambda: None,
            on_read=lambda _t: None,
            badge=None,
        )
        page.resize(1280, 900)
        page.grab()
        page.deleteLater()
        app.processEvents()

    def bare() -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(QLabel("第5题是什么？"))
        box.addWidget(QLineEdit())
        box.addWidget(QPushButton("上一步"))
        box.addWidget(QPushButton("下一步"))
        page.resize(1280, 900)
        page.grab()
        page.deleteLater()
        app.processEvents()

    base = median_ms(bare, runs=runs * 10)
    return [
        Row(
            f"UI: {kind} question page, build + paint",
            median_ms(lambda k=kind: render(k), runs=runs * 10),
            base,
            "ms",
            "bare QLabel page",
        )  # type: ignore[misc]
        for kind in ("text", "select_one", "date")
    ]


def run(runs: int = 3) -> list[Row]:
    rows, _ = engine_rows(runs)
    return rows + ui_rows(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print_rows("Next-question latency (200-question form)", run(args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
