"""Layout rules read back from the PDF: rare names printed and extractable, official
labels, table headers repeated and never orphaned, ID numbers and Latin words whole,
避头尾, approval sections, signature boxes, the bundle's set-wide numbering."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import FORM_ID, example

from kiosk.printing.layout import BOTTOM, CLOSING, TOP, Flow, wrap
from kiosk.services.cases import fill_case
from kiosk.services.context import KioskContext
from kiosk.services.printing import render_case_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
STRESS = Path(__file__).resolve().parents[2] / "data" / "stress_12_heirs.json"
RARE = ["𠮷", "䶮", "𡈽", "𪚥", "𫖮", "𬌗", "𬘡"]


def pdf_pages(pdf: bytes, tmp: Path, layout: bool = False) -> list[str]:
    path = tmp / "case.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.split("\f")


def test_rare_names_print_and_extract(ctx: KioskContext, tmp_path: Path) -> None:
    answers = example()
    answers["applicant_name"] = "𠮷田堃犇昇喆"
    for heir, pair in zip(answers["heirs"], ("䶮𡈽", "𪚥𫖮", "𬌗𬘡"), strict=True):
        heir["heir_name"] = f"李{pair}"
    case = fill_case(ctx, FORM_ID, answers)
    text = "".join(pdf_pages(render_case_pdf(ctx, case.id), tmp_path)).replace(" ", "")
    assert "𠮷田堃犇昇喆" in text
    for ch in RARE:
        assert ch in text, ch


def test_stress_case_rules(ctx: KioskContext, tmp_path: Path) -> None:
    answers = json.loads(STRESS.read_text(encoding="utf-8"))
    case = fill_case(ctx, FORM_ID, answers, volunteer_id="1001")
    pages = pdf_pages(render_case_pdf(ctx, case.id), tmp_path, layout=True)
    flat = [p.replace(" ", "") for p in pages]
    assert len([p for p in pages if p.strip()]) <= 3  # 9 pages before
    # The heirs' table continues on page 2 under its repeated full header.
    assert "公民身份号码" in flat[1] and "与死者关系" in flat[1]
    assert "人姓名" not in "".join(flat)  # full headers, no clipped question words
    for heir in answers["heirs"]:
        assert heir["heir_id"] in "".join(pages)  # 18 digits on one line
    assert any("Maximilian-Alexander" in line for p in pages for line in p.splitlines())
    assert any("Zhang-Li" in line for p in pages for line in p.splitlines())
    for page in pages:  # 避头尾: no line opens with closing punctuation
        for line in page.splitlines():
            for cell in line.split("  "):
                assert not cell.strip() or cell.strip()[0] not in "，。、；：？！）」』》", line


def test_labels_approvals_and_signatures(ctx: KioskContext, tmp_path: Path) -> None:
    case = fill_case(ctx, FORM_ID, example(), volunteer_id="1001")
    pages = pdf_pages(render_case_pdf(ctx, case.id), tmp_path)
    text = "".join(pages).replace(" ", "")
    assert len([p for p in pages if p.strip()]) == 2  # one sheet, front and back
    for label in ("姓名", "性别", "出生日期", "死亡日期", "联系电话", "开户银行", "账号"):
        assert label in text, label
    assert "叫什么名字" not in text and "True" not in text
    # v3: two approval sections (社保所, 区社保局), each with its 公章 box.
    assert text.count("（公章）") == 2 and text.count("按手印") == 1
    assert "申请人签名" in text
    assert re.search(r"日期：\d{4}年\d{1,2}月\d{1,2}日", text)  # the signing date filled
    assert "申请人张秀英" in text  # who/what with the declaration


def test_a_table_header_never_ends_a_page_and_repeats() -> None:
    flow = Flow(lambda page: (0.0, lambda c: None))
    flow.y = BOTTOM + 30  # room for the header, not for the header and a row
    seen: list[str] = []
    header = (20.0, lambda c, top: seen.append("header"))
    rows = [(25.0, lambda c, top: seen.append("row")) for _ in range(60)]
    flow.table(header, rows)
    assert flow.pages[0] == []  # nothing left behind at the foot of page 1
    per_page = int((TOP - BOTTOM - 20) // 25)
    assert len(flow.pages) == 1 + -(-60 // per_page)
    assert all(len(p) >= 2 for p in flow.pages[1:])  # every page: a header, then rows


def test_closing_punctuation_never_starts_a_line() -> None:
    text = "我保证上面说的都是真的。如果不真实，愿意退回领到的钱，并承担相应责任（含利息）。"
    for w in range(40, 200, 7):
        for line in wrap(text, 10, w)[1:]:
            assert line[0] not in CLOSING, (w, line)
    assert wrap("张Maximilian-Alexander", 10, 100) == ["张", "Maximilian-Alexander"]


def test_the_print_carries_the_forms_rules(ctx: KioskContext, tmp_path: Path) -> None:
    """Issue 16: legal basis, both time limits, fee, deciding office and complaint line."""
    case = fill_case(ctx, FORM_ID, example())
    text = "".join(pdf_pages(render_case_pdf(ctx, case.id), tmp_path)).replace(" ", "")
    text = text.replace("\n", "")
    for words in (
        "办事规则",
        "办理依据：国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）",
        "办理时限（申请人）：老人去世后请尽快来办",
        "收费：免费",
        "审批机关：重庆市大足区人力资源和社会保障局",
        "监督投诉：人力资源社会保障服务热线12333",
    ):
        assert words in text, words
