"""The /api/v1/docs page: the OpenAPI document rendered server-side, in Vietnamese.

ninja's Swagger UI loads its scripts from a CDN unless "ninja" is an installed app, is in English
and runs inline-configured JavaScript. This machine has no internet and our CSP forbids external
scripts, so the page is plain HTML built from the same OpenAPI document (/api/v1/openapi.json).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}
PLACE_LABELS = {"path": "đường dẫn", "query": "tham số truy vấn", "header": "tiêu đề", "cookie": "cookie"}
STATUS_LABELS = {
    "200": "Thành công",
    "201": "Đã tạo",
    "204": "Thành công, không có nội dung",
    "400": "Yêu cầu bị từ chối (lỗi nghiệp vụ, không gắn với một trường)",
    "401": "Chưa xác thực",
    "403": "Không có quyền",
    "404": "Không tìm thấy (hoặc ngoài phạm vi)",
    "409": "Xung đột: đã có người sửa trước, bị trùng, hoặc trạng thái không cho phép",
    "422": "Dữ liệu không hợp lệ (sai định dạng hoặc giá trị của một trường)",
    "429": "Quá nhiều yêu cầu",
    "500": "Lỗi hệ thống",
}
TYPE_LABELS = {
    "string": "chuỗi",
    "integer": "số nguyên",
    "number": "số",
    "boolean": "true/false",
    "array": "danh sách",
    "object": "đối tượng",
    "null": "null",
}
FORMAT_LABELS = {"date": "ngày yyyy-mm-dd", "date-time": "thời điểm ISO 8601", "uuid": "uid"}


def _resolve(schema: dict, spec: dict) -> dict:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 10:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema or {}


def type_label(schema: dict, spec: dict) -> str:
    schema = _resolve(schema, spec)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [type_label(s, spec) for s in schema[key]]
            return " hoặc ".join(dict.fromkeys(p for p in parts if p))
    if "enum" in schema:
        return "một trong: " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return f"đúng giá trị {schema['const']}"
    kind = schema.get("type", "")
    if isinstance(kind, list):
        return " hoặc ".join(TYPE_LABELS.get(k, str(k)) for k in kind)
    if kind == "array":
        return "danh sách " + type_label(schema.get("items", {}), spec)
    if schema.get("format") in FORMAT_LABELS:
        return FORMAT_LABELS[schema["format"]]
    if kind == "object" or "properties" in schema:
        return "đối tượng " + (schema.get("title") or "")
    return TYPE_LABELS.get(kind, kind or "bất kỳ")


def fields_of(schema: dict, spec: dict) -> list[dict[str, Any]]:
    schema = _resolve(schema, spec)
    required = set(schema.get("required", []))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        resolved = _resolve(prop, spec)
        rows.append(
            {
                "name": name,
                "type": type_label(prop, spec),
                "required": name in required,
                "description": prop.get("description") or resolved.get("description") or "",
                "default": prop.get("default"),
            }
        )
    return rows


def operations_from(spec: dict) -> list[dict[str, Any]]:
    """Every operation of an OpenAPI document as plain rows for the template."""
    result = []
    for path, item in (spec.get("paths") or {}).items():
        for method, op in sorted(item.items(), key=lambda kv: METHOD_ORDER.get(kv[0], 9)):
            if method not in METHOD_ORDER:
                continue
            params = [
                {
                    "name": p.get("name"),
                    "place": PLACE_LABELS.get(p.get("in", ""), p.get("in", "")),
                    "required": bool(p.get("required")),
                    "type": type_label(p.get("schema", {}), spec),
                    "description": p.get("description") or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = []
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                body = fields_of(content["application/json"].get("schema", {}), spec)
            responses = [
                {"status": code, "label": STATUS_LABELS.get(str(code), resp.get("description", ""))}
                for code, resp in (op.get("responses") or {}).items()
            ]
            result.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or "",
                    "description": op.get("description") or "",
                    "tag": (op.get("tags") or ["Khác"])[0],
                    "params": params,
                    "body": body,
                    "responses": responses,
                    "anchor": (op.get("operationId") or f"{method}-{path}").replace("/", "-"),
                }
            )
    return result


class VietnameseDocs(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        spec = api.get_openapi_schema(path_params=kwargs)
        operations = operations_from(spec)
        groups: dict[str, list] = {}
        for op in operations:
            groups.setdefault(op["tag"], []).append(op)
        context = {
            "title": spec.get("info", {}).get("title", ""),
            "description": spec.get("info", {}).get("description", ""),
            "groups": groups,
            "openapi_url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs),
        }
        return render(request, "api/docs.html", context)
