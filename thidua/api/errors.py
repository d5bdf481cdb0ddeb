"""Every /api/v1 error is JSON: {"error": {"code", "message", "field"}}, message in Vietnamese.

The one mapping of refusals to status codes (docs/api.md repeats it for integrators):

401 unauthenticated · 403 forbidden (also a failed CSRF check) · 404 not_found (also an object
outside the caller's scope) · 409 conflict (compare-and-set: someone changed it since you read it)
· 409 state_conflict (a duplicate or a state that forbids the operation: a second ballot, a vote
after the close, a username taken, a token already revoked) · 422 invalid_field (the request's
shape: ninja's validation) · 422 invalid (an action refused the value of a named field) · 400
invalid (an action refused the request as a whole; no field) · 429 throttled.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from thidua.core.errors import ActionError, ConcurrentEditError, NotPermitted, StateConflict

logger = logging.getLogger(__name__)

MESSAGES = {
    "unauthenticated": "Cần đăng nhập, hoặc gửi khóa API hợp lệ trong tiêu đề “Authorization: Bearer <khóa>”.",
    "forbidden": "Bạn không có quyền thực hiện thao tác này.",
    "csrf": "Thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang rồi thử lại, hoặc dùng khóa API.",
    "not_found": "Không tìm thấy.",
    "throttled": "Bạn gửi quá nhiều yêu cầu. Hãy thử lại sau ít phút.",
    "server_error": "Hệ thống gặp lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại; hãy thử lại sau.",
    "bad_request": "Yêu cầu không hợp lệ.",
}

class Utf8JSONRenderer(JSONRenderer):
    """JSON with Vietnamese letters as they are ("Đơn vị", not "\\u0110\\u01a1n v\\u1ecb")."""

    json_dumps_params = {"ensure_ascii": False}


class ReferenceNotFound(ActionError):
    """A request names an object (by uid) that does not exist or lies outside the caller's scope."""

    code = "not_found"


# Parts of a validation error's location that are not the caller's field names.
_LOCATION_ROOTS = {"body", "query", "path", "header", "cookie", "form", "file"}


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict:
    error = {"code": code, "message": message, "field": field}
    error.update(extra)
    return {"error": error}


def _respond(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, field: str | None = None, **extra):
    return api.create_response(request, error_body(code, message, field, **extra), status=status)


def field_of(loc) -> str | None:
    """"body.payload.name" → "name"; "query.limit" → "limit"."""
    parts = [str(p) for p in (loc or [])]
    if parts and parts[0] in _LOCATION_ROOTS:
        root = parts.pop(0)
        # Body parameters are nested under the endpoint's parameter name ("payload").
        if root in {"body", "form"} and len(parts) > 1:
            parts.pop(0)
    return ".".join(parts) or None


def _kind_of(error_type: str) -> str:
    kinds = {
        "int": "một số nguyên",
        "float": "một số",
        "decimal": "một số",
        "bool": "true hoặc false",
        "string": "một chuỗi ký tự",
        "date": "một ngày dạng yyyy-mm-dd",
        "datetime": "một thời điểm dạng ISO 8601",
        "uuid": "một mã định danh (UUID)",
        "list": "một danh sách",
        "dict": "một đối tượng JSON",
        "model": "một đối tượng JSON",
    }
    for prefix, kind in kinds.items():
        if error_type.startswith(prefix):
            return kind
    return ""


def validation_message(error: dict) -> str:
    """One pydantic / ninja validation error in Vietnamese."""
    error_type = str(error.get("type", ""))
    field = field_of(error.get("loc"))
    ctx = error.get("ctx") or {}
    name = f"“{field}”" if field else "dữ liệu gửi lên"
    if error_type == "missing":
        return f"Thiếu trường bắt buộc {name}."
    if error_type == "control_character":
        return f"{name[:1].upper() + name[1:]} chứa ký tự điều khiển không được phép ({ctx.get('code')}). Hãy xoá ký tự đó rồi gửi lại."
    if error_type == "json_invalid":
        return "Nội dung gửi lên không phải JSON hợp lệ."
    if error_type == "extra_forbidden":
        return f"Trường {name} không được hỗ trợ."
    if error_type == "string_too_long":
        return f"{name[:1].upper() + name[1:]} dài quá {ctx.get('max_length')} ký tự."
    if error_type == "string_too_short":
        return f"{name[:1].upper() + name[1:]} không được để trống."
    if error_type in {"enum", "literal_error"}:
        expected = str(ctx.get("expected") or "").replace(" or ", " hoặc ")
        return f"Giá trị của {name} không nằm trong danh sách cho phép" + (f": {expected}." if expected else ".")
    if error_type in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bounds = {
            "greater_than_equal": ("không được nhỏ hơn", "ge"),
            "greater_than": ("phải lớn hơn", "gt"),
            "less_than_equal": ("không được lớn hơn", "le"),
            "less_than": ("phải nhỏ hơn", "lt"),
        }
        words, key = bounds[error_type]
        return f"Giá trị của {name} {words} {ctx.get(key)}."
    if error_type.endswith("_parsing") or error_type.endswith("_type"):
        kind = _kind_of(error_type)
        return f"Giá trị của {name} không đúng kiểu" + (f": cần {kind}." if kind else ".")
    return f"Giá trị của {name} không hợp lệ."


