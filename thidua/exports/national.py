"""The national export (issue #15 point 3): a province's decisions and awards of a period, in the
versioned shape of schemas/national-export-v1.schema.json (JSON) and the same rows in Excel.

`build(province, date_from, date_to, generated_by=...)` reads the data once and returns the
document and a label for every record (for the refusal messages); `problems(document, labels)`
validates it against the shipped JSON Schema and words each violation in Vietnamese;
`to_json` and `to_xlsx` turn a valid document into bytes. The actions layer
(thidua/exports/actions.py) refuses to produce a file while `problems` is not empty.

Sources: the decisions recorded here (proposals.Decision, issued or recorded from a higher
authority) with their recipients, and the history's awards that came from outside the system
(imported, entered by hand: history.AwardRecord without a decision of this system) whose decision
date falls in the period. Danh hiệu thi đua and hình thức khen thưởng go to separate lists.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from django.utils import timezone
from openpyxl import Workbook

from thidua.core.spreadsheets import write_only_cell
from thidua.rules.catalogue import CATALOGUE_BY_CODE, FORM, KIND_NAMES, TITLE
from thidua.rules.text import sort_key

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).with_name("schemas") / "national-export-v1.schema.json"
MAX_PROBLEMS_SHOWN = 20

SECTION_LABELS = {"decisions": "Quyết định", "titles": "Danh hiệu thi đua", "forms": "Hình thức khen thưởng"}
FIELD_LABELS = {
    "number": "số, ký hiệu quyết định",
    "issued_on": "ngày quyết định",
    "issuer": "cơ quan ban hành",
    "level": "cấp quyết định",
    "full_name": "họ và tên",
    "birth_date": "ngày sinh",
    "gender": "giới tính",
    "position": "chức vụ",
    "unit": "đơn vị",
    "province": "tỉnh",
    "name": "tên",
    "code": "mã",
    "category": "loại (danh hiệu hay hình thức)",
    "year": "năm thành tích",
    "amount_vnd": "tiền thưởng",
    "award_type": "loại hình khen thưởng",
    "subject": "đối tượng được khen",
    "award": "danh hiệu, hình thức",
    "decision": "quyết định",
    "source": "nguồn",
    "person": "cá nhân",
}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    return jsonschema_rs.validator_for(schema(), validate_formats=True)


@dataclass
class Built:
    document: dict[str, Any]
    # "titles/3" → "Nguyễn Văn An — Chiến sĩ thi đua cơ sở năm 2024"
    labels: dict[str, str]


# ----------------------------------------------------------------------------- shape


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _province(province) -> dict:
    return {"code": province.code, "name": province.name}


def _unit(unit) -> dict:
    return {"code": str(unit.uid), "name": unit.name, "province": _province(unit.province)}


def _person(person, unit, position: str) -> dict:
    return {
        "code": str(person.uid),
        "full_name": person.full_name,
        "birth_date": _iso(person.birth_date),
        "gender": person.gender,
        "unit": _unit(unit or person.unit),
        "position": position or person.position_title or "",
    }


def _subject(person, unit, owner_unit, position: str) -> dict:
    if person is not None:
        return {"kind": "individual", "person": _person(person, owner_unit, position)}
    return {"kind": "collective", "unit": _unit(unit)}


def award_info(code: str, province) -> dict:
    """Code, name, category (DANH_HIEU / HINH_THUC) and level of an award: the law's catalogue,
    else the province's own catalogue entry. An unknown code keeps a null category (refused)."""
    from thidua.awards.selectors import award_label, canonical_code, catalogue_entry_for

    code = canonical_code(code or "")
    entry = CATALOGUE_BY_CODE.get(code)
    if entry is not None:
        return {"code": code, "name": entry["name"], "category": entry["kind"], "level": entry["level"]}
    row = catalogue_entry_for(code, province)
    if row is not None:
        return {"code": code, "name": row.name, "category": row.kind, "level": row.level or None}
    return {"code": code, "name": award_label(code, province), "category": None, "level": None}


