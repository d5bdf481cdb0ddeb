"""Demo data: the provinces, blocks, units and people of the seed articles. Idempotent.

The facts (units, their provinces as they were at the article's date, block roles, named
officials, the 2025 reorganisation and the award of the seed articles) live in
data/demo_seeds.json with their sources and notes. Departments and the unnamed people are
generated deterministically (a seeded random.Random per unit), so every run produces the same
registry and a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from thidua.accounts.models import Grant, ScopeKind
from thidua.audit.log import record
from thidua.org import actions
from thidua.org.models import (
    Department,
    LineageEvent,
    LineageLink,
    LineageRole,
    Person,
    Province,
    Unit,
)
from thidua.org.provinces import load_provinces

DATA_FILE = Path(__file__).parent / "data" / "demo_seeds.json"
DEFAULT_PASSWORD = "thidua-demo-2026"

# ---------------------------------------------------------------------------------- names

FAMILY_KINH = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 3), ("Phan", 4), ("Vũ", 4),
    ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1),
    ("Trịnh", 1), ("Đào", 1), ("Mai", 1), ("Cao", 1), ("Lương", 1), ("Tạ", 1), ("Lưu", 1),
]
FAMILY_BY_ETHNICITY = {
    "Tày": ["Hoàng", "Nông", "Ma", "Lục", "Hà", "Triệu", "Lương"],
    "Nùng": ["Hoàng", "Nông", "Lương", "Vi", "Lý", "Chu"],
    "Thái": ["Lò", "Lường", "Tòng", "Điêu", "Cầm", "Vì"],
    "Mông": ["Giàng", "Sùng", "Vàng", "Thào", "Lý"],
    "Dao": ["Triệu", "Bàn", "Đặng", "Lý", "Chảo"],
    "Giáy": ["Hoàng", "Lù", "Vương", "Lồ"],
    "Sán Dìu": ["Trương", "Lỷ", "Diệp", "Dương"],
    "Hoa": ["Quách", "Lâm", "Trương", "Mã", "Tăng", "Lư"],
}
MIDDLE = {
    "NAM": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Xuân", "Đình", "Quang", "Mạnh", "Trọng", "Tiến", "Hoàng", "Ngọc"],
    "NU": ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Kim", "Phương", "Thùy", "Diệu", "Bích", "Mỹ"],
}
GIVEN = {
    "NAM": ["Anh", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam", "Phong", "Quân",
            "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Hiếu", "Hoàng", "Kiên", "Lâm", "Tài", "Toàn", "Vinh", "Hưng",
            "Phúc", "Thịnh", "Đạt", "Tùng"],
    "NU": ["Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan",
           "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Thư", "Liên"],
}
# Khmer names in An Giang follow their own pattern (Chau for men, Néang for women).
KHMER = {
    "NAM": ["Chau Sóc Khăng", "Chau Thanh Hải", "Chau Phi", "Chau Sóc Ty", "Chau Kim Sết", "Chau Sa Rây", "Chau Ngọc Thành"],
    "NU": ["Néang Sa Vy", "Néang Sóc Thi", "Néang Kim Thoa", "Néang Sa Rết", "Néang Chanh Đa", "Néang Sóc Phol"],
}

# Titles by kind of unit: (head, deputy, staff titles).
TITLES = {
    "ban": ("Trưởng ban", "Phó Trưởng ban", ["Chuyên viên", "Chuyên viên", "Chuyên viên chính"]),
    "bvcssk": ("Trưởng ban", "Phó Trưởng ban", ["Chuyên viên", "Bác sĩ", "Chuyên viên chính"]),
    "van_phong_tu": ("Chánh Văn phòng", "Phó Chánh Văn phòng", ["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Nhân viên"]),
    "van_phong": ("Chánh Văn phòng", "Phó Chánh Văn phòng", ["Chuyên viên", "Chuyên viên", "Chuyên viên chính", "Nhân viên"]),
    "ubkt": ("Chủ nhiệm", "Phó Chủ nhiệm", ["Kiểm tra viên", "Kiểm tra viên", "Kiểm tra viên chính", "Chuyên viên"]),
    "dang_uy_khoi": ("Bí thư Đảng ủy Khối", "Phó Bí thư Đảng ủy Khối", ["Chuyên viên", "Chuyên viên", "Chuyên viên chính"]),
    "bao": ("Tổng Biên tập", "Phó Tổng Biên tập", ["Phóng viên", "Phóng viên", "Biên tập viên", "Kỹ thuật viên"]),
    "truong": ("Hiệu trưởng", "Phó Hiệu trưởng", ["Giảng viên", "Giảng viên", "Giảng viên chính", "Chuyên viên"]),
    "so": ("Giám đốc Sở", "Phó Giám đốc Sở", ["Chuyên viên", "Chuyên viên", "Chuyên viên chính"]),
    "thanh_tra": ("Chánh Thanh tra tỉnh", "Phó Chánh Thanh tra tỉnh", ["Thanh tra viên", "Thanh tra viên", "Thanh tra viên chính"]),
}
# Share of Party members by kind of unit (percent).
PARTY_SHARE = {"PARTY": 97, "PUBLIC_SERVICE": 85, "STATE": 78}


DEPARTMENT_TITLES = [
    ("Văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("Khoa", "Trưởng khoa", "Phó Trưởng khoa"),
    ("Ban", "Trưởng ban", "Phó Trưởng ban"),
    ("Ủy ban Kiểm tra", "Chủ nhiệm Ủy ban Kiểm tra", "Phó Chủ nhiệm Ủy ban Kiểm tra"),
    ("Thanh tra", "Chánh Thanh tra", "Phó Chánh Thanh tra"),
]


def _department_titles(name: str) -> tuple[str, str]:
    for prefix, head, deputy in DEPARTMENT_TITLES:
        if name.startswith(prefix):
            return head, deputy
    return "Trưởng phòng", "Phó Trưởng phòng"


def _staff_titles(unit_type: str, department_name: str, default: list[str]) -> list[str]:
    """Lecturers teach in faculties, reporters write in newsrooms; offices have clerical staff."""
    if unit_type == "truong" and not department_name.startswith("Khoa"):
        return ["Chuyên viên", "Chuyên viên", "Nhân viên"]
    if unit_type == "bao" and "Hành chính" in department_name:
        return ["Chuyên viên", "Kế toán viên", "Nhân viên"]
    return default


def _weighted(rng: random.Random, table: dict[str, int] | list[tuple[str, int]]) -> str:
    items = list(table.items()) if isinstance(table, dict) else table
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def _name(rng: random.Random, gender: str, ethnicity: str) -> str:
    if ethnicity == "Khmer":
        return rng.choice(KHMER[gender])
    if ethnicity in FAMILY_BY_ETHNICITY:
        family = rng.choice(FAMILY_BY_ETHNICITY[ethnicity])
    else:
        family = _weighted(rng, FAMILY_KINH)
    middle = rng.choice(MIDDLE[gender])
    given = rng.choice(GIVEN[gender])
    if middle == given:
        middle = MIDDLE[gender][0]
    # Some Kinh names carry two middle words (Nguyễn Thị Thu Hà).
    if ethnicity == "Kinh" and rng.random() < 0.2:
        second = rng.choice(MIDDLE[gender][3:])
        if second not in (middle, given):
            middle = f"{middle} {second}"
    return f"{family} {middle} {given}"


def _birth_date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1).toordinal()
    end = dt.date(last_year, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


# ---------------------------------------------------------------------------------- loading


def load_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _province(key: list[str]) -> Province:
    code, name = key
    return Province.objects.get(code=code, name=name)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _ensure_unit(province: Province, spec: dict[str, Any], stats: Counter) -> Unit:
    unit = Unit.objects.filter(province=province, name=spec["name"]).order_by("pk").first()
    if unit is not None:
        return unit
    data = {
        "name": spec["name"],
        "short_name": spec.get("short_name", ""),
        "kind": spec["kind"],
        "doc_format": spec.get("doc_format", ""),
        "superior_name": spec.get("superior_name", ""),
        "established_on": _date(spec.get("established_on")),
    }
    stats["units"] += 1
    return actions.do_create_unit(actor=None, province=province, data=data)


def _ensure_departments(unit: Unit, names: list[str], stats: Counter) -> list[Department]:
    existing = {d.name: d for d in unit.departments.all()}
    result = []
    for name in names:
        if name not in existing:
            existing[name] = actions.do_create_department(actor=None, unit=unit, name=name)
            stats["departments"] += 1
        result.append(existing[name])
    return result


def _people_for(block: dict[str, Any], index: int, unit: Unit, spec: dict[str, Any], departments: list[Department]) -> list[Person]:
    """The unit's people: named officials from the article first, then generated staff."""
    rng = random.Random(f"thidua-demo/{block['key']}/{spec['name']}")
    head_title, deputy_title, staff_titles = TITLES[spec["type"]]
    party_share = PARTY_SHARE.get(spec["kind"], 80)
    total = spec["people"]
    named = list(spec.get("named_people", []))
    used_names = {p["full_name"] for p in named}
    people: list[Person] = []

    def add(title: str, leader: bool, department: Department | None, first_year: int, last_year: int) -> None:
        named_match = next((p for p in named if p["position_title"] == title), None)
        number = len(people) + 1
        staff_code = f"{block['code_prefix']}{index:02d}{number:03d}"
        if named_match is not None:
            named.remove(named_match)
            people.append(Person(
                full_name=named_match["full_name"], gender=named_match["gender"], birth_date=None, ethnicity="Kinh",
                staff_code=staff_code, department=department, position_title=title, is_leader=leader, is_party_member=True,
            ))
            return
        gender = "NU" if rng.random() < (0.42 if spec["kind"] != "PARTY" else 0.38) else "NAM"
        ethnicity = _weighted(rng, block["ethnicities"])
        name = _name(rng, gender, ethnicity)
        while name in used_names:
            name = _name(rng, gender, ethnicity)
        used_names.add(name)
        people.append(Person(
            full_name=name, gender=gender, birth_date=_birth_date(rng, first_year, last_year), ethnicity=ethnicity,
            staff_code=staff_code, department=department, position_title=title, is_leader=leader,
            is_party_member=leader or rng.randrange(100) < party_share,
        ))

    deputies = 2 if total >= 15 else 1 if total >= 6 else 0
    add(head_title, True, None, 1965, 1975)
    for _ in range(deputies):
        add(deputy_title, True, None, 1966, 1980)
    # Named officials whose post is not the head or deputy of the unit (e.g. a Phó Bí thư).
    for person in list(named):
        add(person["position_title"], True, None, 1966, 1980)
    remaining = total - len(people)
    if departments and remaining > 0:
        sizes = [remaining // len(departments)] * len(departments)
        for i in range(remaining % len(departments)):
            sizes[i] += 1
        for department, size in zip(departments, sizes):
            dep_head, dep_deputy = _department_titles(department.name)
            for slot in range(size):
                if slot == 0:
                    add(dep_head, True, department, 1968, 1985)
                elif slot == 1 and size >= 5:
                    add(dep_deputy, True, department, 1972, 1990)
                else:
                    add(rng.choice(_staff_titles(spec["type"], department.name, staff_titles)), False, department, 1975, 2000)
    else:
        for _ in range(max(remaining, 0)):
            add(rng.choice(staff_titles), False, None, 1975, 2000)
    return people[:total] if total else people


def _ensure_people(block, index, unit: Unit, spec, departments, stats: Counter) -> None:
    if spec.get("people", 0) <= 0 or unit.people.exists():
        return
    people = _people_for(block, index, unit, spec, departments)
    for person in people:
        person.province_id = unit.province_id
        person.unit = unit
        person.refresh_derived()
    Person.objects.bulk_create(people, batch_size=500)
    stats["people"] += len(people)
    record(
        actor=None,
        action="org.person.bulk_create",
        obj=unit,
        province=unit.province,
        changes={"Số cá nhân": [0, len(people)]},
        note=f"Dữ liệu mẫu ({block['name']} năm {block['year']}): thêm {len(people)} cá nhân.",
    )


def _unit_ref(ref: list[str]) -> Unit:
    code, name, unit_name = ref
    return Unit.objects.filter(province=_province([code, name]), name=unit_name).order_by("pk").get()


def _ensure_event(spec: dict[str, Any], stats: Counter) -> None:
    province = _province(spec["province"])
    effective_on = _date(spec["effective_on"])
    sources = [_unit_ref(r) for r in spec["sources"]]
    targets = [_unit_ref(r) for r in spec["targets"]]
    kind = spec["kind"]
    if LineageEvent.objects.filter(
        province=province, kind=kind, effective_on=effective_on, links__unit=sources[0], links__role=LineageRole.FROM
    ).exists():
        return
    ended = {}
    for unit in sources:
        if unit.ended_on is None:
            updated = actions.do_update_unit(
                actor=None, unit=unit, data={"ended_on": effective_on - dt.timedelta(days=1)}, expected_version=unit.version
            )
            ended[f"{updated.name} — ngày chấm dứt hoạt động"] = [None, updated.ended_on]
    event = LineageEvent(
        province=province,
        kind=kind,
        effective_on=effective_on,
        note=spec["note"],
        old_name=", ".join(u.name for u in sources)[:255],
        new_name=", ".join(u.name for u in targets)[:255],
    )
    event.full_clean(exclude=["province", "person"])
    event.save()
    links = [LineageLink(province=province, event=event, unit=u, role=LineageRole.FROM) for u in sources]
    links += [LineageLink(province=province, event=event, unit=u, role=LineageRole.TO) for u in targets]
    LineageLink.objects.bulk_create(links)
    changes = dict(ended)
    changes["Đơn vị trước"] = [None, ", ".join(u.name for u in sources)]
    if targets:
        changes["Đơn vị sau"] = [None, ", ".join(u.name for u in targets)]
    record(actor=None, action=f"org.lineage.{kind.lower()}", obj=event, province=province, changes=changes, note=spec["note"])
    stats["events"] += 1


def demo_password() -> str:
    return os.getenv("DEMO_PASSWORD") or DEFAULT_PASSWORD


def _ensure_accounts(specs: list[dict[str, Any]], stats: Counter) -> None:
    User = get_user_model()
    hashed: list[str] = []  # hash the shared demo password once: PBKDF2 is slow on purpose
    for spec in specs:
        family, _, given = spec["full_name"].rpartition(" ")
        user, created = User.objects.get_or_create(
            username=spec["username"], defaults={"first_name": family, "last_name": given}
        )
        first_province = _province(spec["grants"][0]["province"])
        if created:
            if not hashed:
                hashed.append(make_password(demo_password()))
            user.password = hashed[0]
            user.save(update_fields=["password"])
            stats["accounts"] += 1
            record(actor=None, action="accounts.user.create", province=first_province, object_type="auth.user",
                   object_repr=user.get_username(), changes={"username": [None, user.get_username()]},
                   note=f"Tài khoản dùng thử: {spec['description']}.")
            profile = getattr(user, "account_profile", None)
            if profile is not None and getattr(profile, "province_id", None) is None:
                profile.province = first_province
                profile.save(update_fields=["province"])
        for grant_spec in spec["grants"]:
            province = _province(grant_spec["province"])
            unit = None
            if grant_spec.get("unit"):
                unit = Unit.objects.filter(province=province, name=grant_spec["unit"]).order_by("pk").get()
            grant, grant_created = Grant.objects.get_or_create(
                user=user,
                role=grant_spec["role"],
                province=province,
                unit=unit,
                valid_from=_date(grant_spec["valid_from"]),
                defaults={
                    "scope_kind": ScopeKind.UNIT if unit else ScopeKind.PROVINCE,
                    "valid_to": _date(grant_spec.get("valid_to")),
                    "note": "Dữ liệu mẫu",
                },
            )
            if grant_created:
                record(actor=None, action="accounts.grant.create", obj=grant, province=province,
                       changes={"Vai trò": [None, grant.get_role_display()], "Phạm vi": [None, unit.name if unit else str(province)]},
                       note=f"Tài khoản dùng thử {user.get_username()}")


def accounts_summary(doc: dict[str, Any] | None = None) -> str:
    doc = doc or load_data()
    lines = [f"Tài khoản dùng thử (mật khẩu: {demo_password()}):"]
    for spec in doc["accounts"]:
        lines.append(f"  {spec['username']:<14} {spec['description']}")
    return "\n".join(lines)


LATER_DEMOS = (
    "thidua.scoring.demo", "thidua.voting.demo", "thidua.counting.demo",
    "thidua.awards.demo", "thidua.history.demo", "thidua.proposals.demo", "thidua.exemplars.demo",
    "thidua.notifications.demo",
)


def _optional_module(name: str):
    import importlib

    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


@transaction.atomic
def load_demo() -> str:
    """Create the demo registry (once) and return a Vietnamese summary of what was added."""
    stats: Counter = Counter()
    stats["provinces"] = load_provinces()
    doc = load_data()
    for block in doc["blocks"]:
        province = _province(block["province"])
        for index, spec in enumerate(block["units"], start=1):
            unit = _ensure_unit(province, spec, stats)
            departments = _ensure_departments(unit, spec.get("departments", []), stats)
            _ensure_people(block, index, unit, spec, departments, stats)
    for spec in doc["successor_units"]:
        unit = _ensure_unit(_province(spec["province"]), spec, stats)
        _ensure_departments(unit, spec.get("departments", []), stats)
    for spec in doc["lineage"]:
        _ensure_event(spec, stats)
    _ensure_accounts(doc["accounts"], stats)
    # The block years (heads, meetings, covenant, registrations, movements) need the units above.
    from thidua.blocs.demo import load_block_demo

    stats.update(load_block_demo(doc["blocks"]))
    labels = [
        ("provinces", "tỉnh/thành phố"), ("units", "đơn vị"), ("departments", "phòng, ban"), ("people", "cá nhân"),
        ("events", "sự kiện sắp xếp tổ chức"), ("accounts", "tài khoản dùng thử"),
        ("blocs", "khối thi đua"), ("years", "năm thi đua của khối"), ("meetings", "hội nghị"), ("covenants", "giao ước"),
        ("registrations", "bản đăng ký thi đua"), ("movements", "phong trào"),
    ]
    # Scoring, voting and awards build on the block years; each app's demo.py (when present) has
    # `load_demo(doc) -> Counter` (idempotent) and `DEMO_LABELS` [(key, Vietnamese label)].
    for name in LATER_DEMOS:
        module = _optional_module(name)
        if module is not None:
            stats.update(module.load_demo(doc))
            labels += module.DEMO_LABELS
    added = [f"{stats[key]} {label}" for key, label in labels if stats[key]]
    if added:
        headline = "thêm " + ", ".join(added) + "."
    else:
        headline = "đã có đủ từ lần nạp trước, không thêm gì mới."
    blocks = "; ".join(f"{b['name']} {_province(b['province']).name} năm {b['year']} ({len(b['units'])} đơn vị)" for b in doc["blocks"])
    return f"{headline}\nCác khối thi đua mẫu: {blocks}.\n{accounts_summary(doc)}"


__all__ = ["load_demo", "load_data", "accounts_summary", "demo_password"]