def install(api: NinjaAPI) -> None:
    """Replace ninja's English handlers with the project's JSON errors."""

    def on_validation(request, exc: ValidationError):
        errors = list(exc.errors or [])
        first = errors[0] if errors else {}
        details = [{"field": field_of(e.get("loc")), "message": validation_message(e)} for e in errors]
        message = validation_message(first) if first else MESSAGES["bad_request"]
        return _respond(api, request, 422, "invalid_field", message, field_of(first.get("loc")) if first else None, details=details)

    def on_authentication(request, exc):
        # An expired token says so (thidua.api.auth.TokenExpired); anything else gets the general message.
        message = getattr(exc, "vi_message", None) or MESSAGES["unauthenticated"]
        response = _respond(api, request, 401, "unauthenticated", message)
        response["WWW-Authenticate"] = 'Bearer realm="thidua"'
        return response

    def on_authorization(request, exc):
        return _respond(api, request, 403, "forbidden", MESSAGES["forbidden"])

    def on_http_error(request, exc: HttpError):
        status = exc.status_code
        if status == 403 and str(exc) == "csrf":
            return _respond(api, request, 403, "csrf_failed", MESSAGES["csrf"])
        if isinstance(exc, Throttled) or status == 429:
            return _respond(api, request, 429, "throttled", MESSAGES["throttled"])
        if status == 401:
            return on_authentication(request, exc)
        if status == 403:
            return on_authorization(request, exc)
        if status == 404:
            return _respond(api, request, 404, "not_found", MESSAGES["not_found"])
        if status == 400 and isinstance(exc.__cause__, ValidationError):
            return on_validation(request, exc.__cause__)  # the body parser refused a field (thidua/api/parser.py)
        if status == 400 and str(exc).startswith("Cannot parse request body"):
            return _respond(api, request, 400, "invalid_json", "Nội dung gửi lên không phải JSON hợp lệ (cần một đối tượng JSON, mã hóa UTF-8).")
        if status >= 500:
            return _respond(api, request, status, "server_error", MESSAGES["server_error"])
        return _respond(api, request, status, "bad_request", MESSAGES["bad_request"])

    def on_not_found(request, exc):
        return _respond(api, request, 404, "not_found", MESSAGES["not_found"])

    def on_permission_denied(request, exc):
        return _respond(api, request, 403, "forbidden", MESSAGES["forbidden"])

    def on_action_error(request, exc: ActionError):
        if isinstance(exc, ConcurrentEditError):
            return _respond(api, request, 409, "conflict", exc.message, exc.field)
        if isinstance(exc, StateConflict):
            return _respond(api, request, 409, "state_conflict", exc.message, exc.field)
        if isinstance(exc, ReferenceNotFound):
            return _respond(api, request, 404, "not_found", exc.message, exc.field)
        if isinstance(exc, NotPermitted):
            return _respond(api, request, 403, "forbidden", exc.message, exc.field)
        field = exc.field or (next(iter(exc.errors)) if exc.errors else None)
        # A refused value of a named field is invalid input (422, like a malformed one); a refusal
        # of the request as a whole names no field (400).
        return _respond(api, request, 422 if field else 400, exc.code or "invalid", exc.message, field)

    def on_exception(request, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
        return _respond(api, request, 500, "server_error", MESSAGES["server_error"])

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(AuthorizationError, on_authorization)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(ActionError, on_action_error)
    api.add_exception_handler(Exception, on_exception)