def _decision_number(decision) -> str:
    sep = "-" if decision.symbol.startswith("QĐ/") else "/"
    return f"{decision.number}{sep}{decision.symbol}"


def build(province, date_from: dt.date, date_to: dt.date, *, generated_by: str) -> Built:
    """The export document of `province` (with the provinces merged into it) for the period."""
    from thidua.history.models import AwardRecord
    from thidua.proposals.models import Decision, DecisionRecipient

    lineage = province.lineage_ids()
    decisions = list(
        Decision.objects.filter(province_id__in=lineage, issued_on__gte=date_from, issued_on__lte=date_to)
        .select_related("issuer_unit__province")
        .order_by("issued_on", "number", "pk")
    )
    recipients = (
        DecisionRecipient.objects.filter(decision__in=decisions)
        .select_related("decision", "person__unit__province", "unit__province", "owner_unit__province")
        .order_by("decision__issued_on", "decision__number", "pk")
    )
    records = (
        AwardRecord.objects.filter(
            province_id__in=lineage, decision_uid__isnull=True, decision_date__gte=date_from, decision_date__lte=date_to
        )
        .select_related("person__unit__province", "unit__province", "rated_in_unit__province")
        .order_by("decision_date", "pk")
    )
    awards: dict[str, dict] = {}

    def info(code: str) -> dict:
        if code not in awards:
            awards[code] = award_info(code, province)
        return awards[code]

    out_decisions = []
    labels: dict[str, str] = {}
    for index, decision in enumerate(decisions):
        labels[f"decisions/{index}"] = f"Quyết định số {decision.reference}"
        out_decisions.append({
            "id": str(decision.uid),
            "number": _decision_number(decision),
            "issued_on": _iso(decision.issued_on),
            "level": decision.level,
            "issuer": {"name": decision.issuer_name, "unit": _unit(decision.issuer_unit) if decision.issuer_unit_id else None},
            "signer": {"name": decision.signer_name, "title": decision.signer_title},
            "subject": decision.subject,
            "kind": decision.kind,
            "revoked_on": _iso(decision.revoked_on),
            "money_vnd": decision.money_total,
            "money_unknown": decision.money_unknown_count,
        })

    lines: list[tuple[tuple, dict, str]] = []
    for r in recipients:
        decision = r.decision
        award = info(r.award)
        name = r.person.full_name if r.person_id else r.unit.name
        line = {
            "id": str(r.uid),
            "source": "EXTERNAL" if decision.kind == "EXTERNAL" else "DECISION",
            "decision": {"id": str(decision.uid), "number": _decision_number(decision), "issued_on": _iso(decision.issued_on),
                         "issuer": decision.issuer_name},
            "subject": _subject(r.person, r.unit, r.owner_unit, r.position_title),
            "award": award,
            "year": r.year,
            "award_type": "MERIT",
            "amount_vnd": r.amount_vnd,
            "revoked": r.revoked_on is not None or decision.revoked_on is not None,
        }
        key = (decision.issued_on, 0 if r.person_id else 1, sort_key(name))
        lines.append((key, line, f"{name} — {award['name']} năm {r.year} (Quyết định số {decision.reference})"))
    for a in records:
        award = info(a.award_code)
        name = a.person.full_name if a.person_id else a.unit.name
        line = {
            "id": str(a.uid),
            "source": a.source,
            "decision": {"id": None, "number": a.decision_number, "issued_on": _iso(a.decision_date), "issuer": a.decision_issuer},
            "subject": _subject(a.person, a.unit, a.rated_in_unit, ""),
            "award": award,
            "year": a.year,
            "award_type": a.award_kind,
            "amount_vnd": None,
            "revoked": a.revoked,
        }
        key = (a.decision_date, 0 if a.person_id else 1, sort_key(name))
        lines.append((key, line, f"{name} — {award['name']} năm {a.year} (hồ sơ thành tích)"))
    lines.sort(key=lambda item: item[0])

    titles, forms = [], []
    for _, line, label in lines:
        # A code of neither kind goes with the forms, where the schema refuses it by name.
        target, section = (titles, "titles") if line["award"]["category"] == TITLE else (forms, "forms")
        labels[f"{section}/{len(target)}"] = label
        target.append(line)

    known = [line["amount_vnd"] for line in titles + forms if line["amount_vnd"] is not None and not line["revoked"]]
    unknown = sum(1 for line in titles + forms if line["amount_vnd"] is None and not line["revoked"] and line["source"] != "MANUAL")
    document = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "generated_by": generated_by,
        "province": _province(province),
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "decisions": out_decisions,
        "titles": titles,
        "forms": forms,
        "totals": {"decisions": len(out_decisions), "titles": len(titles), "forms": len(forms), "money_vnd": sum(known),
                   "money_unknown": unknown},
    }
    return Built(document=document, labels=labels)


