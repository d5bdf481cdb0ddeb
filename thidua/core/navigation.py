"""The main menu follows the block year: Tổ chức → Khối thi đua → Phong trào → Chấm điểm →
Bình xét/Bỏ phiếu → Khen thưởng → Báo cáo. Sections whose features have not landed yet are not
shown (no dead ends)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass
class MenuItem:
    label: str
    url_name: str
    action: str
    children: list["MenuItem"] = field(default_factory=list)


MENU: list[MenuItem] = [
    MenuItem(
        "Tổ chức",
        "org:unit_list",
        "registry.view",
        [
            MenuItem("Đơn vị", "org:unit_list", "registry.view"),
            MenuItem("Cá nhân", "org:person_list", "registry.view"),
            MenuItem("Sắp xếp tổ chức", "org:lineage_list", "registry.view"),
            MenuItem("Tỉnh/thành phố", "org:province_list", "registry.view"),
            MenuItem("Nhập từ Excel", "orgimport:upload", "registry.import"),
        ],
    ),
    MenuItem("Khối thi đua", "blocs:bloc_list", "registry.view"),
    MenuItem("Phong trào", "movements:movement_list", "registry.view"),
    MenuItem(
        "Chấm điểm",
        "scoring:home",
        "registry.view",
        [
            MenuItem("Đợt chấm điểm", "scoring:home", "registry.view"),
            MenuItem("Bảng tiêu chí", "scoring:set_list", "registry.view"),
        ],
    ),
    MenuItem(
        "Bình xét/Bỏ phiếu",
        "voting:home",
        "registry.view",
        [
            MenuItem("Bình xét, bỏ phiếu", "voting:home", "registry.view"),
            MenuItem("Hội đồng thi đua, khen thưởng", "voting:council_list", "registry.view"),
        ],
    ),
    MenuItem(
        "Khen thưởng",
        "awards:home",
        "rules.evaluate",
        [
            MenuItem("Hồ sơ đề nghị", "proposals:proposal_list", "registry.view"),
            MenuItem("Quyết định khen thưởng", "proposals:decision_list", "registry.view"),
            MenuItem("Xuất dữ liệu gửi trung ương", "exports:national", "export.national"),
            MenuItem("Ai đủ điều kiện", "history:batch", "registry.view"),
            MenuItem("Sổ sáng kiến", "initiatives:list", "registry.view"),
            MenuItem("Điển hình tiên tiến", "exemplars:list", "registry.view"),
            MenuItem("Tra cứu điều kiện", "awards:whatif", "rules.evaluate"),
            MenuItem("Danh mục danh hiệu, hình thức", "awards:catalogue_list", "rules.view"),
            MenuItem("Tiêu chuẩn, quy định", "awards:rule_list", "rules.view"),
        ],
    ),
    MenuItem("Báo cáo", "reports:home", "registry.view"),
    MenuItem(
        "Quản trị",
        "accounts:user_list",
        "accounts.view",
        [
            MenuItem("Tài khoản", "accounts:user_list", "accounts.view"),
            MenuItem("Nhật ký", "audit:log_list", "audit.view"),
        ],
    ),
]


def _resolve(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def menu_for(request, scope) -> list[dict]:
    items = []
    for item in MENU:
        url = _resolve(item.url_name)
        if url is None or not scope.can(item.action):
            continue
        children = []
        for child in item.children:
            child_url = _resolve(child.url_name)
            if child_url and scope.can(child.action):
                children.append({"label": child.label, "url": child_url, "active": request.path.startswith(child_url)})
        active = request.path.startswith(url) or any(c["active"] for c in children)
        items.append({"label": item.label, "url": url, "active": active, "children": children})
    return items
