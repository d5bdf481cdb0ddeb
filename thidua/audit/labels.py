"""Vietnamese labels for the audit log page: actions, object types, fields and values.

Action codes are "<app>.<object>.<verb>". Known codes have their own label; any other code gets a
generic Vietnamese label built from its verb and object type, so the page never shows a raw code.
"""

from __future__ import annotations

import datetime as dt
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

ACTION_LABELS: dict[str, str] = {
    "exports.national.create": "Xuất dữ liệu khen thưởng gửi trung ương",
    "notifications.notification.read": "Đánh dấu thông báo đã đọc",
    "notifications.notification.read_all": "Đánh dấu mọi thông báo đã đọc",
    "notifications.preference.update": "Chọn loại thông báo nhận",
    "awards.pack.create": "Thêm văn bản quy định thi đua, khen thưởng của tỉnh",
    "awards.pack.end": "Kết thúc văn bản quy định của tỉnh",
    "awards.pack_entry.create": "Thêm tham số theo văn bản của tỉnh",
    "awards.pack_entry.end": "Kết thúc tham số theo văn bản của tỉnh",
    "org.unit.create": "Thêm đơn vị",
    "org.unit.update": "Sửa đơn vị",
    "org.unit.end": "Chấm dứt hoạt động đơn vị",
    "org.person.create": "Thêm cá nhân",
    "org.person.update": "Sửa thông tin cá nhân",
    "org.person.transfer": "Điều động, chuyển công tác",
    "org.department.create": "Thêm phòng, ban",
    "org.department.update": "Sửa phòng, ban",
    "org.province.update": "Sửa thông tin tỉnh",
    "org.department.rename": "Đổi tên phòng, ban",
    "org.position.create": "Thêm quá trình công tác",
    "org.person.bulk_create": "Thêm nhiều cá nhân",
    "org.province.load": "Nạp danh mục tỉnh/thành phố",
    "exemplars.exemplar.create": "Ghi điển hình tiên tiến",
    "exemplars.exemplar.update": "Sửa điển hình tiên tiến",
    "exemplars.replication.add": "Ghi nơi nhân rộng điển hình",
    "exemplars.evidence.add": "Thêm tệp minh chứng điển hình",
    "org.province.settings": "Sửa thiết lập của tỉnh",
    "org.lineage.create": "Ghi nhận sắp xếp tổ chức",
    "org.lineage.record": "Ghi nhận sắp xếp tổ chức",
    "org.lineage.merge": "Hợp nhất, sáp nhập đơn vị",
    "org.lineage.split": "Chia tách đơn vị",
    "org.lineage.rename": "Đổi tên đơn vị",
    "org.lineage.dissolve": "Giải thể đơn vị",
    "org.registry.import": "Nhập danh mục từ Excel",
    "blocs.bloc.create": "Thêm khối thi đua",
    "blocs.bloc.update": "Sửa khối thi đua",
    "blocs.bloc.rotation": "Luân phiên trưởng khối",
    "blocs.member.add": "Thêm đơn vị vào khối",
    "blocs.member.remove": "Đưa đơn vị ra khỏi khối",
    "blocs.year.open": "Mở năm thi đua của khối",
    "blocs.year.leadership": "Phân công trưởng, phó khối",
    "accounts.user.create": "Tạo tài khoản",
    "accounts.user.activate": "Mở khóa tài khoản",
    "accounts.user.deactivate": "Khóa tài khoản",
    "accounts.user.password_reset": "Đặt lại mật khẩu",
    "accounts.password.change": "Tự đổi mật khẩu",
    "accounts.grant.create": "Phân quyền",
    "accounts.grant.end": "Kết thúc phân quyền",
    "jobs.job.start": "Bắt đầu công việc chạy nền (nhập, xuất Excel)",
    "accounts.token.create": "Tạo khóa API",
    "accounts.token.revoke": "Thu hồi khóa API",
    "counting.confirmation.record": "Ghi xác nhận của hội đồng (tiêu chuẩn định tính)",
    "reports.province_report.create": "Soạn báo cáo tổng kết thi đua, khen thưởng của tỉnh",
    "reports.province_report.update": "Sửa báo cáo tổng kết thi đua, khen thưởng của tỉnh",
}

# Verbs of codes without their own label.
VERB_LABELS: dict[str, str] = {
    "create": "Thêm",
    "add": "Thêm",
    "update": "Sửa",
    "edit": "Sửa",
    "delete": "Xóa",
    "remove": "Xóa",
    "end": "Kết thúc",
    "close": "Đóng",
    "open": "Mở",
    "import": "Nhập",
    "export": "Xuất",
    "submit": "Gửi",
    "approve": "Duyệt",
    "reject": "Trả lại",
    "record": "Ghi nhận",
    "vote": "Bỏ phiếu",
    "score": "Chấm điểm",
    "merge": "Hợp nhất",
    "split": "Chia tách",
    "rename": "Đổi tên",
    "transfer": "Điều chuyển",
    "revoke": "Thu hồi",
    "activate": "Mở khóa",
    "deactivate": "Khóa",
    "dissolve": "Giải thể",
    "load": "Nạp",
    "settings": "Sửa thiết lập",
    "bulk_create": "Thêm nhiều",
    "rotation": "Luân phiên",
    "cancel": "Hủy",
    "decide": "Quyết định",
    "sign": "Ký",
    "publish": "Công bố",
}

