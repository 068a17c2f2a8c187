"""What the chip of a second-generation resident ID card (第二代居民身份证) holds.

The fields and their order follow the card's text block as a certified reader's
security module (SAM, GA 467-2013) returns it: name, sex, nation, birth date,
address, number, issuing authority, validity start and end. Drivers in
kiosk/devices turn their readers' bytes into :class:`IdCardData`; the rest of the
kiosk only ever sees this shape. The photo is never read or kept (data minimisation:
no form needs it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.domain.idcard import parse_id_number

# GB/T 3304-1991 codes of China's nationalities (民族), as the chip stores them.
NATIONS: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳",
    "21": "佤", "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西",
    "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌",
    "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
    "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克",
    "46": "德昂", "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙",
    "52": "鄂伦春", "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺",
    "97": "其他", "98": "外国血统中国籍人士",
}  # fmt: skip
SEX_CODES = {"1": "male", "2": "female"}  # GB/T 2261.1: 1 男, 2 女
CARD_SOURCE = "身份证"  # how a prefilled answer's source is shown: 据身份证


@dataclass(frozen=True)
class IdCardData:
    """One card as read. ``name`` may be "" when a keyboard-wedge reader sends only the
    number. ``valid_until`` is None for a card valid for life (长期)."""

    id_number: str
    name: str = ""
    sex: str | None = None  # "male" / "female"
    nation: str | None = None  # in words: 汉
    birth_date: date | None = None
    address: str | None = None
    issuer: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    complete: bool = False  # True when read from the chip (every field), not from a wedge

    def expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    def prefill_fields(self, today: date) -> dict[str, Any]:
        """The answers a form may take from the card (``prefill: {field: ...}``)."""
        parsed = parse_id_number(self.id_number, today=today)
        fields: dict[str, Any] = {
            "id_number": parsed.number,
            "birth_date": (self.birth_date or parsed.birth_date).isoformat(),
            "sex": self.sex or parsed.sex,
            "age": parsed.age(today),
        }
        optional = {
            "name": self.name or None,
            "nation": self.nation,
            "address": self.address,
            "card_valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }
        fields.update({k: v for k, v in optional.items() if v})
        return fields

    def __repr__(self) -> str:  # never the number or the name in logs and tracebacks
        return f"IdCardData(complete={self.complete}, valid_until={self.valid_until})"
