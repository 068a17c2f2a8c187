"""扫码导入 in words a desk reads: a paper whose case never reached the server is imported
from its scanned codes through the server's one trust path (kiosk.server.qr_import), and
each case found in the scan gets a sentence in Chinese; the English reasons of the trust
rule and the intake go to the log.

On paper (kiosk.printing): the identity code (验真码) is at the top right of page 1, the
data codes (数据码 1/N) at the bottom of the last page (docs/qr-format.md).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from kiosk.forms.catalogue import Catalogue
from kiosk.printing.qr_codec import DATA_PREFIX
from kiosk.printing.trust import ScannedCase, read_scan
from kiosk.server.devices import KeyCache
from kiosk.server.qr_import import QrImportError, import_payloads
from kiosk.sync.protocol import ALREADY_HAD, CONFLICT, CREATED, CaseResult

log = logging.getLogger(__name__)
HOW = "请先扫第1页右上角的验真码，再扫最后一页下方的每个数据码。"


@dataclass(frozen=True)
class ImportOutcome:
    case_id: str | None  # the case to open next (imported now, or already on file)
    messages: list[str]  # one sentence per case found, in Chinese

    @property
    def text(self) -> str:
        return " ".join(self.messages)


def _name(case: ScannedCase) -> str:
    if case.packet is not None:
        return f"办件 {case.packet.number}"
    ident = case.verdict.identity
    return f"办件 {ident.number}" if ident is not None else "这张表"


def _still_to_come(case: ScannedCase) -> str:
    """N 份材料待传: pages photographed at the kiosk that had not reached the server when
    the paper was printed (they come by the network, not on paper)."""
    n = case.attachments_pending
    return f"另有 {n} 份材料待传（照片随帮办机联网后传来）。" if n else ""


def _taken_words(case: ScannedCase, result: CaseResult | None) -> str:
    name = _name(case)
    if result is None:
        return f"{name}没有导入，请再扫一遍。"
    if result.status == CREATED:
        return f"{name}已导入。{_still_to_come(case)}"
    if result.status == ALREADY_HAD:
        return f"镇里已经有{name}（内容一样），已为您打开。{_still_to_come(case)}"
    reason = result.reason or ""
    if result.status == CONFLICT and reason.startswith("the number"):
        return f"{name}的编号镇里已有另一件在用，没有导入，请人工核对。"
    if result.status == CONFLICT:
        return f"镇里已有{name}，但内容和这张表不一样，没有导入，请人工核对。"
    if reason.startswith("unknown form") and case.packet is not None:
        return (
            f"{name}的表单（{case.packet.form_id} 第{case.packet.form_version}版）镇里还没有，"
            "没有导入。请管理员更新表单后再导入。"
        )
    return f"{name}镇里不能收，没有导入（原因已记入日志），请找管理员。"


def _refused_words(case: ScannedCase) -> str:
    name = _name(case)
    if case.packet is None and case.identity_code is not None:
        return f"{name}：只扫到了验真码，没有扫到它的数据码。{HOW}"
    if case.packet is None:
        return f"{name}：数据码读不全，或不是同一张表的。请把最后一页的数据码全部按顺序再扫一遍。"
    return f"{name}：{case.verdict.message_zh}"


def import_scanned(
    sessions: sessionmaker[Session], payloads: Sequence[str], catalogue: Catalogue
) -> ImportOutcome:
    """Import the cases of one scan; the first case imported (or on file) is opened."""
    texts = [p.strip() for p in payloads if p.strip()]
    if not texts:
        return ImportOutcome(None, [f"没有扫到任何码。{HOW}"])
    if not any(t.startswith(DATA_PREFIX) for t in texts):
        return ImportOutcome(None, [f"只扫到了验真码，没有数据码。{HOW}"])
    with sessions() as session:
        keys = KeyCache(session)
        found = read_scan(texts, keys, catalogue, keys.device_no)
    try:
        results = import_payloads(sessions, texts, catalogue)
    except QrImportError as exc:
        log.info("desk import: nothing imported: %s", exc)
        return ImportOutcome(None, [f"这些码里没有能导入的办件。{HOW}"])
    by_id = {r.case_id: r for r in results}
    for r in results:
        if r.reason:
            log.info("desk import: case %s: %d %s", r.case_id, r.status, r.reason)
    messages: list[str] = []
    opened: str | None = None
    for case in found:
        if not case.importable or case.packet is None:
            messages.append(_refused_words(case))
            continue
        result = by_id.get(case.packet.case_id)
        messages.append(_taken_words(case, result))
        if opened is None and result is not None and result.status in (CREATED, ALREADY_HAD):
            opened = case.packet.case_id
    return ImportOutcome(opened, messages or [f"这些码里没有办件。{HOW}"])
