"""好差评 levels and reasons (GB/T 39734-2020《政务服务评价工作指南》; 国办发〔2019〕51号
"一次一评"), shared by the kiosk (kiosk.services.ratings) and the town server
(kiosk.server.desk.ratings). No personal data: a level and a reason are codes.

On the wire a level is a score: 5 非常满意 … 1 非常不满意 (``SCORES``).
"""

from __future__ import annotations

# The five levels, best first, with the words GB/T 39734-2020 uses.
LEVELS: dict[str, str] = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basic": "基本满意",
    "dissatisfied": "不满意",
    "very_dissatisfied": "非常不满意",
}
LOW_LEVELS = ("dissatisfied", "very_dissatisfied")  # these may give a reason
REASONS: dict[str, str] = {
    "waited": "等的时间太长",
    "hard": "机器不好用",
    "unclear": "问题看不懂",
    "materials": "要带的材料太多",
    "staff": "工作人员或志愿者态度不好",
    "other": "其他原因",
}
SCORES: dict[str, int] = {level: 5 - i for i, level in enumerate(LEVELS)}
LEVEL_OF_SCORE: dict[int, str] = {score: level for level, score in SCORES.items()}
