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


# --------------------------------------------------------------------------- the law's catalogue
#
# The catalogue pages and the AwardType table (thidua/awards) are synced from CATALOGUE, the single
# source. It holds the twelve evaluated codes above (has_rule=True: thidua/rules/eligibility.py
# evaluates them under every rule version) and the entries of the law that the engine does not
# evaluate (has_rule=False): they go through manual appraisal, each with its recorded reason.
# Emulation titles (danh hiệu thi đua) and commendation forms (hình thức khen thưởng) are kept
# strictly apart in ``kind``: e.g. Anh hùng Lao động is a form (danh hiệu vinh dự nhà nước, Luật
# Điều 9), not an emulation title. Citations follow domain-rules.md §3 ("Điều N" alone = Luật Thi
# đua, khen thưởng 06/2022/QH15); authority articles still UNCONFIRMED (§9 item 2) say so.

HOUSEHOLD = "household"
CATALOGUE_SUBJECTS = (INDIVIDUAL, COLLECTIVE, HOUSEHOLD)
CATALOGUE_SUBJECT_NAMES = {**SUBJECT_NAMES, HOUSEHOLD: "hộ gia đình"}

TITLE, FORM = "DANH_HIEU", "HINH_THUC"
KIND_NAMES = {TITLE: "Danh hiệu thi đua", FORM: "Hình thức khen thưởng"}

# Level of the granting authority (cấp khen thưởng).
LEVELS = ("STATE", "GOVERNMENT", "PROVINCE", "BASE")
LEVEL_NAMES = {
    "STATE": "Nhà nước (Chủ tịch nước)",
    "GOVERNMENT": "Chính phủ, Thủ tướng Chính phủ",
    "PROVINCE": "Bộ, ban, ngành, tỉnh",
    "BASE": "Cơ sở (thủ trưởng cơ quan, đơn vị; Chủ tịch UBND cấp xã)",
}

# Award categories (loại hình khen thưởng), the codes of AWARD_TYPES.
AWARD_TYPE_NAMES = {
    "MERIT": "Theo công trạng và thành tích đạt được",
    "MOVEMENT": "Theo đợt, chuyên đề",
    "AD_HOC": "Đột xuất",
    "CONTRIBUTION": "Quá trình cống hiến",
    "SENIORITY": "Niên hạn",
    "FOREIGN": "Đối ngoại",
}

LAW = "Luật Thi đua, khen thưởng 2022"
LAW_FROM = "2024-01-01"  # Luật 06/2022/QH15 in force (domain-rules §0.2)
_BASE_AUTHORITY = (
    "Thủ trưởng cơ quan, đơn vị có tư cách pháp nhân; Chủ tịch UBND cấp xã (từ 01/07/2025 thay Chủ tịch UBND cấp huyện)"
)
_BASE_CITATION = f"{LAW}, Điều 80; Nghị định 129/2025/NĐ-CP, Điều 59"
_ARMED = "Danh hiệu của lực lượng vũ trang (Bộ Quốc phòng, Bộ Công an quyết định, Điều 80 khoản 5): ngoài phạm vi xét của tỉnh; "
_UNVERIFIED = "tiêu chuẩn chưa được xác minh trong văn bản"


def _entry(code, kind, subjects, level, authority, categories, citation, evidence, has_rule=False, manual_reason="",
           effective_from=LAW_FROM, effective_to=None, name=None):
    return {
        "code": code,
        "name": name or AWARD_NAMES[code],
        "kind": kind,
        "subjects": tuple(subjects),
        "level": level,
        "authority": authority,
        "categories": tuple(categories),
        "citation": citation,
        "evidence": evidence,
        "has_rule": has_rule,
        "manual_reason": manual_reason,
        "effective_from": effective_from,
        "effective_to": effective_to,
    }