# ----------------------------------------------------------------------------- validation


def _reason(error) -> str:
    kind = type(error.kind).__name__
    if kind == "Required":
        missing = getattr(error.kind, "property", None)
        label = FIELD_LABELS.get(str(missing).strip('"'), f"trường “{missing}”")
        return f"thiếu {label}"
    if kind == "MinLength":
        return "để trống"
    if kind == "Format":
        return "sai định dạng"
    if kind in ("Enum", "Constant"):
        return "có giá trị không thuộc danh mục"
    if kind == "Type":
        return "sai kiểu dữ liệu"
    if kind in ("Minimum", "Maximum"):
        return "nằm ngoài khoảng cho phép"
    return "không đúng mẫu dữ liệu"


def _field_label(path: list) -> str:
    for part in reversed(path):
        if isinstance(part, str) and part in FIELD_LABELS:
            return FIELD_LABELS[part]
    return ""


def problems(built: Built) -> list[str]:
    """Every violation of the shipped schema, in Vietnamese, naming the record and the field."""
    found: list[str] = []
    seen: set[str] = set()
    for error in _validator().iter_errors(built.document):
        path = list(error.instance_path)
        where = "Phần đầu tệp"
        rest = path
        if len(path) >= 2 and path[0] in SECTION_LABELS and isinstance(path[1], int):
            where = f"{SECTION_LABELS[path[0]]} — {built.labels.get(f'{path[0]}/{path[1]}', f'dòng {path[1] + 1}')}"
            rest = path[2:]
        field = _field_label(rest)
        text = f"{where}: {field + ' ' if field else ''}{_reason(error)}"
        if text not in seen:
            seen.add(text)
            found.append(text)
    return found


def refusal_message(found: list[str]) -> str:
    shown = found[:MAX_PROBLEMS_SHOWN]
    more = f" Và {len(found) - len(shown)} lỗi khác." if len(found) > len(shown) else ""
    return (
        f"Chưa xuất được: dữ liệu không đúng mẫu dữ liệu quốc gia (phiên bản {SCHEMA_VERSION}). "
        + " ".join(f"({n}) {t}." for n, t in enumerate(shown, start=1))
        + more
        + " Hãy sửa các bản ghi này rồi xuất lại."
    )


# ----------------------------------------------------------------------------- files


def to_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _date_text(value: str | None) -> str:
    return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _money(value: int | None) -> Any:
    return "Chưa xác định" if value is None else value


GENDER = {"NAM": "Nam", "NU": "Nữ"}
LINE_HEADERS = [
    "STT", "Đối tượng", "Họ và tên / Tên tập thể", "Ngày sinh", "Giới tính", "Chức vụ", "Đơn vị", "Tỉnh của đơn vị",
    "Mã đối tượng", "Mã khen thưởng", "Tên danh hiệu, hình thức", "Cấp khen thưởng", "Năm thành tích", "Loại hình",
    "Số quyết định", "Ngày quyết định", "Cơ quan ban hành", "Tiền thưởng (đồng)", "Đã hủy bỏ", "Nguồn",
]
SOURCE_NAMES = {"DECISION": "Quyết định ban hành trong hệ thống", "EXTERNAL": "Quyết định của cấp trên",
                "IMPORTED": "Nhập từ tệp Excel", "MANUAL": "Cập nhật trực tiếp"}


