"""The rule registry, read from the shipped rule data: what the pages and the API show of each rule.

Pure (no Django). Everything comes from thidua/rules/data/*.json through thidua/rules/versions.py
and thidua/rules/voting.py; this module only words it in Vietnamese and validates provincial
override rows before they are stored:

- :func:`eligibility_versions` / :func:`version_by_key`: the national rule versions (NĐ 98/2023
  to 30/06/2025, NĐ 152/2025 from 01/07/2025) as summaries; ``key`` is the version's start date.
- :func:`award_rule`: one award under one version — conditions in Vietnamese (with the parameter
  values filled in, provincial overrides applied when given), routes, citations, evidence tags,
  parameters and the UNCONFIRMED points (domain-rules §9) shown as settings with their defaults.
- :func:`override_targets` / :func:`validate_override`: which (rule, param) a province may
  override, per family ("eligibility" or "voting"), and the check of a value (type and range;
  voting overrides may only make the rules stricter), with Vietnamese messages.
- :func:`voting_rule`: thresholds and quorum of a voting rule version.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from thidua.rules import packs as provincial_packs
from thidua.rules import voting as voting_rules
from thidua.rules.catalogue import AWARD_CODES, AWARD_NAMES, SUBJECT_NAMES
from thidua.rules.versions import apply_overrides, coerce_param, eligibility_versions as _versions, in_force, parse_date

ELIGIBILITY, VOTING = "eligibility", "voting"
FAMILIES = {ELIGIBILITY: "Điều kiện khen thưởng", VOTING: "Kiểm phiếu, bình xét"}
ALL_RULES = "*"

EVIDENCE_NAMES = {
    "L": "văn bản pháp luật (đã đối chiếu nguyên văn)",
    "P": "quy định của tỉnh, ngành (đã đối chiếu nguyên văn)",
    "S": "nguồn thứ cấp (chưa đối chiếu nguyên văn)",
    "H": "quy định cũ đã hết hiệu lực",
    "UNCONFIRMED": "chưa xác nhận",
}

# How each check reads as a condition; {name} is filled with the award's parameter value.
CHECK_LABELS = {
    "rating_at_least_good": "Được đánh giá hoàn thành tốt nhiệm vụ trở lên trong năm xét",
    "rating_excellent": "Hoàn thành xuất sắc nhiệm vụ trong năm xét",
    "solidarity": "Nội bộ đoàn kết, tích cực tham gia phong trào thi đua (xác nhận tại cuộc họp bình xét)",
    "exemplary": "Gương mẫu chấp hành chủ trương, chính sách của Đảng, pháp luật của Nhà nước",
    "movement_effective": "Có phong trào thi đua thường xuyên, thiết thực, hiệu quả",
    "targets_exceeded": "Hoàn thành vượt mức các chỉ tiêu thi đua và nhiệm vụ được giao",
    "party_orgs_strong": "Tổ chức đảng, đoàn thể hoàn thành tốt, xuất sắc nhiệm vụ; đi đầu thực hành tiết kiệm, chống lãng phí, tham nhũng",
    "outstanding": "Tiêu biểu xuất sắc, được bình xét lựa chọn trong phong trào thi đua",
    "exceptional_achievement": "Có thành tích đột xuất hoặc nhiều thành tích có phạm vi ảnh hưởng",
    "service_time": "Làm việc đủ từ {min_months_worked} tháng trở lên trong năm (nghỉ thai sản được tính; 0 = không áp dụng)",
    "absence": "Không nghỉ từ {max_absence_days} ngày làm việc trở lên trong năm (0 = không áp dụng)",
    "ldtt_same_year": "Đạt danh hiệu Lao động tiên tiến (hoặc Chiến sĩ tiên tiến) trong năm xét",
    "achievement_basis": "Hoàn thành xuất sắc nhiệm vụ, hoặc có sáng kiến được công nhận, hoặc có đề tài khoa học đã nghiệm thu trong năm xét",
    "cstdcs_streak": "Có {cstdcs_streak_years} lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở, lần cuối là năm xét",
    "initiative_province": "Có sáng kiến hoặc đề tài có phạm vi ảnh hưởng cấp tỉnh trở lên trong các năm đó, chưa dùng làm căn cứ khen thưởng khác",
    "cstd_tinh_streak": "Có {cstd_tinh_streak_years} lần liên tục đạt danh hiệu Chiến sĩ thi đua cấp tỉnh, lần cuối là năm xét",
    "initiative_national": "Có sáng kiến hoặc đề tài có phạm vi ảnh hưởng toàn quốc, chưa dùng làm căn cứ khen thưởng khác",
    "ldtt_ratio": "Có từ {ldtt_ratio_percent}% số cá nhân trở lên đạt danh hiệu Lao động tiên tiến (so sánh chính xác, không làm tròn)",
    "members_discipline": "Không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên",
    "members_all_completed": "100% cá nhân hoàn thành nhiệm vụ trở lên",
    "member_cstdcs": "Có ít nhất {min_cstdcs_members} cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở",
    "bloc_leading": "Là tập thể dẫn đầu khối, cụm thi đua do tỉnh tổ chức trong năm xét",
    "central_bloc_leading": "Là tập thể dẫn đầu khối, cụm thi đua do Hội đồng Thi đua - Khen thưởng Trung ương tổ chức",
    "movement_or_achievement": "Được bình xét trong phong trào thi đua, hoặc có thành tích có phạm vi ảnh hưởng trong đơn vị, lĩnh vực",
    "contribution": "Có đóng góp vào phát triển kinh tế - xã hội, ứng dụng khoa học công nghệ, hoạt động xã hội, từ thiện",
    "local_achievement": "Là công nhân, nông dân, người lao động có thành tích có phạm vi ảnh hưởng ở cấp xã, đơn vị",
    "two_year_record": (
        "{cstdcs_streak_years} lần liên tục Chiến sĩ thi đua cơ sở, hoặc {excellent_years} năm liên tục hoàn thành xuất sắc "
        "nhiệm vụ có {min_initiatives} sáng kiến hoặc đề tài được công nhận"
    ),
    "two_year_excellent": "{excellent_years} năm liên tục hoàn thành xuất sắc nhiệm vụ hoặc đạt Tập thể lao động xuất sắc",
    "bk_tinh_before": "Đã được tặng Bằng khen cấp bộ, tỉnh (theo công trạng) trước thời gian xét",
    "bk_ttg_before": "Đã được tặng Bằng khen của Thủ tướng Chính phủ (theo công trạng) trước thời gian xét",
    "rating_good_window": "{window_years} năm liên tục hoàn thành tốt nhiệm vụ trở lên, tính đến năm xét",
    "cstdcs_in_window": "Trong thời gian đó có {min_cstdcs_in_window} lần Chiến sĩ thi đua cơ sở",
    "excellent_in_window": "Trong thời gian đó có {min_excellent_in_window} năm hoàn thành xuất sắc nhiệm vụ",
    "rating_excellent_window": "Tập thể {collective_window_years} năm liên tục hoàn thành xuất sắc nhiệm vụ",
    "co_tinh_in_window": "Trong thời gian đó có {collective_min_co_tinh} lần Cờ thi đua cấp bộ, tỉnh",
    "flag_in_window": "Trong thời gian đó có {collective_min_flags} lần Cờ thi đua (cấp tỉnh hoặc Chính phủ)",
}
# Where an award reads a check differently.
AWARD_CHECK_LABELS = {
    ("TTLDTT", "rating_at_least_good"): "Tập thể hoàn thành tốt nhiệm vụ trở lên trong năm xét",
    ("GIAY_KHEN", "rating_at_least_good"): "Hoàn thành tốt nhiệm vụ trở lên",
    ("TTLDXS", "rating_excellent"): "Tập thể hoàn thành xuất sắc nhiệm vụ trong năm xét",
    ("CO_CP", "bloc_leading"): "Là tập thể dẫn đầu khối, cụm thi đua do bộ, ngành, tỉnh tổ chức",
    ("CO_CP", "outstanding"): "Được lựa chọn là tập thể tiêu biểu xuất sắc trong số các tập thể dẫn đầu khối, cụm",
    ("BK_TINH", "movement_effective"): (
        "Thực hiện tốt dân chủ ở cơ sở, phong trào thi đua, chăm lo đời sống, thực hành tiết kiệm, chống tham nhũng"
    ),
    ("BK_TTG", "solidarity"): "Tập thể nội bộ đoàn kết",
    ("HCLD_3", "solidarity"): "Tập thể nội bộ đoàn kết",
}
PRINCIPLE_LABELS = {
    "discipline": "Thành tích chỉ được tính từ sau khi hết thời hạn kỷ luật; năm đang bị kỷ luật không được xét",
    "pending_investigation": "Đang xem xét kỷ luật, điều tra, thanh tra, giải quyết khiếu nại: tạm hoãn xét, không loại",
    "ad_hoc_not_prerequisite": "Khen thưởng đột xuất, theo đợt, chuyên đề không làm căn cứ đề nghị khen thưởng cao hơn",
    "initiative_once": "Mỗi sáng kiến, đề tài chỉ được dùng làm căn cứ khen thưởng một lần",
    "subject_individual": "Danh hiệu thi đua đối với cá nhân",
    "subject_collective": "Danh hiệu thi đua đối với tập thể",
}
PARAM_LABELS = {
    ("*", "initiative_reuse_between_titles"): "Cho dùng lại sáng kiến cho các danh hiệu thi đua kế tiếp",
    ("LDTT", "min_months_worked"): "Số tháng làm việc tối thiểu trong năm (0 = không áp dụng)",
    ("LDTT", "max_absence_days"): "Số ngày nghỉ làm việc bị loại trừ (0 = không áp dụng)",
    ("CSTDCS", "excellent_and_initiative"): "Cần cả hoàn thành xuất sắc nhiệm vụ và sáng kiến (dự thảo sửa đổi Luật)",
    ("CSTD_TINH", "cstdcs_streak_years"): "Số lần liên tục đạt Chiến sĩ thi đua cơ sở",
    ("CSTD_TINH", "window_reuse"): "Cho dùng lại các năm Chiến sĩ thi đua cơ sở đã dùng cho lần xét trước",
    ("CSTD_TQ", "cstd_tinh_streak_years"): "Số lần liên tục đạt Chiến sĩ thi đua cấp tỉnh",
    ("TTLDTT", "ldtt_ratio_percent"): "Tỷ lệ tối thiểu cá nhân đạt Lao động tiên tiến (%)",
    ("TTLDXS", "ldtt_ratio_percent"): "Tỷ lệ tối thiểu cá nhân đạt Lao động tiên tiến (%)",
    ("TTLDXS", "min_cstdcs_members"): "Số cá nhân đạt Chiến sĩ thi đua cơ sở tối thiểu",
    ("TTLDXS", "no_member_disciplined"): "Không có cá nhân bị kỷ luật từ cảnh cáo trở lên trong năm",
    ("BK_TINH", "cstdcs_streak_years"): "Số lần liên tục đạt Chiến sĩ thi đua cơ sở (điểm iv)",
    ("BK_TINH", "excellent_years"): "Số năm liên tục hoàn thành xuất sắc nhiệm vụ (điểm iv)",
    ("BK_TINH", "min_initiatives"): "Số sáng kiến, đề tài tối thiểu (điểm iv)",
    ("BK_TTG", "window_years"): "Số năm liên tục hoàn thành tốt nhiệm vụ trở lên",
    ("BK_TTG", "min_cstdcs_in_window"): "Số lần Chiến sĩ thi đua cơ sở trong thời gian xét",
    ("BK_TTG", "window_after_bk_tinh"): "Chỉ tính các năm sau năm được tặng Bằng khen cấp tỉnh",
    ("BK_TTG", "collective_window_years"): "Tập thể: số năm liên tục hoàn thành xuất sắc nhiệm vụ",
    ("BK_TTG", "collective_min_co_tinh"): "Tập thể: số lần Cờ thi đua cấp tỉnh trong thời gian xét",
    ("HCLD_3", "window_years"): "Số năm liên tục hoàn thành tốt nhiệm vụ trở lên",
    ("HCLD_3", "min_excellent_in_window"): "Số năm hoàn thành xuất sắc nhiệm vụ trong thời gian xét",
    ("HCLD_3", "min_cstdcs_in_window"): "Số lần Chiến sĩ thi đua cơ sở trong thời gian xét",
    ("HCLD_3", "window_after_bk_ttg"): "Chỉ tính các năm sau năm được tặng Bằng khen của Thủ tướng Chính phủ",
    ("HCLD_3", "collective_window_years"): "Tập thể: số năm liên tục hoàn thành xuất sắc nhiệm vụ",
    ("HCLD_3", "collective_min_flags"): "Tập thể: số lần Cờ thi đua trong thời gian xét",
}
VOTING_PARAMS = {
    "vote_threshold_percent": "Tỷ lệ phiếu đồng ý tối thiểu (% tổng số thành viên hội đồng)",
    "quorum_percent": "Số thành viên dự họp tối thiểu (% tổng số thành viên hội đồng)",
}
# Allowed ranges of whole-number parameters (inclusive), by parameter name.
PARAM_RANGES = {
    "ldtt_ratio_percent": (1, 100),
    "min_months_worked": (0, 12),
    "max_absence_days": (0, 366),
    "min_cstdcs_members": (1, 50),
    "min_initiatives": (1, 10),
    "min_excellent_in_window": (0, 10),
    "min_cstdcs_in_window": (0, 10),
    "collective_min_co_tinh": (0, 10),
    "collective_min_flags": (0, 10),
}
YEARS_RANGE = (1, 10)  # every *_years parameter


class OverrideInvalid(ValueError):
    """A provincial override row that cannot be stored; ``message`` is Vietnamese."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def vn_date(value) -> str:
    day = value if isinstance(value, dt.date) else parse_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def period_text(effective_from, effective_to) -> str:
    start, end = vn_date(effective_from), vn_date(effective_to)
    if start and end:
        return f"từ {start} đến {end}"
    if start:
        return f"từ {start}"
    return f"đến {end}" if end else "không thời hạn"


