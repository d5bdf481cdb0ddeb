"""The HTTP door of the what-if contract: POST /api/v1/eligibility/evaluate and /api/v1/voting/evaluate.

Thin: read the JSON body, call `thidua.whatif.service.evaluate_one` (the same function as
`manage.py evaluate`), answer 200 with the result or 422 with {"error": {...}}. The body is read
as raw JSON so the service's validator, not pydantic, words every error (in Vietnamese).
Any signed-in user (session + CSRF) or API token may call them (whatif-api.md).
"""

from __future__ import annotations

import json
from typing import Any, Optional, Union

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema

from thidua.api.auth import API_AUTH
from thidua.whatif.service import INTERNAL_ERROR, error_result, evaluate_one, is_error

# Who may call the what-if endpoints: any signed-in user or API token (whatif-api.md), tried in
# order — a personal API token (Authorization: Bearer), then the browser session with its CSRF
# token. No role is needed: the evaluations read no stored data. 401/403 bodies come from
# thidua/api/errors.py.
EVALUATE_AUTH: list = API_AUTH

router = Router(tags=["Tính thử (what-if)"])


# --------------------------------------------------------------------------- OpenAPI documentation


class ErrorDetail(Schema):
    code: str
    message: str
    field: Optional[str] = None


class ErrorOut(Schema):
    error: ErrorDetail


class QuorumOut(Schema):
    met: bool
    required: int
    attending: int
    text: str


class ThresholdOut(Schema):
    percent: Union[int, float]
    base: str
    votes_needed: int
    citation: str


class VoteResultOut(Schema):
    id: Union[str, int]
    yes: int
    percent: str
    passed: bool
    selected: bool


class TieOut(Schema):
    ids: list[Union[str, int]]
    resolved_by: Optional[str] = None


class VotingOut(Schema):
    quorum: QuorumOut
    threshold: ThresholdOut
    results: list[VoteResultOut]
    tie: Optional[TieOut] = None
    invalid_ballots: int


class CheckOut(Schema):
    code: str
    passed: Optional[bool] = None
    text: str
    citation: str


class EligibilityResultOut(Schema):
    award: str
    outcome: str
    rule: dict[str, Any]
    checks: list[CheckOut]
    needs_confirmation: list[str]
    money_vnd: Optional[int] = Field(
        None, description="Tiền thưởng của danh hiệu, hình thức này (đồng); null: không đủ điều kiện, hoặc pháp luật chưa quy định mức (chưa xác định)"
    )


class MoneyTotalOut(Schema):
    vnd: int
    complete: bool
    unknown: list[str]
    lines: list[dict[str, Any]]


class EligibilityOut(Schema):
    results: list[EligibilityResultOut]
    money_total: Optional[MoneyTotalOut] = Field(
        None, description="Nếu được tặng cùng lúc các danh hiệu, hình thức không bị loại: mỗi thời gian đạt thành tích chỉ chi danh hiệu cao nhất (Nghị định 152/2025/NĐ-CP Điều 49)"
    )


_ID = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
_NULLABLE_INT = {"type": ["integer", "null"]}

VOTING_REQUEST = {
    "type": "object",
    "required": ["decided_on", "council_size", "present", "candidates"],
    "properties": {
        "kind": {"type": "string", "enum": ["voting"]},
        "decided_on": {"type": "string", "format": "date", "example": "2026-01-05"},
        "province": {"type": ["string", "null"], "description": "mã tỉnh, thành phố đang có hiệu lực"},
        "award": {"type": ["string", "null"], "example": "CSTD_TINH"},
        "threshold_percent": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 100},
        "council_size": {"type": "integer", "minimum": 1, "example": 15},
        "present": {"type": "integer", "minimum": 0, "example": 13},
        "written_opinions": {**_NULLABLE_INT, "minimum": 0, "example": 2},
        "quota": {**_NULLABLE_INT, "minimum": 1, "example": 2},
        "candidates": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": _ID, "name": {"type": "string"}, "yes": {**_NULLABLE_INT, "minimum": 0}},
            },
            "example": [{"id": "A", "yes": 14}, {"id": "B", "yes": 14}, {"id": "C", "yes": 9}],
        },
        "ballots": {"type": ["array", "null"], "items": {"type": "array", "items": _ID}},
        "chair_choice": {"type": ["array", "null"], "items": _ID},
    },
}

ELIGIBILITY_REQUEST = {
    "type": "object",
    "required": ["decided_on", "subject", "year"],
    "properties": {
        "kind": {"type": "string", "enum": ["eligibility"]},
        "decided_on": {"type": "string", "format": "date", "example": "2026-01-10"},
        "province": {"type": ["string", "null"]},
        "subject": {"type": "string", "enum": ["individual", "collective"]},
        "year": {"type": "integer", "example": 2025},
        "awards": {"type": "array", "items": {"type": "string"}, "example": ["CSTDCS", "CSTD_TINH"]},
        "history": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        "collective": {"type": ["object", "null"], "additionalProperties": True},
        "confirmations": {"type": "object", "additionalProperties": {"type": "boolean"}},
    },
}


def _body(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


# --------------------------------------------------------------------------- endpoints


def _answer(request: HttpRequest, kind: str) -> JsonResponse:
    try:
        payload = json.loads(request.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        result = error_result(
            "invalid_field", "Nội dung yêu cầu không phải JSON hợp lệ (cần một đối tượng JSON, mã hóa UTF-8).", None
        )
    else:
        result = evaluate_one(payload, expected_kind=kind)
    if not is_error(result):
        status = 200
    elif result["error"]["code"] == INTERNAL_ERROR:
        status = 500
    else:
        status = 422
    return JsonResponse(result, status=status, json_dumps_params={"ensure_ascii": False})


@router.post(
    "/eligibility/evaluate",
    auth=EVALUATE_AUTH,
    response={200: EligibilityOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Tính thử điều kiện khen thưởng",
    description="Đối tượng có đủ điều kiện cho danh hiệu, hình thức khen thưởng nào và vì sao (whatif-api.md).",
    openapi_extra=_body(ELIGIBILITY_REQUEST),
    operation_id="eligibility_evaluate",
)
def eligibility_evaluate(request: HttpRequest):
    return _answer(request, "eligibility")


@router.post(
    "/voting/evaluate",
    auth=EVALUATE_AUTH,
    response={200: VotingOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Kiểm phiếu thử",
    description="Kết quả bỏ phiếu: đủ số thành viên dự họp, ngưỡng phiếu, người được chọn (whatif-api.md).",
    openapi_extra=_body(VOTING_REQUEST),
    operation_id="voting_evaluate",
)
def voting_evaluate(request: HttpRequest):
    return _answer(request, "voting")


# For the route × access matrix: any signed-in account (or API token) may call these.
eligibility_evaluate.thidua_action = "signed_in"
voting_evaluate.thidua_action = "signed_in"