def _line_row(n: int, line: dict) -> list:
    from thidua.rules.catalogue import AWARD_TYPE_NAMES, LEVEL_NAMES

    subject = line["subject"]
    if subject["kind"] == "individual":
        p = subject["person"]
        who = ["Cá nhân", p["full_name"], _date_text(p["birth_date"]), GENDER.get(p["gender"], ""), p["position"], p["unit"]["name"],
               p["unit"]["province"]["name"], p["code"]]
    else:
        u = subject["unit"]
        who = ["Tập thể", u["name"], "", "", "", u["name"], u["province"]["name"], u["code"]]
    award, decision = line["award"], line["decision"]
    return [n, *who, award["code"], award["name"], LEVEL_NAMES.get(award["level"] or "", ""), line["year"],
            AWARD_TYPE_NAMES.get(line["award_type"], ""), decision["number"], _date_text(decision["issued_on"]), decision["issuer"],
            _money(line["amount_vnd"]), "Có" if line["revoked"] else "Không", SOURCE_NAMES.get(line["source"], "")]


def to_xlsx(document: dict) -> bytes:
    """The same document as a workbook: Thông tin, Quyết định, Danh hiệu thi đua, Hình thức khen thưởng."""
    from thidua.rules.proposals import LEVELS

    workbook = Workbook(write_only=True)
    info = workbook.create_sheet("Thông tin")
    period = document["period"]
    for label, value in (
        ("Mẫu dữ liệu", f"Dữ liệu khen thưởng quốc gia, phiên bản {document['schema_version']}"),
        ("Tỉnh/thành phố", f"{document['province']['name']} (mã {document['province']['code']})"),
        ("Kỳ", f"Từ {_date_text(period['from'])} đến {_date_text(period['to'])}"),
        ("Người xuất", document["generated_by"]),
        ("Số quyết định", document["totals"]["decisions"]),
        ("Số lượt danh hiệu thi đua", document["totals"]["titles"]),
        ("Số lượt hình thức khen thưởng", document["totals"]["forms"]),
        ("Tổng tiền thưởng đã xác định (đồng)", document["totals"]["money_vnd"]),
        ("Số trường hợp chưa xác định tiền thưởng", document["totals"]["money_unknown"]),
    ):
        info.append([write_only_cell(info, label), write_only_cell(info, value)])
    sheet = workbook.create_sheet("Quyết định")
    sheet.append([write_only_cell(sheet, h) for h in (
        "STT", "Số quyết định", "Ngày quyết định", "Cấp quyết định", "Cơ quan ban hành", "Người ký", "Chức vụ người ký",
        "Trích yếu", "Loại", "Tổng tiền thưởng (đồng)", "Số trường hợp chưa xác định tiền", "Ngày hủy", "Mã quyết định")])
    for n, d in enumerate(document["decisions"], start=1):
        row = [n, d["number"], _date_text(d["issued_on"]), LEVELS.get(d["level"], ""), d["issuer"]["name"], d["signer"]["name"],
               d["signer"]["title"], d["subject"], "Của cấp trên (ghi nhận)" if d["kind"] == "EXTERNAL" else "Ban hành trong hệ thống",
               d["money_vnd"], d["money_unknown"], _date_text(d["revoked_on"]), d["id"]]
        sheet.append([write_only_cell(sheet, v) for v in row])
    for key, title in (("titles", KIND_NAMES[TITLE]), ("forms", KIND_NAMES[FORM])):
        sheet = workbook.create_sheet(title)
        sheet.append([write_only_cell(sheet, h) for h in LINE_HEADERS])
        for n, line in enumerate(document[key], start=1):
            sheet.append([write_only_cell(sheet, v) for v in _line_row(n, line)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