def evidence_text(tag: str | None) -> str:
    return EVIDENCE_NAMES.get(tag or "", tag or "")


# --------------------------------------------------------------------------- versions


def _summary(version: dict) -> dict:
    return {
        "key": version["version"],
        "decree": version["decree"],
        "effective_from": version["effective_from"],
        "effective_to": version["effective_to"],
        "period": period_text(version["effective_from"], version["effective_to"]),
        "jurisdiction": version["jurisdiction"],
        "note": version.get("note", ""),
    }


def eligibility_versions() -> list[dict]:
    """Summaries of the national eligibility rule versions, oldest first."""
    return [_summary(v) for v in _versions()]


def _version(key: str) -> dict | None:
    return next((v for v in _versions() if v["version"] == key), None)


def version_by_key(key: str) -> dict | None:
    version = _version(key)
    return _summary(version) if version else None


def version_key_on(on: dt.date) -> str | None:
    """The key of the national version in force on ``on``, or None (no rule version that day)."""
    return next((v["version"] for v in _versions() if in_force(v, on)), None)


def no_version_message(on: dt.date) -> str:
    first = _versions()[0]
    return (
        f"Không có quy định thi đua, khen thưởng nào có hiệu lực vào ngày {vn_date(on)}: hệ thống áp dụng "
        f"Luật Thi đua, khen thưởng 2022 từ ngày {vn_date(first['effective_from'])}, không dùng văn bản khác thay thế."
    )