OBJECT_TYPE_LABELS: dict[str, str] = {
    "auth.user": "Tài khoản",
    "accounts.grant": "Phân quyền",
    "accounts.apitoken": "Khóa API",
}

# Keys of audit rows that are not model fields (or whose model label is not what users say).
EXTRA_FIELD_LABELS: dict[str, str] = {
    "replications": "Nhân rộng",
    "evidence": "Tệp minh chứng",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "email": "Thư điện tử",
    "is_active": "Đang hoạt động",
    "managing_province": "Tỉnh/thành phố quản lý",
    "revoked_at": "Thu hồi lúc",
    "name": "Tên",
}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Bookkeeping keys that mean nothing to a reader of the log.
HIDDEN_KEYS = {"version", "search_key", "updated_at", "created_at"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    if object_type in OBJECT_TYPE_LABELS:
        return OBJECT_TYPE_LABELS[object_type]
    model = _model_for(object_type)
    if model is not None:
        name = str(model._meta.verbose_name)
        return name[:1].upper() + name[1:]
    return "Đối tượng khác"


def action_label(action: str, object_type: str = "") -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    verb = action.rsplit(".", 1)[-1] if action else ""
    what = object_type_label(object_type).lower() if object_type else "dữ liệu"
    if verb in VERB_LABELS:
        return f"{VERB_LABELS[verb]} {what}"
    return f"Thao tác khác trên {what}"


def field_label(object_type: str, key: str) -> str:
    # Django's own labels for auth.user fields are not the words our users know.
    model = None if object_type == "auth.user" else _model_for(object_type)
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        name = str(getattr(field, "verbose_name", "") or "") if field is not None else ""
        # A verbose_name Django derived from the English field name is no label for our users.
        if name and name != key.replace("_", " "):
            return name[:1].upper() + name[1:]
    if key in EXTRA_FIELD_LABELS:
        return EXTRA_FIELD_LABELS[key]
    if key.startswith("targets:"):
        # blocs.covenant.update stores each unit's commitment as "targets:<unit name>".
        return f"Chỉ tiêu, cam kết của {key.split(':', 1)[1]}"
    if not _IDENTIFIER.match(key):
        # Some actions already store a Vietnamese label as the key ("Đơn vị trước").
        return key
    return "Thông tin khác"


def _code_display(object_type: str, key: str, value, rule: str = "") -> str | None:
    """Codes the rules engine stores (award codes, parameter names, tie-breakers) in Vietnamese."""
    from thidua.rules import registry
    from thidua.rules.scoring import TIE_BREAKERS

    if key == "tie_breakers" and isinstance(value, list):
        return ", ".join(TIE_BREAKERS.get(str(v), str(v)) for v in value)
    if object_type == "awards.ruleoverride" and isinstance(value, str):
        if key == "rule":
            return registry._rule_name(value)
        if key == "param":
            return registry.param_label(rule, value)
    return None


def value_display(object_type: str, key: str, value, rule: str = "") -> str:
    """A stored value as a person reads it: choice labels, dd/mm/yyyy, Có/Không, — for empty."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    model = _model_for(object_type)
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        if field is not None and getattr(field, "choices", None):
            for code, label in field.flatchoices:
                if str(code) == str(value):
                    return str(label)
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            try:
                return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                return value
        if _ISO_DATETIME.match(value):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%d/%m/%Y %H:%M")
    coded = _code_display(object_type, key, value, rule)
    if coded is not None:
        return coded
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def changes_display(object_type: str, changes) -> list[dict[str, str]]:
    """[{label, old, new}] for the page, in the stored order."""
    rows = []
    # A provincial rule parameter is named by its award code and parameter together.
    rule_pair = (changes or {}).get("rule")
    rule = str((rule_pair[-1] or rule_pair[0]) if isinstance(rule_pair, list) and rule_pair else (rule_pair or ""))
    for key, pair in (changes or {}).items():
        if key in HIDDEN_KEYS:
            continue
        if isinstance(pair, list) and len(pair) == 2:
            old, new = pair
        else:
            old, new = None, pair
        old_text, new_text = value_display(object_type, key, old, rule), value_display(object_type, key, new, rule)
        if old_text == new_text:
            continue
        rows.append({"label": field_label(object_type, key), "old": old_text, "new": new_text})
    return rows
