"""Second round on paper: every text that reaches it passes one check at entry (account
names, bundle titles, desk notes; registry records in tests/unit/registry), a bundle is
printed by any member's number, case numbers never wrap, and the data codes never take
a page of their own while an earlier page has room."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from helpers import FORM_ID, example
from sqlalchemy import delete

from kiosk.cli import main
from kiosk.domain.case_numbers import DEVICE_NO_KEY
from kiosk.forms.values import MAX_NAME
from kiosk.printing.layout import MARGIN
from kiosk.server.desk.actions import ActionRefused, plain_words
from kiosk.services import printing
from kiosk.services.accounts import AccountError, add_account, list_accounts
from kiosk.services.cases import CaseError, fill_case
from kiosk.services.context import KioskContext
from kiosk.store.models import DayCounter, MetaValue

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
LONG = "阿卜杜热合曼·买买提明·𠮷𪚥志强涛涛国海兰涛建兰海兰国建秀庆桂兰强德福建涛珍德志"


def test_account_names_pass_the_paper_check(ctx: KioskContext) -> None:
    with pytest.raises(AccountError, match=r"--name .*U\+1F600.*「姓名」里的“😀”是表情符号"):
        add_account(ctx, "1002", "王😀", "246810", role="volunteer", actor="test")
    with pytest.raises(AccountError, match="字暂时打印不出来"):
        add_account(ctx, "S02", "刘\U00031350", "246810", role="staff", actor="test")
    assert [a.id for a in list_accounts(ctx)] == []  # nothing saved
    add_account(ctx, "1003", "Lu\u0308 Wei", "246810", role="volunteer", actor="test")
    assert [a.name for a in list_accounts(ctx)] == ["Lü Wei"]


def test_the_cli_refuses_an_unprintable_volunteer_name(
    capsys: pytest.CaptureFixture[str], kiosk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    code = main(["volunteers", "add", "1004", "--name", "张\u200b三", "--pin-stdin"])
    _, err = capsys.readouterr()
    assert code == 2 and "--name" in err and "看不见的字符" in err and "Traceback" not in err


def test_a_desk_note_passes_the_paper_check() -> None:
    with pytest.raises(ActionRefused, match="「备注」里的“😀”是表情符号"):
        plain_words("请带户口本😀", "备注")
    assert plain_words("Lu\u0308 Wei 请带户口本", "备注") == "Lü Wei 请带户口本"


def test_bundle_title_is_checked_and_any_member_number_prints_the_bundle(
    ctx: KioskContext,
) -> None:
    bundle = str(uuid.uuid4())
    a = fill_case(ctx, FORM_ID, example(), bundle_id=bundle)
    with pytest.raises(CaseError, match=r"--title: .*U\+1F600"):
        printing.render_bundle_pdf(ctx, bundle, title="家人去世😀")
    assert printing.resolve_bundle(ctx, a.number) == bundle
    assert printing.resolve_bundle(ctx, bundle) == bundle
    assert printing.export_bundle_pdf(ctx, a.number).startswith(b"%PDF")
    alone = fill_case(ctx, FORM_ID, example())
    with pytest.raises(CaseError, match="not part of a bundle"):
        printing.resolve_bundle(ctx, alone.number)


def words_of(pdf: bytes, tmp: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, yMin, xMax, word) of one page, read back with pdftotext -bbox."""
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"]
    html = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(a), float(b), float(c), w) for a, b, c, w in re.findall(pattern, html)]


def longest_numbers(ctx: KioskContext) -> None:
    """An unenrolled kiosk (eight-character device tag) past its 999th case of the day:
    ``261120-9V24P7P5-1000``, the longest number form."""
    with ctx.store.unit_of_work() as uow:
        uow.session.execute(delete(MetaValue).where(MetaValue.key == DEVICE_NO_KEY))
        uow.session.add(DayCounter(day="261120", last_seq=999))
        uow.commit()


def test_case_numbers_never_wrap_on_the_cover(ctx: KioskContext, tmp_path: Path) -> None:
    longest_numbers(ctx)
    bundle = str(uuid.uuid4())
    cases = [fill_case(ctx, FORM_ID, example(), bundle_id=bundle) for _ in range(2)]
    assert all(len(c.number) == 20 for c in cases), [c.number for c in cases]
    words = words_of(printing.render_bundle_pdf(ctx, bundle), tmp_path, 1)
    column = MARGIN + 28  # the 办件编号 column starts after 序号
    for case in cases:
        whole = [w for w in words if w[3] == case.number]
        assert len(whole) == 1, case.number  # once, in one piece, in its column
        x0, y0, x1, _ = whole[0]
        assert x0 >= column - 1
        # nothing of the next column (事项) overlaps it on its line
        beside = [w for w in words if abs(w[1] - y0) < 3 and w[0] > x0 and w[3] != case.number]
        assert all(w[0] >= x1 for w in beside)
        prefix = case.number[: len(case.number) - 2]
        assert not [w for w in words if w[3] in (prefix, case.number[-2:])]


def id_number(i: int) -> str:
    """A valid 18-digit number (GB 11643 check digit) born in 1950 + i."""
    body = f"50011119{50 + i:02d}0110011"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def heirs_case(n: int) -> dict[str, Any]:
    answers = example()
    answers["heirs"] = [
        {
            "heir_name": LONG[: MAX_NAME - 1] + "甲乙丙丁戊己庚辛壬癸子丑寅卯"[i],  # the longest
            "heir_id": id_number(i),
            "heir_relationship": "child",
            "heir_agrees": True,
        }
        for i in range(n)
    ]
    return answers


def page_texts(pdf: bytes, tmp: Path) -> list[str]:
    path = tmp / "case.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return [p for p in out.stdout.split("\f") if p.strip()]


_FRAME = re.compile(
    r"（续）|办件编号|第\d+页/共\d+页|请妥善保管|数据码|网络不通时|导入|不用重新录入|表单|确认提交于|工作人员扫"
)


@pytest.mark.parametrize("n", range(1, 13))
def test_no_page_holds_only_data_codes(ctx: KioskContext, tmp_path: Path, n: int) -> None:
    answers = heirs_case(n)
    case = fill_case(ctx, FORM_ID, answers)
    pages = page_texts(printing.render_case_pdf(ctx, case.id), tmp_path)
    for i, page in enumerate(pages, 1):
        lines = [ln.replace(" ", "") for ln in page.splitlines() if ln.strip()]
        content = [ln for ln in lines if not _FRAME.search(ln) and ln != case.number]
        assert content, f"{n} heirs: page {i} of {len(pages)} holds only data codes"
    if n <= 4:
        assert len(pages) == 2, f"{n} heirs: {len(pages)} pages, not one sheet"