# --------------------------------------------------------------------------- one award under one version


def param_label(rule: str, name: str) -> str:
    return PARAM_LABELS.get((rule, name)) or VOTING_PARAMS.get(name) or name


def check_label(award: str, code: str, values: dict | None = None) -> str:
    text = AWARD_CHECK_LABELS.get((award, code)) or CHECK_LABELS.get(code, code)
    if values:
        try:
            text = text.format_map({k: _value_text(v) for k, v in values.items()})
        except (KeyError, IndexError, ValueError):
            pass
    return text


def _value_text(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


def value_text(value) -> str:
    """A parameter value as shown to users (có/không for yes-no settings)."""
    return _value_text(value)


def _param_rows(rule: str, params: dict, applied: list[dict]) -> list[dict]:
    rows = []
    for name, spec in params.items():
        override = next((a for a in applied if a["rule"] == rule and a["param"] == name), None)
        rows.append(
            {
                "rule": rule,
                "name": name,
                "label": param_label(rule, name),
                "value": spec["value"],
                "value_text": _value_text(spec["value"]),
                "type": "bool" if isinstance(spec["value"], bool) else "int",
                "unconfirmed": bool(spec.get("unconfirmed")),
                "note": spec.get("note") or "",
                "citation": spec.get("citation") or "",
                "override": override,
            }
        )
    return rows


def award_rule(
    code: str, key: str, *, overrides: list[dict] | None = None, packs: list[dict] | None = None, on: dt.date | None = None
) -> dict | None:
    """Award ``code`` under the national version ``key``, as the registry page shows it.

    With ``packs`` (one province's regulation packs, thidua/rules/packs.py) or bare ``overrides``
    rows and ``on``, what is in force on that date is applied: parameter values and the conditions
    that quote them change, each overridden parameter carries its ``override``, and ``provincial``
    lists the packs that cite this award. Returns None for an unknown code or key.
    """
    version = _version(key)
    if version is None or code not in version["awards"]:
        return None
    applied: list[dict] = []
    provincial: list[dict] = []
    rows = list(overrides or []) + provincial_packs.entry_rows(packs, ELIGIBILITY)
    if rows and on is not None:
        version, applied = apply_overrides(version, rows, on)
    if packs and on is not None:
        provincial = provincial_packs.provincial(packs, code, on)
    award = version["awards"][code]
    values = {name: spec["value"] for name, spec in award["params"].items()}
    checks = []
    for check_code, spec in award["checks"].items():
        unconfirmed = spec.get("evidence") == "UNCONFIRMED"
        checks.append(
            {
                "code": check_code,
                "text": check_label(code, check_code, values),
                "citation": spec["citation"],
                "evidence": spec.get("evidence", ""),
                "evidence_text": evidence_text(spec.get("evidence")),
                "unconfirmed": unconfirmed,
            }
        )
    routes = []
    for subject, subject_routes in (award.get("routes") or {}).items():
        for route_code, spec in subject_routes.items():
            routes.append(
                {
                    "subject": subject,
                    "subject_text": SUBJECT_NAMES.get(subject, subject),
                    "code": route_code,
                    "label": spec["label"],
                    "citation": spec["citation"],
                    "unconfirmed": bool(spec.get("unconfirmed")),
                }
            )
    params = _param_rows(code, award["params"], applied)
    common = _param_rows(ALL_RULES, version["common_params"], applied)
    principles = [
        {
            "code": name,
            "text": PRINCIPLE_LABELS.get(name, name),
            "citation": spec["citation"],
            "evidence": spec.get("evidence", ""),
            "unconfirmed": spec.get("evidence") == "UNCONFIRMED",
        }
        for name, spec in version["principles"].items()
    ]
    unconfirmed = [p for p in params + common if p["unconfirmed"]]
    return {
        "code": code,
        "name": award["name"],
        "subjects": list(award["subjects"]),
        "subjects_text": ", ".join(SUBJECT_NAMES.get(s, s) for s in award["subjects"]),
        "evidence": award["evidence"],
        "evidence_text": evidence_text(award["evidence"]),
        "citations": list(award["citations"]),
        "version": _summary(version),
        "checks": checks,
        "routes": routes,
        "params": params,
        "common_params": common,
        "principles": principles,
        "unconfirmed_params": unconfirmed,
        "unconfirmed_checks": [c for c in checks if c["unconfirmed"]] + [
            {"code": r["code"], "text": r["label"], "citation": r["citation"]} for r in routes if r["unconfirmed"]
        ],
        "applied_overrides": applied,
        "provincial": provincial,
    }


def award_versions(code: str) -> list[dict]:
    """The national versions that hold a rule for ``code`` (its history), oldest first."""
    return [_summary(v) for v in _versions() if code in v["awards"]]


def rule_index() -> list[dict]:
    """Every evaluated award × version: the rows of the registry list."""
    rows = []
    for version in _versions():
        for code, award in version["awards"].items():
            unconfirmed = sum(1 for s in award["params"].values() if s.get("unconfirmed")) + sum(
                1 for s in award["checks"].values() if s.get("evidence") == "UNCONFIRMED"
            )
            rows.append(
                {
                    "code": code,
                    "name": award["name"],
                    "key": version["version"],
                    "decree": version["decree"],
                    "period": period_text(version["effective_from"], version["effective_to"]),
                    "evidence": award["evidence"],
                    "subjects_text": ", ".join(SUBJECT_NAMES.get(s, s) for s in award["subjects"]),
                    "conditions": len(award["checks"]),
                    "unconfirmed": unconfirmed,
                }
            )
    order = {code: i for i, code in enumerate(AWARD_CODES)}
    rows.sort(key=lambda r: (order.get(r["code"], 99), r["key"]))
    return rows


# --------------------------------------------------------------------------- voting rules


def voting_versions() -> list[dict]:
    return [
        {
            "key": v["version"],
            "effective_from": v["effective_from"],
            "effective_to": v.get("effective_to"),
            "period": period_text(v["effective_from"], v.get("effective_to")),
            "confirmed": bool(v.get("confirmed")),
            "evidence": v.get("evidence"),
            "citations": list(v["citations"]),
            "note": v.get("note", ""),
        }
        for v in voting_rules.VERSIONS
    ]


def voting_rule(key: str) -> dict | None:
    version = next((v for v in voting_rules.VERSIONS if v["version"] == key), None)
    if version is None:
        return None
    quorum = version["quorum"]
    return {
        **next(s for s in voting_versions() if s["key"] == key),
        "quorum_text": f"{quorum['numerator']}/{quorum['denominator']} {version['base_text']}",
        "quorum_citation": quorum["citation"],
        "quorum_unconfirmed": quorum.get("evidence") == "UNCONFIRMED",
        "quorum_by_award": [
            {"name": voting_rules.AWARD_NAMES.get(code, code), "text": f"{spec['numerator'] * 100 // spec['denominator']}% tổng số thành viên",
             "citation": spec["citation"], "unconfirmed": spec.get("evidence") == "UNCONFIRMED"}
            for code, spec in version.get("quorum_by_award", {}).items()
        ],
        "thresholds": [
            {"code": code, "name": voting_rules.AWARD_NAMES.get(code, code), "percent": spec["percent"], "citation": spec["citation"]}
            for code, spec in version["thresholds"].items()
        ],
        "base_text": version["base_text"],
        "no_mandatory_ballot": [voting_rules.AWARD_NAMES.get(c, c) for c in version.get("no_mandatory_ballot", [])],
    }


# --------------------------------------------------------------------------- provincial overrides


def _rule_name(rule: str) -> str:
    return "mọi danh hiệu, hình thức" if rule == ALL_RULES else voting_rules.AWARD_NAMES.get(rule, AWARD_NAMES.get(rule, rule))


def override_targets(family: str) -> list[dict]:
    """Every (rule, param) a province may override in ``family``, with its national default."""
    if family == ELIGIBILITY:
        latest = _versions()[-1]
        rows = []
        for rule, params in [(ALL_RULES, latest["common_params"])] + [(c, a["params"]) for c, a in latest["awards"].items()]:
            for name, spec in params.items():
                rows.append(
                    {
                        "family": family,
                        "rule": rule,
                        "rule_name": _rule_name(rule),
                        "param": name,
                        "label": param_label(rule, name),
                        "default": spec["value"],
                        "default_text": _value_text(spec["value"]),
                        "type": "bool" if isinstance(spec["value"], bool) else "int",
                        "unconfirmed": bool(spec.get("unconfirmed")),
                    }
                )
        return rows
    if family == VOTING:
        latest = voting_rules.VERSIONS[-1]
        rows = []
        for rule in (ALL_RULES, *voting_rules.AWARD_NAMES):
            for name, label in VOTING_PARAMS.items():
                if name == "quorum_percent" and rule != ALL_RULES:
                    continue  # the meeting's quorum is one for all the awards it considers
                default = _voting_default(latest, rule, name)
                rows.append(
                    {
                        "family": family,
                        "rule": rule,
                        "rule_name": _rule_name(rule),
                        "param": name,
                        "label": label,
                        "default": default,
                        "default_text": "" if default is None else f"{percent_text(default).replace('.', ',')}%",
                        "type": "percent",
                        "unconfirmed": not latest.get("confirmed", False),
                    }
                )
        return rows
    return []


def _voting_default(version: dict, rule: str, param: str) -> Decimal | None:
    if param == "quorum_percent":
        quorum = version["quorum"]
        return (Decimal(quorum["numerator"] * 100) / Decimal(quorum["denominator"])).quantize(Decimal("0.01"))
    threshold = version["thresholds"].get(rule)
    return Decimal(threshold["percent"]) if threshold else None


def validate_override(family: str, rule: str, param: str, value, on: dt.date | None = None) -> str:
    """The value of an override row as stored (text), or OverrideInvalid with a Vietnamese message.

    Eligibility parameters take the type of their national default (whole number in its range, or
    có/không). Voting percentages are numbers in (0, 100] with at most two decimals and may only
    make the national rule in force on ``on`` stricter.
    """
    if family not in FAMILIES:
        raise OverrideInvalid("Hãy chọn loại quy định: điều kiện khen thưởng hoặc kiểm phiếu.", "family")
    targets = {(t["rule"], t["param"]): t for t in override_targets(family)}
    if not any(t_rule == rule for t_rule, _ in targets):
        raise OverrideInvalid(f"Không có quy định “{rule}” để điều chỉnh trong nhóm {FAMILIES[family].lower()}.", "rule")
    target = targets.get((rule, param))
    if target is None:
        raise OverrideInvalid(
            f"{_rule_name(rule).capitalize()} không có tham số “{param}” có thể điều chỉnh; "
            f"các tham số được điều chỉnh: {', '.join(t['label'] for (r, _), t in targets.items() if r == rule) or 'không có'}.",
            "param",
        )
    label = target["label"]
    if value is None or (isinstance(value, str) and not value.strip()):
        raise OverrideInvalid(f"Hãy nhập giá trị mới của “{label}”.", "value")
    if family == ELIGIBILITY:
        try:
            coerced = coerce_param(target["default"], value, param)
        except ValueError:
            if target["type"] == "bool":
                raise OverrideInvalid(f"“{label}” chỉ nhận giá trị có hoặc không.", "value") from None
            raise OverrideInvalid(f"“{label}” phải là một số nguyên không âm, ví dụ {target['default']}.", "value") from None
        national = _national_default(rule, param, on, target["default"])
        if isinstance(coerced, bool):
            if not target["unconfirmed"] and coerced != national:
                raise OverrideInvalid(f"“{label}” do Luật quy định ({_value_text(national)}); tỉnh không quy định khác được.", "value")
            return "true" if coerced else "false"
        low, high = PARAM_RANGES.get(param) or (YEARS_RANGE if param.endswith("_years") else (0, 100))
        if not low <= coerced <= high:
            raise OverrideInvalid(f"“{label}” phải từ {low} đến {high}, không nhận {coerced}.", "value")
        # Within what the Law allows: a settled national count may only be made stricter (every
        # such parameter is a minimum); an UNCONFIRMED default is the province's to settle.
        if not target["unconfirmed"] and coerced < national:
            raise OverrideInvalid(
                f"Tỉnh chỉ được quy định chặt hơn Luật: “{label}” của {_rule_name(rule)} tối thiểu là {national}, "
                f"không nhận {coerced}.",
                "value",
            )
        return str(coerced)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        number = None
    if isinstance(value, bool) or number is None or not number.is_finite() or not Decimal(0) < number <= Decimal(100):
        raise OverrideInvalid(f"“{label}” phải là một số phần trăm lớn hơn 0 và không quá 100, ví dụ 80.", "value")
    if number != number.quantize(Decimal("0.01")):
        raise OverrideInvalid(f"“{label}” chỉ nhận tối đa hai chữ số thập phân.", "value")
    version = next((v for v in voting_rules.VERSIONS if on and voting_rules.version_on(on) is v), voting_rules.VERSIONS[-1])
    floor = _voting_default(version, rule, param)
    if floor is not None and number < floor:
        raise OverrideInvalid(
            f"Tỉnh chỉ được quy định chặt hơn quy định chung: “{label}” của {_rule_name(rule)} "
            f"tối thiểu là {percent_text(floor).replace('.', ',')}%, không nhận {percent_text(number).replace('.', ',')}%.",
            "value",
        )
    return percent_text(number)


def _national_default(rule: str, param: str, on: dt.date | None, fallback):
    """The national value of an eligibility parameter in the version in force on ``on``."""
    version = next((v for v in _versions() if on is not None and in_force(v, on)), _versions()[-1])
    params = version["common_params"] if rule == ALL_RULES else version["awards"].get(rule, {}).get("params", {})
    return params[param]["value"] if param in params else fallback


def percent_text(number: Decimal) -> str:
    """A percentage without trailing zeros or exponent: 80, 66.67."""
    return format(number.normalize(), "f")


def version_changes(code: str, key: str) -> list[str]:
    """What changed for ``code`` from the previous national version to ``key``, in Vietnamese
    (empty for the first version). Shown on the rule page as the history of the rule."""
    versions = list(_versions())
    index = next((i for i, v in enumerate(versions) if v["version"] == key), None)
    if not index:
        return []
    old, new = versions[index - 1], versions[index]
    before, after = old["awards"].get(code), new["awards"].get(code)
    if before is None or after is None:
        return [f"{'Bổ sung' if before is None else 'Bỏ'} tiêu chuẩn này so với {old['decree']}."] if before or after else []
    notes = []
    for name, spec in after["checks"].items():
        was = before["checks"].get(name)
        label = check_label(code, name, {n: s["value"] for n, s in after["params"].items()})
        if was is None:
            notes.append(f"Bổ sung điều kiện: {label}.")
        elif was["citation"] != spec["citation"] or was.get("evidence") != spec.get("evidence"):
            notes.append(f"Điều kiện “{label}”: căn cứ {was['citation']} → {spec['citation']}.")
    for name in before["checks"]:
        if name not in after["checks"]:
            notes.append(f"Bỏ điều kiện: {check_label(code, name)}.")
    for name, spec in after["params"].items():
        was = before["params"].get(name)
        if was is not None and was["value"] != spec["value"]:
            notes.append(f"{param_label(code, name)}: {_value_text(was['value'])} → {_value_text(spec['value'])}.")
    for name, spec in new["principles"].items():
        was = old["principles"].get(name)
        if was is not None and was["citation"] != spec["citation"]:
            notes.append(f"Nguyên tắc “{PRINCIPLE_LABELS.get(name, name)}”: căn cứ {was['citation']} → {spec['citation']}.")
    if before["citations"] != after["citations"]:
        notes.append(f"Nguồn: {'; '.join(before['citations'])} → {'; '.join(after['citations'])}.")
    return notes
