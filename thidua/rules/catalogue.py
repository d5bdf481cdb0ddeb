"""Catalogue of the award codes of whatif-api.md and the enumerations they are judged with.

Award codes, in catalogue order, with the subject kinds each applies to (domain-rules §3):
emulation titles (danh hiệu thi đua, Luật Thi đua, khen thưởng 2022 Điều 19–20) are either for
individuals or for collectives; the commendation forms (hình thức khen thưởng, Điều 9) Giấy khen,
Bằng khen and Huân chương Lao động apply to both.
"""

from __future__ import annotations

INDIVIDUAL = "individual"
COLLECTIVE = "collective"
SUBJECTS = (INDIVIDUAL, COLLECTIVE)
SUBJECT_NAMES = {INDIVIDUAL: "cá nhân", COLLECTIVE: "tập thể"}

# (code, Vietnamese name, subject kinds, is an emulation title)
_AWARDS = (
    ("LDTT", "Lao động tiên tiến", (INDIVIDUAL,), True),
    ("CSTDCS", "Chiến sĩ thi đua cơ sở", (INDIVIDUAL,), True),
    ("CSTD_TINH", "Chiến sĩ thi đua cấp tỉnh", (INDIVIDUAL,), True),
    ("CSTD_TQ", "Chiến sĩ thi đua toàn quốc", (INDIVIDUAL,), True),
    ("TTLDTT", "Tập thể lao động tiên tiến", (COLLECTIVE,), True),
    ("TTLDXS", "Tập thể lao động xuất sắc", (COLLECTIVE,), True),
    ("CO_TINH", "Cờ thi đua của Ủy ban nhân dân tỉnh", (COLLECTIVE,), True),
    ("CO_CP", "Cờ thi đua của Chính phủ", (COLLECTIVE,), True),
    ("GIAY_KHEN", "Giấy khen", (INDIVIDUAL, COLLECTIVE), False),
    ("BK_TINH", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", (INDIVIDUAL, COLLECTIVE), False),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", (INDIVIDUAL, COLLECTIVE), False),
    ("HCLD_3", "Huân chương Lao động hạng Ba", (INDIVIDUAL, COLLECTIVE), False),
)

AWARD_CODES: tuple[str, ...] = tuple(code for code, *_ in _AWARDS)
AWARD_NAMES: dict[str, str] = {code: name for code, name, *_ in _AWARDS}
AWARD_SUBJECTS: dict[str, tuple[str, ...]] = {code: subjects for code, _, subjects, _ in _AWARDS}
EMULATION_TITLES: frozenset[str] = frozenset(code for code, _, _, title in _AWARDS if title)
# Titles seen in history that are not evaluated here but count like their civilian twin.
TITLE_ALIASES = {"CSTT": "LDTT", "DVTT": "TTLDTT", "DVQT": "TTLDXS"}

# Task-completion rating (mức độ hoàn thành nhiệm vụ), from lowest to highest.
RATINGS = ("FAILED", "COMPLETED", "GOOD", "EXCELLENT")
RATING_RANK = {code: rank for rank, code in enumerate(RATINGS)}
RATING_NAMES = {
    "EXCELLENT": "hoàn thành xuất sắc nhiệm vụ",
    "GOOD": "hoàn thành tốt nhiệm vụ",
    "COMPLETED": "hoàn thành nhiệm vụ",
    "FAILED": "không hoàn thành nhiệm vụ",
}

# Discipline (kỷ luật), from lightest to heaviest.
DISCIPLINES = ("KHIEN_TRACH", "CANH_CAO", "HA_BAC_LUONG", "GIANG_CHUC", "CACH_CHUC", "BUOC_THOI_VIEC", "KHAI_TRU")
DISCIPLINE_NAMES = {
    "KHIEN_TRACH": "khiển trách",
    "CANH_CAO": "cảnh cáo",
    "HA_BAC_LUONG": "hạ bậc lương",
    "GIANG_CHUC": "giáng chức",
    "CACH_CHUC": "cách chức",
    "BUOC_THOI_VIEC": "buộc thôi việc",
    "KHAI_TRU": "khai trừ",
}

# Scope of influence of an initiative or a science and technology project.
SCOPES = ("BASE", "PROVINCE", "NATIONAL")
SCOPE_RANK = {code: rank for rank, code in enumerate(SCOPES)}
SCOPE_NAMES = {"BASE": "cấp cơ sở", "PROVINCE": "cấp tỉnh", "NATIONAL": "toàn quốc"}

# Types of award (Luật Điều 8). Ad hoc and thematic (movement) awards are no basis for a higher
# merit award (NĐ 152/2025 Điều 4 khoản 3).
AWARD_TYPES = ("MERIT", "AD_HOC", "MOVEMENT", "CONTRIBUTION", "SENIORITY", "FOREIGN")
NON_PREREQUISITE_TYPES = frozenset({"AD_HOC", "MOVEMENT"})

# Qualitative conditions confirmed in the deliberation minutes (whatif-api.md, fixed keys).
CONFIRMATIONS = {
    "solidarity": "nội bộ đoàn kết",
    "exemplary": "gương mẫu chấp hành chủ trương, chính sách của Đảng, pháp luật của Nhà nước",
    "movement_effective": "phong trào thi đua thường xuyên, thiết thực, hiệu quả",
    "targets_exceeded": "hoàn thành vượt mức các chỉ tiêu thi đua và nhiệm vụ được giao",
    "party_orgs_strong": "tổ chức đảng, đoàn thể hoàn thành tốt, xuất sắc nhiệm vụ",
    "outstanding": "tiêu biểu xuất sắc, được bình xét lựa chọn trong phong trào thi đua",
    "exceptional_achievement": "có thành tích đột xuất hoặc nhiều thành tích có phạm vi ảnh hưởng",
}


def awards_for(subject: str) -> list[str]:
    """Every award the subject kind can receive, in catalogue order."""
    return [code for code in AWARD_CODES if subject in AWARD_SUBJECTS[code]]
