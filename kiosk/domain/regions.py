"""GB/T 2260 region codes the hall meets: every province, and Chongqing in detail.

An ID number keeps the region code it was first issued under, so a resident
born in 大足县 before 2011 still carries 500225. The historical Chongqing codes
are kept for that reason, each with the current code that covers its area.
Codes outside Chongqing are only known down to the province.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

CHONGQING: Final = "50"
DAZU_DISTRICT: Final = "500111"

# The 34 province-level divisions, keyed by the first two digits of the code.
PROVINCES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
    }
)

# Not a GB/T 2260 province, but residence permits for Taiwan residents
# (台湾居民居住证, since 2018) carry ID numbers beginning 830000; Hong Kong and
# Macao permits use 810000 / 820000, which the table above already covers.
PERMIT_PREFIXES: Final[Mapping[str, str]] = MappingProxyType({"83": "台湾省"})

# Current Chongqing districts and counties.
CHONGQING_DISTRICTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "500101": "万州区",
        "500102": "涪陵区",
        "500103": "渝中区",
        "500104": "大渡口区",
        "500105": "江北区",
        "500106": "沙坪坝区",
        "500107": "九龙坡区",
        "500108": "南岸区",
        "500109": "北碚区",
        "500110": "綦江区",  # 2011: 万盛区 + 綦江县; took 万盛区's code
        "500111": "大足区",  # 2011: 双桥区 + 大足县; took 双桥区's code
        "500112": "渝北区",
        "500113": "巴南区",
        "500114": "黔江区",
        "500115": "长寿区",
        "500116": "江津区",
        "500117": "合川区",
        "500118": "永川区",
        "500119": "南川区",
        "500120": "璧山区",
        "500151": "铜梁区",
        "500152": "潼南区",
        "500153": "荣昌区",
        "500154": "开州区",
        "500155": "梁平区",
        "500156": "武隆区",
        "500229": "城口县",
        "500230": "丰都县",
        "500231": "垫江县",
        "500233": "忠县",
        "500235": "云阳县",
        "500236": "奉节县",
        "500237": "巫山县",
        "500238": "巫溪县",
        "500240": "石柱土家族自治县",
        "500241": "秀山土家族苗族自治县",
        "500242": "酉阳土家族苗族自治县",
        "500243": "彭水苗族土家族自治县",
    }
)

# Retired Chongqing codes still printed on older ID cards:
# code -> (name at the time, current code covering the same area).
CHONGQING_HISTORICAL: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "500221": ("长寿县", "500115"),
        "500222": ("綦江县", "500110"),
        "500223": ("潼南县", "500152"),
        "500224": ("铜梁县", "500151"),
        "500225": ("大足县", "500111"),
        "500226": ("荣昌县", "500153"),
        "500227": ("璧山县", "500120"),
        "500228": ("梁平县", "500155"),
        "500232": ("武隆县", "500156"),
        "500234": ("开县", "500154"),
        "500239": ("黔江土家族苗族自治县", "500114"),
        "500381": ("江津市", "500116"),
        "500382": ("合川市", "500117"),
        "500383": ("永川市", "500118"),
        "500384": ("南川市", "500119"),
    }
)


def _prefix(code6: str) -> str | None:
    head = code6[:2]
    if len(head) == 2 and head.isascii() and head.isdigit():
        return head
    return None


def province_name(code6: str) -> str | None:
    """Province-level name for a region code (only its first two digits are read)."""
    head = _prefix(code6)
    if head is None:
        return None
    return PROVINCES.get(head) or PERMIT_PREFIXES.get(head)


def is_known_province(code6: str) -> bool:
    """True when the first two digits name a province (or a residence-permit prefix)."""
    return province_name(code6) is not None


def region_name(code6: str) -> str | None:
    """Fullest name we know: "重庆市大足区", else the province, else None.

    Retired codes give the name of the time ("重庆市大足县"), because that is
    what the resident's card and memory say.
    """
    if code6 in CHONGQING_DISTRICTS:
        return PROVINCES[CHONGQING] + CHONGQING_DISTRICTS[code6]
    if code6 in CHONGQING_HISTORICAL:
        return PROVINCES[CHONGQING] + CHONGQING_HISTORICAL[code6][0]
    return province_name(code6)


def current_region_code(code6: str) -> str | None:
    """Current Chongqing code covering a (possibly retired) code; None if not Chongqing-known.

    Lets the hall ask "is this resident from 大足区?" for old and new cards alike.
    """
    if code6 in CHONGQING_DISTRICTS:
        return code6
    if code6 in CHONGQING_HISTORICAL:
        return CHONGQING_HISTORICAL[code6][1]
    return None