CATALOGUE: tuple[dict, ...] = (
    # Emulation titles, individuals (Điều 19)
    _entry("CSTD_TQ", TITLE, (INDIVIDUAL,), "GOVERNMENT", "Thủ tướng Chính phủ", ("MERIT",),
           f"{LAW}, Điều 19, Điều 21", "L", has_rule=True),
    _entry("CSTD_TINH", TITLE, (INDIVIDUAL,), "PROVINCE",
           "Bộ trưởng, Thủ trưởng cơ quan trung ương; Chủ tịch UBND tỉnh (điều về thẩm quyền chưa xác minh)", ("MERIT",),
           f"{LAW}, Điều 19, Điều 22", "L", has_rule=True),
    _entry("CSTDCS", TITLE, (INDIVIDUAL,), "BASE", _BASE_AUTHORITY, ("MERIT",),
           f"{LAW}, Điều 19, Điều 23; {_BASE_CITATION}", "L", has_rule=True),
    _entry("LDTT", TITLE, (INDIVIDUAL,), "BASE", _BASE_AUTHORITY, ("MERIT",),
           f"{LAW}, Điều 19, Điều 24; {_BASE_CITATION}", "L", has_rule=True),
    _entry("CSTT", TITLE, (INDIVIDUAL,), "BASE", "Bộ Quốc phòng, Bộ Công an", ("MERIT",),
           f"{LAW}, Điều 24 khoản 2, Điều 80 khoản 5", "L", name="Chiến sĩ tiên tiến",
           manual_reason=_ARMED + "trong lịch sử thành tích được tính như Lao động tiên tiến."),
    # Emulation titles, collectives (Điều 20)
    _entry("CO_CP", TITLE, (COLLECTIVE,), "GOVERNMENT", "Thủ tướng Chính phủ", ("MERIT", "MOVEMENT"),
           f"{LAW}, Điều 20, Điều 25", "L", has_rule=True),
    _entry("CO_TINH", TITLE, (COLLECTIVE,), "PROVINCE", "Ủy ban nhân dân tỉnh (người ký chưa xác minh)", ("MERIT", "MOVEMENT"),
           f"{LAW}, Điều 20, Điều 26", "S", has_rule=True),
    _entry("TTLDXS", TITLE, (COLLECTIVE,), "PROVINCE",
           "Chủ tịch UBND tỉnh (trình tự thẩm định do quy định của tỉnh; điều về thẩm quyền chưa xác minh)",
           ("MERIT",), f"{LAW}, Điều 20, Điều 27", "S", has_rule=True),
    _entry("TTLDTT", TITLE, (COLLECTIVE,), "BASE", _BASE_AUTHORITY, ("MERIT",),
           f"{LAW}, Điều 20, Điều 28; {_BASE_CITATION}", "S", has_rule=True),
    _entry("DVQT", TITLE, (COLLECTIVE,), "BASE", "Bộ Quốc phòng, Bộ Công an", ("MERIT",),
           f"{LAW}, Điều 20, Điều 80 khoản 5", "L", name="Đơn vị quyết thắng",
           manual_reason=_ARMED + "trong lịch sử thành tích được tính như Tập thể lao động xuất sắc."),
    _entry("DVTT", TITLE, (COLLECTIVE,), "BASE", "Bộ Quốc phòng, Bộ Công an", ("MERIT",),
           f"{LAW}, Điều 20, Điều 80 khoản 5", "L", name="Đơn vị tiên tiến",
           manual_reason=_ARMED + "trong lịch sử thành tích được tính như Tập thể lao động tiên tiến."),
    _entry("XA_TIEU_BIEU", TITLE, (COLLECTIVE,), "PROVINCE", "Cấp tỉnh (thẩm quyền chưa xác minh)", ("MERIT",),
           f"{LAW}, Điều 20; Nghị định 152/2025/NĐ-CP, Điều 50 khoản 2 điểm c", "L", name="Xã, phường, đặc khu tiêu biểu",
           manual_reason="Tiêu chuẩn và thẩm quyền chưa được xác minh trong văn bản: thẩm định thủ công.",
           effective_from="2025-07-01"),
    _entry("THON_VH", TITLE, (COLLECTIVE,), "BASE", "Chủ tịch UBND cấp xã", ("MERIT",),
           f"{LAW}, Điều 20; Nghị định 129/2025/NĐ-CP, Điều 59", "L", name="Thôn, tổ dân phố văn hóa",
           manual_reason="Tiêu chuẩn do văn bản về xây dựng đời sống văn hóa ở cơ sở quy định, chưa mã hóa: thẩm định thủ công."),
    # Emulation titles, households
    _entry("GD_VH", TITLE, (HOUSEHOLD,), "BASE", "Chủ tịch UBND cấp xã", ("MERIT",),
           f"{LAW}, Điều 80 khoản 3; Nghị định 129/2025/NĐ-CP, Điều 59", "L", name="Gia đình văn hóa",
           manual_reason="Tiêu chuẩn do văn bản về xây dựng đời sống văn hóa ở cơ sở quy định, chưa mã hóa: thẩm định thủ công."),
    # Commendation forms (Điều 9)
    _entry("AHLD", FORM, (INDIVIDUAL, COLLECTIVE), "STATE", "Chủ tịch nước", ("MERIT", "AD_HOC"),
           f"{LAW}, Điều 9, Điều 59", "L", name="Anh hùng Lao động",
           manual_reason="Danh hiệu vinh dự nhà nước: tiêu chuẩn chưa mã hóa, thẩm định thủ công "
           "(tỷ lệ phiếu 90% tổng số thành viên hội đồng vẫn được kiểm phiếu tự động)."),
    _entry("AHLLVT", FORM, (INDIVIDUAL, COLLECTIVE), "STATE", "Chủ tịch nước", ("MERIT", "AD_HOC"),
           f"{LAW}, Điều 9, Điều 59", "L", name="Anh hùng Lực lượng vũ trang nhân dân",
           manual_reason="Danh hiệu vinh dự nhà nước: tiêu chuẩn chưa mã hóa, thẩm định thủ công "
           "(tỷ lệ phiếu 90% tổng số thành viên hội đồng vẫn được kiểm phiếu tự động)."),
    _entry("HCLD_1", FORM, (INDIVIDUAL, COLLECTIVE), "STATE", "Chủ tịch nước, theo đề nghị của Thủ tướng Chính phủ",
           ("MERIT", "CONTRIBUTION", "AD_HOC"), f"{LAW}, Điều 9, Điều 44", "S", name="Huân chương Lao động hạng Nhất",
           manual_reason=f"Hạng Nhất: {_UNVERIFIED}, mục 5; không dùng quy tắc giả định, thẩm định thủ công."),
    _entry("HCLD_2", FORM, (INDIVIDUAL, COLLECTIVE), "STATE", "Chủ tịch nước, theo đề nghị của Thủ tướng Chính phủ",
           ("MERIT", "CONTRIBUTION", "AD_HOC"), f"{LAW}, Điều 9, Điều 44", "S", name="Huân chương Lao động hạng Nhì",
           manual_reason=f"Hạng Nhì: {_UNVERIFIED}, mục 5; không dùng quy tắc giả định, thẩm định thủ công."),
    _entry("HCLD_3", FORM, (INDIVIDUAL, COLLECTIVE), "STATE", "Chủ tịch nước, theo đề nghị của Thủ tướng Chính phủ",
           ("MERIT", "CONTRIBUTION", "AD_HOC"), f"{LAW}, Điều 9, Điều 44", "S", has_rule=True),
    _entry("BK_TTG", FORM, (INDIVIDUAL, COLLECTIVE), "GOVERNMENT", "Thủ tướng Chính phủ",
           ("MERIT", "MOVEMENT", "AD_HOC", "FOREIGN"), f"{LAW}, Điều 9, Điều 72, Điều 73", "L", has_rule=True),
    _entry("BK_TINH", FORM, (INDIVIDUAL, COLLECTIVE), "PROVINCE", "Chủ tịch UBND tỉnh",
           ("MERIT", "MOVEMENT", "AD_HOC", "CONTRIBUTION", "FOREIGN"), f"{LAW}, Điều 9, Điều 72, Điều 74", "S", has_rule=True),
    _entry("GIAY_KHEN", FORM, (INDIVIDUAL, COLLECTIVE), "BASE",
           "Thủ trưởng cơ quan, đơn vị; Chủ tịch UBND cấp xã; Giám đốc doanh nghiệp, hợp tác xã",
           ("MERIT", "MOVEMENT", "AD_HOC"), f"{LAW}, Điều 9, Điều 75, Điều 80 khoản 4", "S", has_rule=True),
    _entry("KNC", FORM, (INDIVIDUAL,), "PROVINCE", "Bộ, ban, ngành, tổ chức trung ương", ("CONTRIBUTION", "FOREIGN"),
           f"{LAW}, Điều 9, Điều 71", "L", name="Kỷ niệm chương",
           manual_reason="Tiêu chuẩn do từng bộ, ngành quy định (ví dụ Thông tư 15/2025/TT-BXD, Điều 10): thẩm định thủ công."),
)
CATALOGUE_BY_CODE: dict[str, dict] = {entry["code"]: entry for entry in CATALOGUE}


def catalogue_entry(code: str) -> dict | None:
    """The law's catalogue entry of ``code`` (evaluated or manual), or None."""
    return CATALOGUE_BY_CODE.get(code)


# A province's own catalogue entry (an award of another issuer: a ministry, a sector, a mass
# organisation) that is a Bằng khen stands, by its level, for the Bằng khen a criterion names as a
# prerequisite: "Bằng khen của bộ, ban, ngành, tỉnh" (Luật Thi đua, khen thưởng 2022, Điều 72) is
# BK_TINH. Whether it may serve as that basis is the entry's own `counts_as_basis` (issue #19).
BASIS_BY_LEVEL = {"PROVINCE": "BK_TINH", "GOVERNMENT": "BK_TTG"}


def basis_equivalent(kind: str, level: str, name: str) -> str | None:
    """The prerequisite code a province's Bằng khen entry stands for, or None."""
    if kind != FORM or not (name or "").strip().lower().startswith("bằng khen"):
        return None
    return BASIS_BY_LEVEL.get(level)
