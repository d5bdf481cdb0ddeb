"""Eligibility of an individual or a collective for an emulation title or a commendation form.

``evaluate_eligibility(request, overrides=...)`` implements the "Eligibility" contract of
whatif-api.md: one result per requested award with its outcome, the rule version used, the checks
(each with a Vietnamese sentence for the minutes and its legal citation), the qualitative
conditions still to confirm, and the award money. It is pure: no Django, no database, no clock.
The rule data (parameters, citations, evidence tags, effective dates) is versioned JSON in
thidua/rules/data/eligibility_*.json; this module evaluates it.

Legal basis (domain-rules §3–§4; "Điều N" alone means Luật Thi đua, khen thưởng 06/2022/QH15):

- LDTT Điều 24(1): rating ≥ HTTNV; solidarity (qualitative). The old-regime exclusions (new hires
  with < 10 months, ≥ 40 days' absence; ND 91/2017 [H]) are off unless a province sets
  ``LDTT.min_months_worked`` / ``LDTT.max_absence_days``; they read the optional history fields
  ``months_worked`` (maternity leave counts as worked, NĐ 152 Điều 4(5); absent = 12) and
  ``absence_days`` (absent = 0).
- CSTDCS Điều 23: LĐTT (or CSTT) for Y, and HTXSNV in Y, or an unused initiative recognised at
  any scope in Y, or an accepted science/technology project in Y. The draft amendment of the Law
  (HTXSNV and an initiative) is the param ``CSTDCS.excellent_and_initiative`` (false).
- CSTD_TINH Điều 22: 3 consecutive CSTĐCS titles ending at Y; an unused initiative or project of
  provincial scope or wider in those years; "tiêu biểu xuất sắc" (qualitative).
- CSTD_TQ Điều 21: 2 consecutive ("liên tục") CSTĐ tỉnh titles, the last in Y; a national-scope
  initiative or project in the years they cover. Titles in consecutive years qualify; so do titles
  at most 3 years apart (``CSTD_TINH.cstdcs_streak_years``) with CSTĐCS in every year between,
  since with non-overlapping windows the next CSTĐ tỉnh comes 3 years later (that reading is
  UNCONFIRMED and flagged).
- TTLDTT Điều 28: rating ≥ HTTNV; ≥ 70 % of members LĐTT
  (``ldtt_members*100 >= 70*headcount``); no member disciplined CANH_CAO or heavier
  (``members_disciplined``); movement and solidarity (qualitative).
- TTLDXS Điều 27: HTXSNV; no member FAILED (``members_failed``); ≥ 70 % LĐTT; at least one
  CSTĐCS member; no member disciplined CANH_CAO or heavier (param ``no_member_disciplined``, true,
  UNCONFIRMED); movement and solidarity (qualitative).
- CO_TINH Điều 26(1): leading unit of its khối/cụm (``bloc_leading``);
  targets exceeded, solidarity (with thrift and anti-corruption), party and mass organisations
  strong (qualitative). The thematic-movement route needs data the request does not carry.
- CO_CP Điều 25: route "25.1" leading unit + the Điều 25(1)(a)(b) criteria + selected as the
  outstanding representative; route "25.2" leading unit of a khối/cụm organised by the Central
  council (history entry flag ``bloc_central: true``) + the same criteria. The route of a
  ≥ 5-year Prime-Minister movement (Điều 25(3)) needs data the request does not carry.
- GIAY_KHEN Điều 75: exemplary (and solidarity for collectives), rating ≥
  HTTNV, and ("outstanding" or "exceptional_achievement").
- BK_TINH Điều 74: exemplary (and solidarity for collectives) and one of the
  routes "i" outstanding, "ii" exceptional achievement, "iii" contribution (confirmed by the key
  ``exceptional_achievement``), "iv" 2 consecutive CSTĐCS or 2 consecutive HTXSNV years with 2
  initiatives (or 2 accepted projects) — for collectives 2 consecutive HTXSNV/TTLĐXS years plus an
  effective movement —, "v" (individuals) local achievement (key ``exceptional_achievement``).
- BK_TTG Điều 73(1): routes "73.1.a" outstanding, "73.1.b" merit BK_TINH before the 5-year window,
  5 consecutive years ≥ HTTNV ending at Y with 3 CSTĐCS in them, "73.1.c" exceptional achievement.
  Collectives (Điều 73(2) UNCONFIRMED): "73.2.a", "73.2.b" (BK_TINH, then 5 years HTXSNV with one
  Cờ thi đua tỉnh: old NĐ 65/2014 rule), "73.2.c" — every check there carries ``unconfirmed``.
- HCLD_3 Điều 44(1)(e) [S]: route "44.1.e" merit BK_TTG before the window, 5 consecutive years
  ≥ HTTNV ending at Y with 1 HTXSNV year and 3 CSTĐCS. Collectives (UNCONFIRMED defaults):
  "44.2.a" exceptional achievement, "44.2.b" BK_TTG then 5 years HTXSNV with one Cờ thi đua.

Principles applied to every award (NĐ 152/2025 Điều 4; NĐ 98/2023 for earlier decisions):

- Discipline (Điều 4(4)): achievements count only after the discipline period ends. A history
  entry with ``discipline`` blocks every year up to the year of ``discipline_until`` (or up to its
  own year when no end date is given); streaks and windows restart after it, and the award fails
  when year Y is blocked.
- Pending discipline, investigation, inspection, complaint (``pending_investigation: true``, or
  ``discipline_pending: true``, in any history entry): the outcome is HOLD when no check fails
  (a failing check wins). A suspended year does not break a streak until the outcome is known:
  a streak reached only thanks to suspended years is reported pending (``hold``), not failed.
- Ad hoc and thematic awards are no basis for a higher award (Điều 4(3)): a history award given
  as an object ``{"code": "BK_TINH", "type": "AD_HOC" | "MOVEMENT"}`` does not count as a
  prerequisite; a plain code string is a merit award.
- Awards of other issuers (a province's catalogue entries, issue #19): an object may say
  ``"counts_as": "BK_TINH" | "BK_TTG"`` (a Bằng khen of a ministry, sector or mass organisation is
  a Bằng khen cấp bộ, ban, ngành, tỉnh), ``"basis": false`` (the catalogue entry does not count as a
  basis for higher awards: ad hoc, sector, mass-organisation awards, domain-rules §3) and ``"name"``
  (its name, for the explanation). An award with ``"basis": false`` never satisfies a prerequisite,
  whatever its code; one with ``counts_as`` and no ``"basis": false`` satisfies the prerequisite it names.
- One initiative, one use (CV 5007/BNV-TĐKT): an initiative or project whose ``used_for`` names
  another award is not counted. Reuse between successive emulation titles is UNCONFIRMED and off
  by default (param ``*.initiative_reuse_between_titles``).
- Streaks ("N lần liên tục") are consecutive years ending at Y; a missing year breaks them.

Checks: the award's own checks come first, then ``discipline`` and ``pending_investigation``. For
routed awards every check carries its ``route``; the conditions common to all routes (exemplary,
discipline, investigation) are repeated in each route so each route reads on its own.

Outcomes: NOT_ELIGIBLE when a check fails (for routed awards: when every route has a failing
check); otherwise HOLD when a check is pending (investigation, suspended year); otherwise
ELIGIBLE. A qualitative condition not confirmed is ``passed: null``, listed in
``needs_confirmation``, and never makes the outcome NOT_ELIGIBLE; confirmed ``false`` fails.
An award that does not apply to the subject kind (e.g. TTLDTT for an individual) is reported as
NOT_ELIGIBLE with a failing ``subject_kind`` check and no money, so the other awards of the same
request are still answered.

Missing collective figures count as zero: ``members_failed``/``members_disciplined`` absent means
none recorded; ``headcount``/``ldtt_members``/``cstdcs_members`` absent make the check fail.

Provincial override parameters (``overrides`` rows ``{"rule", "param", "value", ...}``;
rule ``"*"`` = every award). Defaults marked UNCONFIRMED carry ``"unconfirmed": true`` on the
checks that use them until a province overrides them:

- ``*.initiative_reuse_between_titles`` (bool, false, UNCONFIRMED)
- ``LDTT.min_months_worked`` (0 = off, UNCONFIRMED), ``LDTT.max_absence_days`` (0 = off, UNCONFIRMED)
- ``CSTDCS.excellent_and_initiative`` (bool, false, UNCONFIRMED draft amendment)
- ``CSTD_TINH.cstdcs_streak_years`` (3), ``CSTD_TINH.window_reuse`` (bool, false, UNCONFIRMED:
  the CSTĐCS years used for an earlier CSTĐ tỉnh are consumed)
- ``CSTD_TQ.cstd_tinh_streak_years`` (2)
- ``TTLDTT.ldtt_ratio_percent`` (70), ``TTLDXS.ldtt_ratio_percent`` (70),
  ``TTLDXS.min_cstdcs_members`` (1), ``TTLDXS.no_member_disciplined`` (bool, true, UNCONFIRMED)
- ``BK_TINH.cstdcs_streak_years`` (2), ``BK_TINH.excellent_years`` (2), ``BK_TINH.min_initiatives`` (2)
- ``BK_TTG.window_years`` (5), ``BK_TTG.min_cstdcs_in_window`` (3), ``BK_TTG.window_after_bk_tinh``
  (bool, true, UNCONFIRMED), ``BK_TTG.collective_window_years`` (5, UNCONFIRMED),
  ``BK_TTG.collective_min_co_tinh`` (1, UNCONFIRMED)
- ``HCLD_3.window_years`` (5), ``HCLD_3.min_excellent_in_window`` (1), ``HCLD_3.min_cstdcs_in_window``
  (3), ``HCLD_3.window_after_bk_ttg`` (bool, true, UNCONFIRMED), ``HCLD_3.collective_window_years``
  (5, UNCONFIRMED), ``HCLD_3.collective_min_flags`` (1, UNCONFIRMED)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from thidua.rules.catalogue import (
    AWARD_CODES,
    AWARD_NAMES,
    AWARD_SUBJECTS,
    AWARD_TYPES,
    COLLECTIVE,
    CONFIRMATIONS,
    DISCIPLINE_NAMES,
    DISCIPLINES,
    EMULATION_TITLES,
    INDIVIDUAL,
    NON_PREREQUISITE_TYPES,
    RATING_NAMES,
    RATING_RANK,
    RATINGS,
    SCOPE_NAMES,
    SCOPE_RANK,
    SCOPES,
    SUBJECTS,
    TITLE_ALIASES,
    awards_for,
)
from thidua.rules import packs as provincial_packs
from thidua.rules.errors import WhatIfError
from thidua.rules.money import UNKNOWN_NOTE, MoneyLine, combine_money, money_detail
from thidua.rules.versions import apply_overrides, eligibility_version, parse_date

__all__ = ["WhatIfError", "evaluate_eligibility"]

ELIGIBLE, NOT_ELIGIBLE, HOLD = "ELIGIBLE", "NOT_ELIGIBLE", "HOLD"
ROUTED = frozenset({"CO_CP", "BK_TINH", "BK_TTG", "HCLD_3"})
# How each qualitative condition reads after "Cá nhân"/"Tập thể" in a sentence of the minutes.
PREDICATES = {
    "solidarity": "nội bộ đoàn kết",
    "exemplary": "gương mẫu chấp hành chủ trương, chính sách của Đảng, pháp luật của Nhà nước",
    "movement_effective": "có phong trào thi đua thường xuyên, thiết thực, hiệu quả",
    "targets_exceeded": "hoàn thành vượt mức các chỉ tiêu thi đua và nhiệm vụ được giao",
    "party_orgs_strong": "có tổ chức đảng, đoàn thể hoàn thành tốt, xuất sắc nhiệm vụ",
    "outstanding": "tiêu biểu xuất sắc, được bình xét lựa chọn trong phong trào thi đua",
    "exceptional_achievement": "có thành tích đột xuất hoặc nhiều thành tích có phạm vi ảnh hưởng",
}
UNCONFIRMED_NOTE = "quy định chưa được xác minh trong văn bản, đang áp dụng mặc định; tỉnh có thể quy định khác"


# --------------------------------------------------------------------------- input


@dataclass
class YearRecord:
    """One history entry, normalised."""

    year: int
    rating: str | None = None
    titles: set[str] = field(default_factory=set)
    # (code, award type, prerequisite it counts as or None, counts as a basis, name or None)
    awards: list[tuple[str, str, str | None, bool, str | None]] = field(default_factory=list)
    initiatives: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    discipline: str | None = None
    discipline_until: dt.date | None = None
    pending: bool = False
    headcount: int | None = None
    ldtt_members: int | None = None
    cstdcs_members: int | None = None
    members_failed: int | None = None
    members_disciplined: int | None = None
    bloc_leading: bool = False
    bloc_central: bool = False
    months_worked: int | None = None
    absence_days: int | None = None


@dataclass
class Case:
    """A parsed eligibility request plus what every award evaluator needs."""

    decided_on: dt.date
    subject: str
    year: int
    awards: list[str]
    years: dict[int, YearRecord]
    confirmations: dict[str, bool]
    province: str | None = None
    blocked_through: int | None = None  # last year blocked by a discipline period
    blocking: YearRecord | None = None
    pending_years: list[int] = field(default_factory=list)

    def entry(self, year: int) -> YearRecord | None:
        return self.years.get(year)

    def has_title(self, year: int, title: str) -> bool:
        record = self.years.get(year)
        return record is not None and title in record.titles

    def rating(self, year: int) -> str | None:
        record = self.years.get(year)
        return record.rating if record else None

    def countable(self, year: int) -> bool:
        """False for years whose achievements do not count because of a discipline period."""
        return self.blocked_through is None or year > self.blocked_through

    def suspended(self, year: int) -> bool:
        record = self.years.get(year)
        return record is not None and record.pending


FIELD_LABELS = {
    "year": "năm",
    "rating": "mức độ hoàn thành nhiệm vụ",
    "discipline": "hình thức kỷ luật",
    "pending_investigation": "đang điều tra, xem xét",
    "discipline_pending": "đang xem xét kỷ luật",
    "headcount": "tổng số thành viên",
    "ldtt_members": "số thành viên đạt Lao động tiên tiến",
    "cstdcs_members": "số thành viên đạt Chiến sĩ thi đua cơ sở",
    "members_failed": "số thành viên không hoàn thành nhiệm vụ",
    "members_disciplined": "số thành viên bị kỷ luật từ cảnh cáo trở lên",
    "bloc_leading": "dẫn đầu cụm, khối",
    "bloc_central": "cụm, khối do Trung ương tổ chức",
    "scope": "phạm vi ảnh hưởng",
    "recognized": "đã được công nhận",
    "accepted": "đã nghiệm thu",
    "type": "loại hình khen thưởng",
    "months_worked": "số tháng công tác",
    "absence_days": "số ngày nghỉ làm việc",
}


def _bad(field_name: str | None, message: str) -> WhatIfError:
    return WhatIfError("invalid_field", message, field_name)


def _name(path: str) -> str:
    """“history[0].headcount” (tổng số thành viên): the field as the user sees it in a message."""
    label = FIELD_LABELS.get(path.rsplit(".", 1)[-1])
    return f"Trường “{path}” ({label})" if label else f"Trường “{path}”"


def _int(value, path: str, *, minimum: int | None = 0, required: bool = False, label: str = "số") -> int | None:
    if value is None:
        if required:
            raise _bad(path, f"Thiếu trường bắt buộc “{path}”.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, f"{_name(path)} phải là {label} nguyên.")
    if minimum is not None and value < minimum:
        raise _bad(path, f"{_name(path)} không được nhỏ hơn {minimum}.")
    return value


def _bool(value, path: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(path, f"{_name(path)} phải là true hoặc false.")
    return value


def _enum(value, path: str, allowed, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise _bad(path, f"{_name(path)} có giá trị “{value}” không phải {what} hợp lệ.")
    return value


def _list(value, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(path, f"Trường “{path}” phải là một danh sách.")
    return value


def _code_list(value, path: str) -> list[str]:
    codes = []
    for i, item in enumerate(_list(value, path)):
        code = item.get("code") if isinstance(item, dict) else item
        if not isinstance(code, str) or not code.strip():
            raise _bad(f"{path}[{i}]", f"Phần tử “{path}[{i}]” phải là mã danh hiệu (chuỗi).")
        codes.append(code.strip())
    return codes


BASIS_FORMS = ("BK_TINH", "BK_TTG")  # the commendation forms a criterion names as a prerequisite


def _awards_received(value, path: str) -> list[tuple[str, str, str | None, bool, str | None]]:
    received = []
    for i, item in enumerate(_list(value, path)):
        award_type, counts_as, basis, name = "MERIT", None, True, None
        if isinstance(item, dict):
            code = item.get("code")
            award_type = _enum(item.get("type"), f"{path}[{i}].type", AWARD_TYPES, "loại hình khen thưởng") or "MERIT"
            counts_as = _enum(item.get("counts_as"), f"{path}[{i}].counts_as", BASIS_FORMS, "hình thức được tính tương đương")
            basis = _bool(item.get("basis"), f"{path}[{i}].basis", default=True)
            name = item.get("name")
            if name is not None and (not isinstance(name, str) or not name.strip()):
                raise _bad(f"{path}[{i}].name", f"Trường “{path}[{i}].name” phải là tên hình thức khen thưởng.")
        else:
            code = item
        if not isinstance(code, str) or not code.strip():
            raise _bad(f"{path}[{i}]", f"Phần tử “{path}[{i}]” phải là mã hình thức khen thưởng.")
        received.append((code.strip(), award_type, counts_as, basis, name.strip() if name else None))
    return received


def _works(value, path: str, flag: str) -> list[dict]:
    """Initiatives (flag "recognized") or projects (flag "accepted"), normalised."""
    works = []
    for i, item in enumerate(_list(value, path)):
        where = f"{path}[{i}]"
        if not isinstance(item, dict):
            raise _bad(where, f"Phần tử “{where}” phải là một đối tượng.")
        scope = _enum(item.get("scope"), f"{where}.scope", SCOPES, "phạm vi ảnh hưởng")
        if scope is None and flag == "recognized":
            raise _bad(f"{where}.scope", f"Thiếu phạm vi ảnh hưởng “{where}.scope” của sáng kiến.")
        used_for = item.get("used_for")
        if used_for is not None and not isinstance(used_for, str):
            raise _bad(f"{where}.used_for", f"Trường “{where}.used_for” phải là mã danh hiệu hoặc null.")
        ident = item.get("id")
        if ident is not None and not isinstance(ident, (str, int)):
            raise _bad(f"{where}.id", f"Trường “{where}.id” phải là chuỗi hoặc số.")
        works.append(
            {
                "scope": scope or "BASE",
                "ok": _bool(item.get(flag), f"{where}.{flag}"),
                "used_for": used_for or None,
                "id": ident,
            }
        )
    return works


def _year_record(raw, path: str) -> YearRecord:
    if not isinstance(raw, dict):
        raise _bad(path, f"Phần tử “{path}” phải là một đối tượng.")
    year = _int(raw.get("year"), f"{path}.year", minimum=1945, required=True, label="năm")
    if year > 2200:
        raise _bad(f"{path}.year", f"Năm “{year}” không hợp lệ.")
    until_raw = raw.get("discipline_until")
    until = parse_date(until_raw) if until_raw is not None else None
    if until_raw is not None and until is None:
        raise _bad(f"{path}.discipline_until", "Ngày hết thời hạn kỷ luật phải có dạng YYYY-MM-DD.")
    record = YearRecord(
        year=year,
        rating=_enum(raw.get("rating"), f"{path}.rating", RATINGS, "mức độ hoàn thành nhiệm vụ"),
        titles={TITLE_ALIASES.get(code, code) for code in _code_list(raw.get("titles"), f"{path}.titles")},
        awards=_awards_received(raw.get("awards"), f"{path}.awards"),
        initiatives=_works(raw.get("initiatives"), f"{path}.initiatives", "recognized"),
        projects=_works(raw.get("projects"), f"{path}.projects", "accepted"),
        discipline=_enum(raw.get("discipline"), f"{path}.discipline", DISCIPLINES, "hình thức kỷ luật"),
        discipline_until=until,
        pending=_bool(raw.get("pending_investigation"), f"{path}.pending_investigation")
        or _bool(raw.get("discipline_pending"), f"{path}.discipline_pending"),
        headcount=_int(raw.get("headcount"), f"{path}.headcount"),
        ldtt_members=_int(raw.get("ldtt_members"), f"{path}.ldtt_members"),
        cstdcs_members=_int(raw.get("cstdcs_members"), f"{path}.cstdcs_members"),
        members_failed=_int(raw.get("members_failed"), f"{path}.members_failed"),
        members_disciplined=_int(raw.get("members_disciplined"), f"{path}.members_disciplined"),
        bloc_leading=_bool(raw.get("bloc_leading"), f"{path}.bloc_leading"),
        bloc_central=_bool(raw.get("bloc_central"), f"{path}.bloc_central"),
        months_worked=_int(raw.get("months_worked"), f"{path}.months_worked"),
        absence_days=_int(raw.get("absence_days"), f"{path}.absence_days"),
    )
    if record.months_worked is not None and record.months_worked > 12:
        raise _bad(f"{path}.months_worked", f"{_name(f'{path}.months_worked')} không được lớn hơn 12.")
    if record.headcount is not None:
        for name in ("ldtt_members", "cstdcs_members", "members_failed", "members_disciplined"):
            count = getattr(record, name)
            if count is not None and count > record.headcount:
                raise _bad(
                    f"{path}.{name}",
                    f"{_name(f'{path}.{name}')} là {count}, lớn hơn tổng số thành viên "
                    f"({record.headcount}) của năm {record.year}.",
                )
    return record


def parse_request(request) -> Case:
    """Validate an eligibility request and normalise it. Raises WhatIfError (invalid_field, unknown_award)."""
    if not isinstance(request, dict):
        raise _bad(None, "Yêu cầu phải là một đối tượng JSON.")
    kind = request.get("kind", "eligibility")
    if kind != "eligibility":
        raise _bad("kind", "Trường “kind” phải là “eligibility”.")
    if request.get("decided_on") is None:
        raise _bad("decided_on", "Thiếu ngày quyết định “decided_on”.")
    decided_on = parse_date(request["decided_on"]) if isinstance(request["decided_on"], str) else None
    if decided_on is None:
        raise _bad("decided_on", "Ngày quyết định “decided_on” phải có dạng YYYY-MM-DD.")
    if eligibility_version(decided_on) is None:
        raise WhatIfError(
            "no_rule_version",
            f"Không có quy định thi đua, khen thưởng nào có hiệu lực vào ngày {_d(decided_on)} "
            "(hệ thống áp dụng Luật Thi đua, khen thưởng 2022 từ ngày 01/01/2024).",
            "decided_on",
        )
    province = request.get("province")
    if province is not None and not isinstance(province, str):
        raise _bad("province", "Trường “province” phải là mã tỉnh (chuỗi) hoặc null.")
    subject = request.get("subject")
    if subject not in SUBJECTS:
        raise _bad("subject", "Trường “subject” phải là “individual” (cá nhân) hoặc “collective” (tập thể).")
    year = _int(request.get("year"), "year", minimum=1945, required=True, label="năm")
    requested = _list(request.get("awards"), "awards")
    for i, code in enumerate(requested):
        if not isinstance(code, str):
            raise _bad(f"awards[{i}]", "Mỗi phần tử của “awards” phải là một mã danh hiệu, hình thức khen thưởng.")
        if code not in AWARD_CODES:
            raise WhatIfError(
                "unknown_award", f"Không có danh hiệu, hình thức khen thưởng mã “{code}”.", f"awards[{i}]"
            )
    years: dict[int, YearRecord] = {}
    for i, raw in enumerate(_list(request.get("history"), "history")):
        record = _year_record(raw, f"history[{i}]")
        if record.year in years:
            raise _bad(f"history[{i}].year", f"Năm {record.year} xuất hiện hai lần trong lịch sử.")
        years[record.year] = record
    collective = request.get("collective")
    if collective is not None and not isinstance(collective, dict):
        raise _bad("collective", "Trường “collective” phải là một đối tượng hoặc null.")
    confirmations_raw = request.get("confirmations")
    if confirmations_raw is None:
        confirmations_raw = {}
    if not isinstance(confirmations_raw, dict):
        raise _bad("confirmations", "Trường “confirmations” phải là một đối tượng.")
    confirmations = {}
    for key, value in confirmations_raw.items():
        if key not in CONFIRMATIONS:
            raise _bad(f"confirmations.{key}", f"Không có điều kiện xác nhận “{key}”.")
        if value is not None:
            confirmations[key] = _bool(value, f"confirmations.{key}")
    case = Case(
        decided_on=decided_on,
        subject=subject,
        year=year,
        awards=list(requested) or awards_for(subject),
        years=years,
        confirmations=confirmations,
        province=province,
    )
    _discipline_and_pending(case)
    return case


def _discipline_and_pending(case: Case) -> None:
    for record in sorted(case.years.values(), key=lambda r: r.year):
        if record.pending:
            case.pending_years.append(record.year)
        if record.discipline is None:
            continue
        last = record.year
        if record.discipline_until is not None:
            last = max(last, record.discipline_until.year)
        if case.blocked_through is None or last >= case.blocked_through:
            case.blocked_through, case.blocking = last, record


# --------------------------------------------------------------------------- rule access


class Rules:
    """The rule data of one award in the version in force (overrides applied)."""

    def __init__(self, version: dict, code: str):
        self.version = version
        self.code = code
        self.data = version["awards"][code]

    def param(self, name: str):
        return self.data["params"][name]["value"]

    def common(self, name: str):
        return self.version["common_params"][name]["value"]

    def param_note(self, *names: str, common: tuple[str, ...] = ()) -> dict:
        """Extra check fields saying the check rests on an UNCONFIRMED default or a provincial override."""
        specs = [self.data["params"][n] for n in names] + [self.version["common_params"][n] for n in common]
        extra: dict = {}
        if any(spec.get("unconfirmed") for spec in specs):
            extra["unconfirmed"] = True
        overrides = [spec["override_citation"] for spec in specs if spec.get("override_citation")]
        if overrides:
            extra["override"] = "; ".join(dict.fromkeys(overrides))
        return extra

    def cite(self, check_code: str) -> str:
        return self.data["checks"][check_code]["citation"]

    def principle(self, name: str) -> str:
        return self.version["principles"][name]["citation"]

    def routes(self, subject: str) -> dict:
        return self.data.get("routes", {}).get(subject, {})


# --------------------------------------------------------------------------- text helpers


def _d(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _n2(value: int) -> str:
    """Two-digit count as written in legal texts: 3 → "03"."""
    return f"{value:02d}"


def _years(years) -> str:
    years = sorted(years)
    if not years:
        return ""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def _percent(part: int, whole: int) -> str:
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",")


def _with_note(text: str, extra: dict) -> str:
    if extra.get("override"):
        return f"{text} (theo {extra['override']})."
    if extra.get("unconfirmed"):
        return f"{text} ({UNCONFIRMED_NOTE})."
    return f"{text}."


def _check(code: str, passed: bool | None, text: str, citation: str, **extra) -> dict:
    result = {"code": code, "passed": passed, "text": text, "citation": citation}
    result.update({k: v for k, v in extra.items() if v is not None})
    return result


def _who(case: Case) -> str:
    return "Cá nhân" if case.subject == INDIVIDUAL else "Tập thể"


# --------------------------------------------------------------------------- reusable checks


def _confirmation(
    case: Case,
    rules: Rules,
    key: str,
    code: str | None = None,
    citation: str | None = None,
    subject_text: str | None = None,
) -> dict:
    code = code or key
    about = subject_text or f"{_who(case)} {PREDICATES[key]} năm {case.year}"
    lowered = about[0].lower() + about[1:]
    value = case.confirmations.get(key)
    if value is True:
        text = f"{about} (đã xác nhận tại cuộc họp bình xét)."
    elif value is False:
        text = f"Không đạt: hội đồng không xác nhận điều kiện “{lowered}”."
    else:
        text = f"Cần hội đồng xác nhận trong biên bản: {lowered}."
    return _check(code, value, text, citation or rules.cite(code), confirmation=key)


def _discipline_check(case: Case, rules: Rules) -> dict:
    citation = rules.principle("discipline")
    record = case.blocking
    if record is None:
        return _check(
            "discipline", True, f"Không có hình thức kỷ luật ảnh hưởng đến thành tích năm {case.year}.", citation
        )
    until = f", thời hạn kỷ luật đến {_d(record.discipline_until)}" if record.discipline_until else ""
    what = f"Bị kỷ luật {DISCIPLINE_NAMES[record.discipline]} năm {record.year}{until}"
    if case.countable(case.year):
        return _check(
            "discipline",
            True,
            f"{what}; đã hết thời hạn kỷ luật, thành tích được tính từ năm {case.blocked_through + 1}.",
            citation,
        )
    return _check(
        "discipline",
        False,
        f"{what}; thành tích chỉ được tính từ khi hết thời hạn kỷ luật (từ năm {case.blocked_through + 1}), "
        f"nên chưa xét khen thưởng cho thành tích năm {case.year}.",
        citation,
    )


def _pending_check(case: Case, rules: Rules) -> dict:
    citation = rules.principle("pending_investigation")
    if case.pending_years:
        return _check(
            "pending_investigation",
            None,
            f"Đang xem xét kỷ luật hoặc đang điều tra, thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo "
            f"(hồ sơ năm {_years(case.pending_years)}): tạm hoãn xét khen thưởng cho đến khi có kết luận, "
            "không phải là từ chối.",
            citation,
            hold=True,
        )
    return _check(
        "pending_investigation",
        True,
        "Không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hoặc có khiếu nại, tố cáo chưa giải quyết.",
        citation,
    )


def _common(case: Case, rules: Rules) -> list[dict]:
    return [_discipline_check(case, rules), _pending_check(case, rules)]


def _rating_at_least(case: Case, rules: Rules, code: str, minimum: str, year: int | None = None) -> dict:
    year = case.year if year is None else year
    rating = case.rating(year)
    need = RATING_NAMES[minimum] + (" trở lên" if minimum != "EXCELLENT" else "")
    if rating is None:
        return _check(
            code,
            False,
            f"Năm {year} chưa có kết quả đánh giá mức độ hoàn thành nhiệm vụ; cần {need}.",
            rules.cite(code),
        )
    if RATING_RANK[rating] >= RATING_RANK[minimum]:
        return _check(
            code, True, f"Năm {year} được đánh giá {RATING_NAMES[rating]} (yêu cầu {need}).", rules.cite(code)
        )
    return _check(code, False, f"Năm {year} chỉ được đánh giá {RATING_NAMES[rating]}; cần {need}.", rules.cite(code))


def _streak(case: Case, title: str, floor: int | None = None) -> tuple[list[int], list[int], int | None]:
    """Consecutive years ending at Y with ``title`` (years after ``floor`` and after any discipline).

    Returns (strict run, run counting suspended years as pending, the year that broke the run).
    """
    strict: list[int] = []
    provisional: list[int] = []
    strict_open = True
    year = case.year
    while True:
        if (floor is not None and year <= floor) or not case.countable(year):
            return strict, provisional, year
        if case.has_title(year, title):
            provisional.append(year)
            if strict_open:
                strict.append(year)
        elif case.suspended(year):
            provisional.append(year)
            strict_open = False
        else:
            return strict, provisional, year
        year -= 1


def _streak_check(
    case: Case,
    rules: Rules,
    code: str,
    title: str,
    need: int,
    floor: int | None = None,
    floor_reason: str = "",
    extra: dict | None = None,
) -> dict:
    extra = extra or {}
    strict, provisional, stop = _streak(case, title, floor)
    name = AWARD_NAMES[title]
    if len(strict) >= need:
        text = f"Đạt danh hiệu {name} {len(strict)} năm liên tục ({_years(strict)}), đủ {_n2(need)} lần liên tục"
        return _check(code, True, _with_note(text, extra), rules.cite(code), **extra)
    if len(provisional) >= need:
        text = (
            f"Đạt danh hiệu {name} các năm {_years(provisional)} nếu tính cả năm đang tạm hoãn xét "
            f"({_years(sorted(set(provisional) - set(strict)))}); chờ kết luận để xác định {_n2(need)} lần liên tục"
        )
        return _check(code, None, _with_note(text, extra), rules.cite(code), hold=True, **extra)
    need_text = f"cần {_n2(need)} lần liên tục tính đến năm {case.year}"
    if not case.countable(case.year):
        text = (
            f"Thành tích năm {case.year} chưa được tính do kỷ luật (thành tích chỉ được tính từ năm "
            f"{case.blocked_through + 1}); {need_text}"
        )
    elif not strict:
        text = f"Năm {case.year} không đạt danh hiệu {name}; {need_text}"
    else:
        text = f"Chỉ đạt danh hiệu {name} {len(strict)} năm liên tục ({_years(strict)}); {need_text}"
        if floor is not None and stop <= floor and case.countable(stop):
            text += f"; {floor_reason}"
        elif not case.countable(stop):
            text += f"; do kỷ luật, thành tích chỉ được tính từ năm {case.blocked_through + 1}"
        else:
            text += f"; năm {stop} không đạt danh hiệu này nên chuỗi liên tục bị gián đoạn"
    return _check(code, False, _with_note(text, extra), rules.cite(code), **extra)


def _available(case: Case, rules: Rules, work: dict, award: str) -> bool:
    """One initiative, one use: usable when unused, already used for this award, or (when allowed) another title."""
    used_for = work["used_for"]
    if used_for is None or used_for == award:
        return True
    return (
        bool(rules.common("initiative_reuse_between_titles"))
        and used_for in EMULATION_TITLES
        and award in EMULATION_TITLES
    )


def _works_in(case: Case, rules: Rules, years, kind: str, min_scope: str, award: str) -> tuple[list, list]:
    """(usable, already used elsewhere) initiatives or projects of ``kind`` in ``years`` with scope ≥ min_scope."""
    usable, used = [], []
    for year in sorted(years):
        record = case.entry(year)
        if record is None or not case.countable(year):
            continue
        for work in getattr(record, kind):
            if not work["ok"] or SCOPE_RANK[work["scope"]] < SCOPE_RANK[min_scope]:
                continue
            (usable if _available(case, rules, work, award) else used).append((year, work))
    return usable, used


def _describe_used(used: list) -> str:
    if not used:
        return ""
    parts = [f"năm {year} đã dùng cho {AWARD_NAMES.get(work['used_for'], work['used_for'])}" for year, work in used]
    return "; sáng kiến, đề tài không được dùng lại (" + ", ".join(parts) + ")"


def _initiative_check(case: Case, rules: Rules, code: str, years: list[int], min_scope: str, award: str) -> dict:
    extra = rules.param_note(common=("initiative_reuse_between_titles",))
    extra.pop("unconfirmed", None)  # the one-use rule itself is stated; only title-to-title reuse is disputed
    citation = rules.cite(code)
    initiatives, used_i = _works_in(case, rules, years, "initiatives", min_scope, award)
    projects, used_p = _works_in(case, rules, years, "projects", min_scope, award)
    scope = SCOPE_NAMES[min_scope] + (" trở lên" if min_scope != "NATIONAL" else "")
    period = f"năm {_years(years)}" if years else f"năm {case.year}"
    if initiatives or projects:
        found = []
        if initiatives:
            found.append(f"{len(initiatives)} sáng kiến được công nhận (năm {_years({y for y, _ in initiatives})})")
        if projects:
            found.append(
                f"{len(projects)} đề tài, đề án khoa học đã nghiệm thu (năm {_years({y for y, _ in projects})})"
            )
        return _check(
            code, True, f"Có {' và '.join(found)} phạm vi ảnh hưởng {scope} trong {period}.", citation, **extra
        )
    text = (
        f"Không có sáng kiến được công nhận hoặc đề tài khoa học đã nghiệm thu có phạm vi ảnh hưởng {scope} "
        f"trong {period}{_describe_used(used_i + used_p)}."
    )
    return _check(code, False, text, citation, **extra)


def _merit_form_years(case: Case, code: str) -> tuple[list[int], list[int]]:
    """Years in which ``code`` was received: (counting as merit, ad hoc/thematic ones that do not count)."""
    merit, other = [], []
    for record in case.years.values():
        for award, award_type, counts_as, basis, _ in record.awards:
            if award == code or counts_as == code:
                (other if award_type in NON_PREREQUISITE_TYPES or not basis else merit).append(record.year)
    return sorted(set(merit)), sorted(set(other))


def _not_basis(case: Case, code: str) -> list[tuple[int, str]]:
    """(year, name) of the awards standing for ``code`` whose catalogue entry is no basis for higher awards."""
    found = []
    for record in case.years.values():
        for award, award_type, counts_as, basis, name in record.awards:
            if (award == code or counts_as == code) and not basis and award_type not in NON_PREREQUISITE_TYPES:
                found.append((record.year, name or award))
    return sorted(set(found))


def _prior_form_check(
    case: Case, rules: Rules, code: str, form: str, window: list[int], after: bool, extra: dict
) -> dict:
    merit, other = _merit_form_years(case, form)
    if not merit:  # the timing default only matters once there is a certificate to place in time
        extra = {k: v for k, v in extra.items() if k != "unconfirmed"} if not extra.get("override") else extra
    name = AWARD_NAMES[form]
    start = window[0]
    limit = start - 1 if after else case.year
    basis = [y for y in merit if y <= limit]
    citation = rules.cite(code)
    span = f"{_n2(len(window))} năm xét ({_years(window)})"
    if basis:
        where = f"trước thời gian {span}" if after else "trước thời điểm đề nghị"
        given = name
        record = case.years.get(basis[-1])
        if record is not None and not any(a[0] == form and a[1] not in NON_PREREQUISITE_TYPES and a[3] for a in record.awards):
            # Reached through an award of another issuer that its catalogue entry counts as this form.
            other_name = next((a[4] or a[0] for a in record.awards if a[2] == form and a[3]), None)
            if other_name:
                given = f"{other_name} (tính như {name})"
        return _check(code, True, _with_note(f"Đã được tặng {given} năm {basis[-1]}, {where}", extra), citation, **extra)
    if merit:
        text = (
            f"{name} năm {_years(merit)} nằm trong thời gian {span}; thời gian {_n2(len(window))} năm "
            f"liên tục được tính sau năm nhận {name}"
        )
        return _check(code, False, _with_note(text, extra), citation, **extra)
    if other:
        foreign = _not_basis(case, form)
        if foreign and len(foreign) == len(other):
            listed = "; ".join(f"{what} năm {year}" for year, what in foreign)
            text = (
                f"{listed}: danh mục khen thưởng ghi không tính làm căn cứ đề nghị khen thưởng mức cao hơn "
                f"(khen thưởng của ngành, đoàn thể, đột xuất hoặc theo chuyên đề); chưa có {name} theo công trạng"
            )
        else:
            text = (
                f"{name} năm {_years(other)} là khen thưởng đột xuất hoặc theo chuyên đề, không làm căn cứ đề nghị "
                f"khen thưởng mức cao hơn ({rules.principle('ad_hoc_not_prerequisite')}); chưa có {name} theo công trạng"
            )
        return _check(code, False, _with_note(text, extra), citation, **extra)
    before = f"trước thời gian {span}" if after else f"đến năm {case.year}"
    return _check(code, False, _with_note(f"Chưa được tặng {name} {before}", extra), citation, **extra)


def _window(case: Case, years: int) -> list[int]:
    return list(range(case.year - years + 1, case.year + 1))


def _rating_window_check(case: Case, rules: Rules, code: str, window: list[int], minimum: str, extra: dict) -> dict:
    problems = []
    for year in window:
        rating = case.rating(year)
        if not case.countable(year):
            problems.append(f"năm {year} trong thời hạn kỷ luật, không được tính")
        elif rating is None:
            problems.append(f"năm {year} không có kết quả đánh giá")
        elif RATING_RANK[rating] < RATING_RANK[minimum]:
            problems.append(f"năm {year} {RATING_NAMES[rating]}")
    need = RATING_NAMES[minimum] + (" trở lên" if minimum != "EXCELLENT" else "")
    head = f"{_n2(len(window))} năm liên tục {need} ({_years(window)})"
    if not problems:
        return _check(code, True, _with_note(f"Đạt {head}", extra), rules.cite(code), **extra)
    return _check(code, False, _with_note(f"Chưa đủ {head}: " + "; ".join(problems), extra), rules.cite(code), **extra)


def _count_in_window_check(
    case: Case, rules: Rules, code: str, window: list[int], need: int, label: str, predicate, extra: dict
) -> dict:
    hits = [y for y in window if case.countable(y) and predicate(y)]
    text = f"Có {len(hits)} lần {label} trong {_n2(len(window))} năm {_years(window)}"
    text += f" ({_years(hits)})" if hits else ""
    text += f"; cần ít nhất {_n2(need)} lần"
    return _check(code, len(hits) >= need, _with_note(text, extra), rules.cite(code), **extra)


def _ldtt_ratio_check(case: Case, rules: Rules, percent: int, extra: dict) -> dict:
    record = case.entry(case.year)
    citation = rules.cite("ldtt_ratio")
    head = record.headcount if record else None
    members = (record.ldtt_members if record else None) or 0
    if not head:
        text = (
            f"Không có số liệu tổng số thành viên năm {case.year} để tính tỷ lệ Lao động tiên tiến "
            f"(cần từ {percent}% trở lên)"
        )
        return _check("ldtt_ratio", False, _with_note(text, extra), citation, **extra)
    passed = members * 100 >= percent * head
    verb = "đạt" if passed else "chưa đạt"
    text = (
        f"Có {members}/{head} cá nhân ({_percent(members, head)}%) đạt danh hiệu Lao động tiên tiến năm "
        f"{case.year}, {verb} tỷ lệ từ {percent}% trở lên"
    )
    return _check("ldtt_ratio", passed, _with_note(text, extra), citation, **extra)


# --------------------------------------------------------------------------- individual titles


def _ldtt(case: Case, rules: Rules) -> list[dict]:
    """Lao động tiên tiến: Luật Điều 24 khoản 1 (rating ≥ HTTNV, solidarity)."""
    checks = [
        _rating_at_least(case, rules, "rating_at_least_good", "GOOD"),
        _confirmation(
            case,
            rules,
            "solidarity",
            subject_text=f"Cá nhân có tinh thần tự lực, tự cường, đoàn kết, tương trợ, tích cực tham gia "
            f"phong trào thi đua năm {case.year}",
        ),
    ]
    return checks + _ldtt_exclusions(case, rules)


def _ldtt_exclusions(case: Case, rules: Rules) -> list[dict]:
    """Old-regime exclusions (new hires, long absence): only when a province switches them on."""
    record = case.entry(case.year)
    checks = []
    months_needed = rules.param("min_months_worked")
    if months_needed:
        extra = rules.param_note("min_months_worked")
        months = record.months_worked if record and record.months_worked is not None else 12
        text = (
            f"Năm {case.year} có {months} tháng công tác (kể cả thời gian nghỉ thai sản); "
            f"yêu cầu từ {months_needed} tháng trở lên"
        )
        checks.append(
            _check(
                "service_time", months >= months_needed, _with_note(text, extra), rules.cite("service_time"), **extra
            )
        )
    absence_limit = rules.param("max_absence_days")
    if absence_limit:
        extra = rules.param_note("max_absence_days")
        days = record.absence_days if record and record.absence_days is not None else 0
        text = f"Năm {case.year} nghỉ {days} ngày làm việc; không xét nếu nghỉ từ {absence_limit} ngày trở lên"
        checks.append(_check("absence", days < absence_limit, _with_note(text, extra), rules.cite("absence"), **extra))
    return checks


def _cstdcs(case: Case, rules: Rules) -> list[dict]:
    """Chiến sĩ thi đua cơ sở: Luật Điều 23 (LĐTT in Y; HTXSNV, or an initiative or project in Y)."""
    y = case.year
    if case.has_title(y, "LDTT"):
        ldtt = _check("ldtt_same_year", True, f"Đạt danh hiệu Lao động tiên tiến năm {y}", rules.cite("ldtt_same_year"))
    else:
        ldtt = _check(
            "ldtt_same_year", False, f"Chưa đạt danh hiệu Lao động tiên tiến năm {y}", rules.cite("ldtt_same_year")
        )
    excellent = case.rating(y) == "EXCELLENT"
    initiatives, used_i = _works_in(case, rules, [y], "initiatives", "BASE", "CSTDCS")
    projects, used_p = _works_in(case, rules, [y], "projects", "BASE", "CSTDCS")
    reasons = []
    if excellent:
        reasons.append(f"được đánh giá hoàn thành xuất sắc nhiệm vụ năm {y}")
    if initiatives:
        reasons.append(f"có {len(initiatives)} sáng kiến được công nhận năm {y}")
    if projects:
        reasons.append(f"có {len(projects)} đề tài, đề án khoa học đã nghiệm thu năm {y}")
    both = rules.param("excellent_and_initiative")
    extra = rules.param_note(common=("initiative_reuse_between_titles",))
    extra.pop("unconfirmed", None)
    if both:  # the draft amendment of the Law: HTXSNV and an initiative (or project)
        extra.update(rules.param_note("excellent_and_initiative"))
        passed = excellent and bool(initiatives or projects)
        need = "cần hoàn thành xuất sắc nhiệm vụ và có sáng kiến hoặc đề tài"
    else:
        passed = excellent or bool(initiatives or projects)
        need = "cần hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến, đề tài"
    if passed:
        text = "Có căn cứ thành tích: " + "; ".join(reasons)
    else:
        rating = case.rating(y)
        rated = f"được đánh giá {RATING_NAMES[rating]}" if rating else "không có kết quả đánh giá"
        works = "; ".join(reasons[1:] if excellent else reasons) or (
            "không có sáng kiến được công nhận hoặc đề tài khoa học đã nghiệm thu"
        )
        text = f"Năm {y} {rated}, {works}{_describe_used(used_i + used_p)}; {need}"
    basis = _check("achievement_basis", passed, _with_note(text, extra), rules.cite("achievement_basis"), **extra)
    return [ldtt, basis]


def _cstd_tinh(case: Case, rules: Rules) -> list[dict]:
    """Chiến sĩ thi đua cấp tỉnh: Luật Điều 22 (03 CSTĐCS liên tục, provincial initiative, tiêu biểu)."""
    need = rules.param("cstdcs_streak_years")
    floor, reason = None, ""
    if not rules.param("window_reuse"):
        earlier = [y for y, r in case.years.items() if y < case.year and "CSTD_TINH" in r.titles]
        if earlier:
            floor = max(earlier)
            reason = (
                f"các năm Chiến sĩ thi đua cơ sở đến năm {floor} đã dùng để xét Chiến sĩ thi đua cấp tỉnh "
                f"năm {floor}, không tính lại"
            )
    extra = (
        rules.param_note("cstdcs_streak_years", "window_reuse")
        if floor is not None
        else rules.param_note("cstdcs_streak_years")
    )
    streak = _streak_check(case, rules, "cstdcs_streak", "CSTDCS", need, floor, reason, extra)
    _, provisional, _ = _streak(case, "CSTDCS", floor)
    period = provisional or [case.year]
    return [
        streak,
        _initiative_check(case, rules, "initiative_province", period, "PROVINCE", "CSTD_TINH"),
        _confirmation(
            case,
            rules,
            "outstanding",
            subject_text=f"Cá nhân có thành tích tiêu biểu xuất sắc, được lựa chọn trong số những cá nhân "
            f"đạt Chiến sĩ thi đua cơ sở liên tục, năm {case.year}",
        ),
    ]


def _cstd_tinh_chain(case: Case, max_gap: int) -> tuple[list[int], int | None]:
    """CSTĐ tỉnh titles linked "liên tục" back from Y, and the year where the chain stopped.

    Two titles are consecutive when they are at most ``max_gap`` years apart (the CSTĐCS window of
    a CSTĐ tỉnh: with non-overlapping windows the next title comes 3 years later) and every year
    between them holds CSTĐCS. Titles in consecutive years are the simplest case.
    """
    if not (case.countable(case.year) and case.has_title(case.year, "CSTD_TINH")):
        return [], case.year
    chain = [case.year]
    year = case.year - 1
    while year >= chain[-1] - max_gap:
        if not case.countable(year):
            return chain, year
        if case.has_title(year, "CSTD_TINH"):
            chain.append(year)
        elif not case.has_title(year, "CSTDCS"):
            return chain, year
        year -= 1
    return chain, year


def _cstd_tq(case: Case, rules: Rules) -> list[dict]:
    """Chiến sĩ thi đua toàn quốc: Luật Điều 21 (02 CSTĐ tỉnh liên tục, national initiative)."""
    need = rules.param("cstd_tinh_streak_years")
    max_gap = Rules(rules.version, "CSTD_TINH").param("cstdcs_streak_years")
    chain, stop = _cstd_tinh_chain(case, max_gap)
    extra = rules.param_note("cstd_tinh_streak_years")
    name = AWARD_NAMES["CSTD_TINH"]
    used = chain[: max(need, 1)]
    spread = any(later - earlier > 1 for later, earlier in pairwise(used))
    if spread:
        extra["unconfirmed"] = True  # the reading of "liên tục" across non-overlapping windows
    if len(chain) >= need:
        text = f"Đạt danh hiệu {name} {len(used)} lần liên tục ({_years(used)})"
        if spread:
            text += ", giữa các lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở"
        streak = _check("cstd_tinh_streak", True, _with_note(text, extra), rules.cite("cstd_tinh_streak"), **extra)
    else:
        if not case.countable(case.year):
            text = f"Thành tích năm {case.year} chưa được tính do kỷ luật"
        elif not chain:
            text = f"Năm {case.year} không đạt danh hiệu {name}"
        elif not case.countable(stop):
            text = (
                f"Chỉ có {len(chain)} lần {name} liên tục ({_years(chain)}); do kỷ luật, thành tích chỉ được "
                f"tính từ năm {case.blocked_through + 1}"
            )
        else:
            text = (
                f"Chỉ có {len(chain)} lần {name} liên tục ({_years(chain)}); năm {stop} không đạt Chiến sĩ thi "
                f"đua cơ sở hoặc quá {max_gap} năm không có {name}"
            )
        text += f"; cần {_n2(need)} lần liên tục tính đến năm {case.year}"
        streak = _check("cstd_tinh_streak", False, _with_note(text, extra), rules.cite("cstd_tinh_streak"), **extra)
    period = list(range(min(used), case.year + 1)) if chain else [case.year]
    return [streak, _initiative_check(case, rules, "initiative_national", period, "NATIONAL", "CSTD_TQ")]


# --------------------------------------------------------------------------- collective titles


def _members_discipline(case: Case, rules: Rules, extra: dict | None = None) -> dict:
    """No member disciplined at cảnh cáo or heavier in Y (``members_disciplined``)."""
    extra = extra or {}
    record = case.entry(case.year)
    disciplined = (record.members_disciplined if record else None) or 0
    if disciplined:
        text = f"Năm {case.year} có {disciplined} cá nhân trong tập thể bị kỷ luật từ hình thức cảnh cáo trở lên"
    else:
        text = f"Năm {case.year} không có cá nhân trong tập thể bị kỷ luật từ hình thức cảnh cáo trở lên"
    return _check("members_discipline", not disciplined, _with_note(text, extra), rules.cite("members_discipline"), **extra)


def _ttldtt(case: Case, rules: Rules) -> list[dict]:
    """Tập thể lao động tiên tiến: Luật Điều 28."""
    return [
        _rating_at_least(case, rules, "rating_at_least_good", "GOOD"),
        _confirmation(case, rules, "movement_effective"),
        _ldtt_ratio_check(case, rules, rules.param("ldtt_ratio_percent"), rules.param_note("ldtt_ratio_percent")),
        _members_discipline(case, rules),
        _confirmation(case, rules, "solidarity"),
    ]


def _ttldxs(case: Case, rules: Rules) -> list[dict]:
    """Tập thể lao động xuất sắc: Luật Điều 27 (no member disciplined: param, UNCONFIRMED)."""
    record = case.entry(case.year)
    failed = (record.members_failed if record else None) or 0
    if failed:
        complete = _check(
            "members_all_completed",
            False,
            f"Năm {case.year} có {failed} cá nhân không hoàn thành nhiệm vụ; cần 100% cá nhân hoàn thành nhiệm vụ.",
            rules.cite("members_all_completed"),
        )
    else:
        complete = _check(
            "members_all_completed",
            True,
            f"Năm {case.year} 100% cá nhân trong tập thể hoàn thành nhiệm vụ được giao.",
            rules.cite("members_all_completed"),
        )
    need = rules.param("min_cstdcs_members")
    extra = rules.param_note("min_cstdcs_members")
    have = (record.cstdcs_members if record else None) or 0
    cstdcs = _check(
        "member_cstdcs",
        have >= need,
        _with_note(
            f"Năm {case.year} có {have} cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở (cần ít nhất {need})", extra
        ),
        rules.cite("member_cstdcs"),
        **extra,
    )
    checks = [
        _rating_at_least(case, rules, "rating_excellent", "EXCELLENT"),
        _confirmation(case, rules, "movement_effective"),
        complete,
        _ldtt_ratio_check(case, rules, rules.param("ldtt_ratio_percent"), rules.param_note("ldtt_ratio_percent")),
        cstdcs,
    ]
    if rules.param("no_member_disciplined"):
        checks.append(_members_discipline(case, rules, rules.param_note("no_member_disciplined")))
    return checks + [_confirmation(case, rules, "solidarity")]


def _bloc_leading(case: Case, rules: Rules, code: str = "bloc_leading", central: bool = False) -> dict:
    record = case.entry(case.year)
    leading = bool(record and record.bloc_leading)
    if central:
        is_central = bool(record and record.bloc_central)
        if leading and is_central:
            return _check(
                code,
                True,
                f"Là tập thể dẫn đầu cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng Trung ương "
                f"tổ chức năm {case.year}.",
                rules.cite(code),
            )
        why = "không dẫn đầu cụm, khối thi đua" if not leading else "cụm, khối thi đua không do Trung ương tổ chức"
        return _check(
            code,
            False,
            f"Năm {case.year} {why}; tiêu chuẩn này dành cho tập thể dẫn đầu cụm, khối thi đua "
            "do Hội đồng Thi đua - Khen thưởng Trung ương tổ chức.",
            rules.cite(code),
        )
    if leading:
        return _check(
            code,
            True,
            f"Là tập thể dẫn đầu phong trào thi đua của cụm, khối thi đua năm {case.year}.",
            rules.cite(code),
        )
    return _check(
        code,
        False,
        f"Năm {case.year} không phải là tập thể dẫn đầu phong trào thi đua của cụm, khối thi đua.",
        rules.cite(code),
    )


def _solidarity_thrift(case: Case, rules: Rules) -> dict:
    return _confirmation(
        case,
        rules,
        "solidarity",
        subject_text=f"Tập thể nội bộ đoàn kết, tích cực thực hành tiết kiệm, chống lãng phí, "
        f"chống tham nhũng, tiêu cực năm {case.year}",
    )


def _co_tinh(case: Case, rules: Rules) -> list[dict]:
    """Cờ thi đua của UBND tỉnh: Luật Điều 26 khoản 1."""
    return [
        _bloc_leading(case, rules),
        _confirmation(case, rules, "targets_exceeded"),
        _solidarity_thrift(case, rules),
        _confirmation(case, rules, "party_orgs_strong"),
    ]


def _co_cp(case: Case, rules: Rules) -> list[tuple[str, list[dict]]]:
    """Cờ thi đua của Chính phủ: Luật Điều 25 khoản 1 (route 25.1) and khoản 2 (route 25.2)."""
    criteria = [
        _confirmation(case, rules, "targets_exceeded"),
        _solidarity_thrift(case, rules),
        _confirmation(case, rules, "party_orgs_strong"),
    ]
    outstanding = _confirmation(
        case,
        rules,
        "outstanding",
        subject_text=f"Tập thể tiêu biểu xuất sắc, được lựa chọn trong số các tập thể dẫn đầu "
        f"cụm, khối thi đua năm {case.year}",
    )
    return [
        ("25.1", [_bloc_leading(case, rules)] + criteria + [outstanding]),
        ("25.2", [_bloc_leading(case, rules, "central_bloc_leading", central=True)] + criteria),
    ]


# --------------------------------------------------------------------------- commendation forms


def _exemplary(case: Case, rules: Rules) -> dict:
    return _confirmation(case, rules, "exemplary")


def _giay_khen(case: Case, rules: Rules) -> list[dict]:
    """Giấy khen: Luật Điều 75."""
    checks = [_exemplary(case, rules)]
    if case.subject == COLLECTIVE:
        checks.append(_confirmation(case, rules, "solidarity"))
    checks.append(_rating_at_least(case, rules, "rating_at_least_good", "GOOD"))
    outstanding = case.confirmations.get("outstanding")
    exceptional = case.confirmations.get("exceptional_achievement")
    citation = rules.cite("movement_or_achievement")
    if outstanding or exceptional:
        which = (
            "được bình xét trong phong trào thi đua"
            if outstanding
            else "có thành tích có phạm vi ảnh hưởng trong đơn vị"
        )
        checks.append(
            _check("movement_or_achievement", True, f"{_who(case)} {which} năm {case.year} (đã xác nhận).", citation)
        )
    elif outstanding is False and exceptional is False:
        checks.append(
            _check(
                "movement_or_achievement",
                False,
                f"Không đạt: hội đồng xác nhận năm {case.year} không được bình xét trong phong trào thi đua "
                "và không có thành tích có phạm vi ảnh hưởng.",
                citation,
            )
        )
    else:
        keys = [k for k in ("outstanding", "exceptional_achievement") if case.confirmations.get(k) is None]
        checks.append(
            _check(
                "movement_or_achievement",
                None,
                f"Cần hội đồng xác nhận trong biên bản: được bình xét trong phong trào thi đua hoặc có thành "
                f"tích có phạm vi ảnh hưởng năm {case.year}.",
                citation,
                confirmation=keys[0],
                confirmations=keys,
            )
        )
    return checks


def _bk_tinh(case: Case, rules: Rules) -> list[tuple[str, list[dict]]]:
    """Bằng khen của Chủ tịch UBND tỉnh: Luật Điều 74 (routes i–v)."""
    routes = rules.routes(case.subject)
    base = [_exemplary(case, rules)]
    if case.subject == COLLECTIVE:
        base.append(_confirmation(case, rules, "solidarity"))

    def qualitative(route: str, key: str, code: str) -> dict:
        return _confirmation(
            case,
            rules,
            key,
            code=code,
            citation=routes[route]["citation"],
            subject_text=f"{_who(case)} {routes[route]['label']} năm {case.year}",
        )

    result = [
        ("i", base + [qualitative("i", "outstanding", "outstanding")]),
        ("ii", base + [qualitative("ii", "exceptional_achievement", "exceptional_achievement")]),
        ("iii", base + [qualitative("iii", "exceptional_achievement", "contribution")]),
    ]
    if case.subject == INDIVIDUAL:
        result.append(("iv", base + [_bk_tinh_two_years_individual(case, rules)]))
        result.append(("v", base + [qualitative("v", "exceptional_achievement", "local_achievement")]))
    else:
        result.append(
            (
                "iv",
                base
                + [
                    _bk_tinh_two_years_collective(case, rules),
                    _confirmation(
                        case,
                        rules,
                        "movement_effective",
                        subject_text=f"Tập thể thực hiện tốt dân chủ cơ sở, phong trào thi đua, "
                        f"chăm lo đời sống, thực hành tiết kiệm, phòng chống tham "
                        f"nhũng năm {case.year}",
                    ),
                ],
            )
        )
    return result


def _excellent_run(case: Case, years: int, predicate) -> list[int]:
    window = _window(case, years)
    return window if all(case.countable(y) and predicate(y) for y in window) else []


def _bk_tinh_two_years_individual(case: Case, rules: Rules) -> dict:
    streak_need = rules.param("cstdcs_streak_years")
    years_need = rules.param("excellent_years")
    works_need = rules.param("min_initiatives")
    extra = rules.param_note("cstdcs_streak_years", "excellent_years", "min_initiatives")
    strict, _, _ = _streak(case, "CSTDCS")
    citation = rules.cite("two_year_record")
    if len(strict) >= streak_need:
        text = (
            f"Đạt danh hiệu Chiến sĩ thi đua cơ sở {len(strict)} năm liên tục ({_years(strict)}), "
            f"đủ {_n2(streak_need)} lần liên tục"
        )
        return _check("two_year_record", True, _with_note(text, extra), citation, **extra)
    window = _window(case, years_need)
    excellent = _excellent_run(case, years_need, lambda y: case.rating(y) == "EXCELLENT")
    initiatives, used_i = _works_in(case, rules, window, "initiatives", "BASE", "BK_TINH")
    projects, used_p = _works_in(case, rules, window, "projects", "BASE", "BK_TINH")
    if excellent and (len(initiatives) >= works_need or len(projects) >= works_need):
        what = (
            f"{len(initiatives)} sáng kiến được công nhận"
            if len(initiatives) >= works_need
            else f"{len(projects)} đề tài khoa học đã nghiệm thu"
        )
        text = (
            f"Hoàn thành xuất sắc nhiệm vụ {_n2(years_need)} năm liên tục ({_years(window)}) "
            f"và có {what} trong thời gian đó"
        )
        return _check("two_year_record", True, _with_note(text, extra), citation, **extra)
    excellent_text = "đạt" if excellent else "không đạt"
    streak_text = (
        f"chỉ có {len(strict)} năm liên tục đạt Chiến sĩ thi đua cơ sở tính đến năm {case.year}"
        if strict
        else f"năm {case.year} không đạt Chiến sĩ thi đua cơ sở"
    )
    text = (
        f"{streak_text[0].upper()}{streak_text[1:]} (cần {_n2(streak_need)} lần liên tục); "
        f"{excellent_text} {_n2(years_need)} năm liên tục hoàn thành xuất sắc nhiệm vụ ({_years(window)}), có "
        f"{len(initiatives)} sáng kiến và {len(projects)} đề tài (cần {_n2(works_need)})"
        f"{_describe_used(used_i + used_p)}"
    )
    return _check("two_year_record", False, _with_note(text, extra), citation, **extra)


def _bk_tinh_two_years_collective(case: Case, rules: Rules) -> dict:
    years_need = rules.param("excellent_years")
    extra = rules.param_note("excellent_years")
    window = _window(case, years_need)
    problems = []
    for year in window:
        if not case.countable(year):
            problems.append(f"năm {year} trong thời hạn kỷ luật")
        elif not (case.rating(year) == "EXCELLENT" or case.has_title(year, "TTLDXS")):
            problems.append(f"năm {year} không hoàn thành xuất sắc nhiệm vụ, không đạt Tập thể lao động xuất sắc")
    head = (
        f"{_n2(years_need)} năm liên tục ({_years(window)}) hoàn thành xuất sắc nhiệm vụ hoặc đạt danh hiệu Tập thể "
        "lao động xuất sắc"
    )
    if problems:
        return _check(
            "two_year_excellent",
            False,
            _with_note(f"Chưa đủ {head}: " + "; ".join(problems), extra),
            rules.cite("two_year_excellent"),
            **extra,
        )
    return _check(
        "two_year_excellent", True, _with_note(f"Đạt {head}", extra), rules.cite("two_year_excellent"), **extra
    )


def _bk_ttg(case: Case, rules: Rules) -> list[tuple[str, list[dict]]]:
    """Bằng khen của Thủ tướng: Luật Điều 73 khoản 1 điểm a, b, c; khoản 2 for collectives (UNCONFIRMED)."""
    routes = rules.routes(case.subject)
    if case.subject == INDIVIDUAL:
        base = [_exemplary(case, rules)]
        window = _window(case, rules.param("window_years"))
        route_b = base + [
            _prior_form_check(
                case,
                rules,
                "bk_tinh_before",
                "BK_TINH",
                window,
                rules.param("window_after_bk_tinh"),
                rules.param_note("window_after_bk_tinh"),
            ),
            _rating_window_check(case, rules, "rating_good_window", window, "GOOD", rules.param_note("window_years")),
            _count_in_window_check(
                case,
                rules,
                "cstdcs_in_window",
                window,
                rules.param("min_cstdcs_in_window"),
                "đạt danh hiệu Chiến sĩ thi đua cơ sở",
                lambda y: case.has_title(y, "CSTDCS"),
                rules.param_note("min_cstdcs_in_window"),
            ),
        ]
        return [
            (
                "73.1.a",
                base
                + [
                    _confirmation(
                        case,
                        rules,
                        "outstanding",
                        citation=routes["73.1.a"]["citation"],
                        subject_text=f"Cá nhân {routes['73.1.a']['label']} năm {case.year}",
                    )
                ],
            ),
            ("73.1.b", route_b),
            (
                "73.1.c",
                base
                + [
                    _confirmation(
                        case,
                        rules,
                        "exceptional_achievement",
                        citation=routes["73.1.c"]["citation"],
                        subject_text=f"Cá nhân {routes['73.1.c']['label']} năm {case.year}",
                    )
                ],
            ),
        ]
    base = [_exemplary(case, rules), _confirmation(case, rules, "solidarity")]
    window = _window(case, rules.param("collective_window_years"))
    after = rules.param_note("window_after_bk_tinh", "collective_window_years")
    route_b = base + [
        _prior_form_check(case, rules, "bk_tinh_before", "BK_TINH", window, rules.param("window_after_bk_tinh"), after),
        _rating_window_check(
            case, rules, "rating_excellent_window", window, "EXCELLENT", rules.param_note("collective_window_years")
        ),
        _count_in_window_check(
            case,
            rules,
            "co_tinh_in_window",
            window,
            rules.param("collective_min_co_tinh"),
            "được tặng Cờ thi đua của Ủy ban nhân dân tỉnh",
            lambda y: case.has_title(y, "CO_TINH"),
            rules.param_note("collective_min_co_tinh"),
        ),
    ]
    return _mark_routes(
        rules,
        case.subject,
        [
            (
                "73.2.a",
                base
                + [
                    _confirmation(
                        case,
                        rules,
                        "outstanding",
                        citation=routes["73.2.a"]["citation"],
                        subject_text=f"{routes['73.2.a']['label'][:1].upper()}{routes['73.2.a']['label'][1:]} năm {case.year}",
                    )
                ],
            ),
            ("73.2.b", route_b),
            (
                "73.2.c",
                base
                + [
                    _confirmation(
                        case,
                        rules,
                        "exceptional_achievement",
                        citation=routes["73.2.c"]["citation"],
                        subject_text=f"Tập thể {routes['73.2.c']['label']} năm {case.year}",
                    )
                ],
            ),
        ],
    )


def _mark_routes(rules: Rules, subject: str, routes: list[tuple[str, list[dict]]]) -> list[tuple[str, list[dict]]]:
    """Flag every check of routes whose criteria are UNCONFIRMED (collective BK_TTG and HCLD_3).

    Their citation becomes the route's own (the collective clause, marked as not verified).
    """
    cites = rules.routes(subject)
    return [
        (route, [{**check, "unconfirmed": True, "citation": cites[route]["citation"]} for check in checks])
        for route, checks in routes
    ]


def _hcld_3(case: Case, rules: Rules) -> list[tuple[str, list[dict]]]:
    """Huân chương Lao động hạng Ba: Luật Điều 44 khoản 1 điểm e; collectives (khoản 2) UNCONFIRMED."""
    routes = rules.routes(case.subject)
    if case.subject == INDIVIDUAL:
        window = _window(case, rules.param("window_years"))
        checks = [
            _exemplary(case, rules),
            _prior_form_check(
                case,
                rules,
                "bk_ttg_before",
                "BK_TTG",
                window,
                rules.param("window_after_bk_ttg"),
                rules.param_note("window_after_bk_ttg"),
            ),
            _rating_window_check(case, rules, "rating_good_window", window, "GOOD", rules.param_note("window_years")),
            _count_in_window_check(
                case,
                rules,
                "excellent_in_window",
                window,
                rules.param("min_excellent_in_window"),
                "hoàn thành xuất sắc nhiệm vụ",
                lambda y: case.rating(y) == "EXCELLENT",
                rules.param_note("min_excellent_in_window"),
            ),
            _count_in_window_check(
                case,
                rules,
                "cstdcs_in_window",
                window,
                rules.param("min_cstdcs_in_window"),
                "đạt danh hiệu Chiến sĩ thi đua cơ sở",
                lambda y: case.has_title(y, "CSTDCS"),
                rules.param_note("min_cstdcs_in_window"),
            ),
        ]
        return [("44.1.e", checks)]
    base = [_exemplary(case, rules), _confirmation(case, rules, "solidarity")]
    window = _window(case, rules.param("collective_window_years"))
    after = rules.param_note("window_after_bk_ttg", "collective_window_years")
    route_b = base + [
        _prior_form_check(case, rules, "bk_ttg_before", "BK_TTG", window, rules.param("window_after_bk_ttg"), after),
        _rating_window_check(
            case, rules, "rating_excellent_window", window, "EXCELLENT", rules.param_note("collective_window_years")
        ),
        _count_in_window_check(
            case,
            rules,
            "flag_in_window",
            window,
            rules.param("collective_min_flags"),
            "được tặng Cờ thi đua (cấp tỉnh hoặc của Chính phủ)",
            lambda y: case.has_title(y, "CO_TINH") or case.has_title(y, "CO_CP"),
            rules.param_note("collective_min_flags"),
        ),
    ]
    return _mark_routes(
        rules,
        case.subject,
        [
            (
                "44.2.a",
                base
                + [
                    _confirmation(
                        case,
                        rules,
                        "exceptional_achievement",
                        citation=routes["44.2.a"]["citation"],
                        subject_text=f"Tập thể {routes['44.2.a']['label']} năm {case.year}",
                    )
                ],
            ),
            ("44.2.b", route_b),
        ],
    )


EVALUATORS = {
    "LDTT": _ldtt,
    "CSTDCS": _cstdcs,
    "CSTD_TINH": _cstd_tinh,
    "CSTD_TQ": _cstd_tq,
    "TTLDTT": _ttldtt,
    "TTLDXS": _ttldxs,
    "CO_TINH": _co_tinh,
    "CO_CP": _co_cp,
    "GIAY_KHEN": _giay_khen,
    "BK_TINH": _bk_tinh,
    "BK_TTG": _bk_ttg,
    "HCLD_3": _hcld_3,
}


# --------------------------------------------------------------------------- outcome


def _outcome(checks: list[dict], routed: bool) -> str:
    groups: dict = {}
    for check in checks:
        groups.setdefault(check.get("route") if routed else None, []).append(check)
    open_routes = [group for group in groups.values() if not any(c["passed"] is False for c in group)]
    if not open_routes:
        return NOT_ELIGIBLE
    if all(any(c.get("hold") for c in group) for group in open_routes):
        return HOLD
    return ELIGIBLE


def _needs_confirmation(checks: list[dict]) -> list[str]:
    keys: list[str] = []
    for check in checks:
        if check["passed"] is None and not check.get("hold"):
            for key in check.get("confirmations") or [check.get("confirmation")]:
                if key and key not in keys:
                    keys.append(key)
    return keys


def _rule_object(version: dict, rules: Rules, applied: list[dict]) -> dict:
    rule = {
        "id": rules.code,
        "version": version["version"],
        "effective_from": version["effective_from"],
        "effective_to": version["effective_to"],
        "citations": list(rules.data["citations"]),
        "evidence": rules.data["evidence"],
    }
    mine = [row for row in applied if row["rule"] in (rules.code, "*")]
    if mine:
        rule["overrides"] = mine
    return rule


def _not_for_subject(case: Case, rules: Rules, code: str) -> list[dict]:
    kinds = AWARD_SUBJECTS[code]
    only = "cá nhân" if kinds == (INDIVIDUAL,) else "tập thể"
    principle = "subject_individual" if kinds == (INDIVIDUAL,) else "subject_collective"
    mine = "cá nhân" if case.subject == INDIVIDUAL else "tập thể"
    return [
        _check(
            "subject_kind",
            False,
            f"{AWARD_NAMES[code]} chỉ xét tặng cho {only}, không xét tặng cho {mine}.",
            rules.principle(principle),
        )
    ]


def _evaluate_award(case: Case, version: dict, applied: list[dict], code: str) -> dict:
    rules = Rules(version, code)
    routed = code in ROUTED
    applies = case.subject in AWARD_SUBJECTS[code]
    if not applies:
        checks = _not_for_subject(case, rules, code)
        routed = False
    elif routed:
        checks = []
        for route, route_checks in EVALUATORS[code](case, rules):
            for check in route_checks + _common(case, rules):
                checks.append({**check, "route": route})
    else:
        checks = EVALUATORS[code](case, rules) + _common(case, rules)
    outcome = _outcome(checks, routed)
    # No money for an award that is refused (whatif-api.md), nor for one the subject cannot receive.
    paid = applies and outcome != NOT_ELIGIBLE
    money = money_detail(code, case.subject, case.decided_on, case.year) if paid else None
    result = {
        "award": code,
        "name": AWARD_NAMES[code],
        "outcome": outcome,
        "rule": _rule_object(version, rules, applied),
        "checks": checks,
        "needs_confirmation": _needs_confirmation(checks),
        "money_vnd": money["vnd"] if money else None,
    }
    if money:
        result["money"] = {k: v for k, v in money.items() if k != "vnd"}
    elif paid:
        result["money"] = {"unknown": True, "text": UNKNOWN_NOTE}
    return result


def evaluate_eligibility(request: dict, *, overrides: list[dict] | None = None, packs: list[dict] | None = None) -> dict:
    """Evaluate the eligibility request of whatif-api.md; returns ``{"results": [...]}``.

    ``packs`` are the regulation packs of ``request["province"]`` (thidua/rules/packs.py): their
    entries in force on the decision date change parameters, and a pack in force is cited beside
    the Law. ``overrides`` are bare override rows (see the module docstring for their parameters).
    Raises WhatIfError for a malformed request (invalid_field, unknown_award) or a decision date
    with no rule version in force (no_rule_version).
    """
    case = parse_request(request)
    rows = list(overrides or []) + provincial_packs.entry_rows(packs, "eligibility")
    version, applied = apply_overrides(eligibility_version(case.decided_on), rows, case.decided_on)
    results = [
        provincial_packs.cite(_evaluate_award(case, version, applied, code), packs, case.decided_on)
        for code in case.awards
    ]
    return {"results": results, "money_total": money_if_awarded_together(case, results)}


def money_if_awarded_together(case: Case, results: list[dict]) -> dict:
    """The money if every award not refused here were given together on ``decided_on``.

    Each result's ``money_vnd`` is that award's own amount; this adds the rule for several titles
    at once (NĐ 152/2025 Điều 49: one payment per achievement period, the highest title), counting
    the higher titles the history already lists for year Y as paid. Extra field of the contract.
    """
    lines = [
        MoneyLine("subject", case.subject, r["award"], case.year)
        for r in results
        if r["outcome"] != NOT_ELIGIBLE and case.subject in AWARD_SUBJECTS[r["award"]]
    ]
    record = case.entry(case.year)
    earlier = set(record.titles) - {line.award for line in lines} if record else set()
    combined = combine_money(lines, case.decided_on, paid_titles={("subject", case.year): earlier})
    by_award = {r["award"]: r for r in results}
    for line in combined.lines:
        money = by_award[line.award].get("money")
        if money is not None and line.amount_vnd is not None:
            money["paid_vnd"] = line.amount_vnd
            money["paid_note"] = line.note
    return {
        "vnd": combined.total_vnd,
        "complete": combined.complete,
        "unknown": [line.award for line in combined.lines if line.amount_vnd is None],
        "lines": [{"award": line.award, "amount_vnd": line.amount_vnd, "note": line.note, "citation": line.citation} for line in combined.lines],
    }
