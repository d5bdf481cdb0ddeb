"""/api/v1/jobs: background jobs (issue #15 point 5) — start a large export, poll a job, download
its result with a Bearer token.

A job is its starter's own: another account's job answers 404 like a missing one. The imports of
the pages also run as jobs (their pages redirect to the job); the API's own import endpoints stay
synchronous and answer with the import's result (docs/api.md, “Công việc chạy nền”).
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

import datetime as dt
from typing import Any, Dict, List, Literal, Optional
from uuid import UUID

from django.core.files.storage import default_storage
from django.http import FileResponse
from ninja import Field, Query, Router, Schema

from thidua.api.auth import requires
from thidua.api.errors import ReferenceNotFound
from thidua.api.registry import ErrorOut, PageParams, _page, _user
from thidua.jobs import actions, selectors
from thidua.jobs.models import Job, JobKind

router = Router(tags=["Công việc chạy nền"])
# 400: a body that is not JSON; 422: a body that names an unknown kind or a bad field.
ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

EXPORT_KINDS = {"PERSON_EXPORT": ("registry.export", JobKind.PERSON_EXPORT), "ELIGIBILITY_EXPORT": ("registry.view", JobKind.ELIGIBILITY_EXPORT)}


class JobOut(Schema):
    uid: UUID
    kind: str = Field(description="ORG_IMPORT, HISTORY_IMPORT, INITIATIVE_IMPORT, ELIGIBILITY_EXPORT, PERSON_EXPORT")
    kind_label: str
    state: str = Field(description="QUEUED, RUNNING, SUCCEEDED, FAILED")
    state_label: str
    progress: int = Field(description="0–100")
    message: str
    error: str = Field(description="Lỗi bằng tiếng Việt khi state = FAILED; khi đó không có dữ liệu nào được ghi")
    issues: List[str] = Field(description="Các dòng bị từ chối của một lần nhập (trang, dòng, cột, lý do)")
    input_name: str
    result_name: str
    result_url: Optional[str] = Field(description="Tải tệp kết quả (Bearer) khi state = SUCCEEDED và có tệp")
    created_at: dt.datetime
    finished_at: Optional[dt.datetime]


class JobPage(Schema):
    count: int
    limit: int
    offset: int
    items: List[JobOut]


class ExportIn(Schema):
    kind: Literal[tuple(EXPORT_KINDS)]  # type: ignore[valid-type]
    query: str = Field("", max_length=2000, description="Bộ lọc của trang danh sách, dạng chuỗi truy vấn, ví dụ “nam=2025&khen_thuong=LDTT”")


def job_out(job: Job) -> dict:
    return {
        "uid": job.uid, "kind": job.kind, "kind_label": job.get_kind_display(), "state": job.state,
        "state_label": job.get_state_display(), "progress": job.progress, "message": job.message, "error": job.error,
        "issues": list(job.issues or []), "input_name": job.input_name, "result_name": job.result_name,
        "result_url": f"/api/v1/jobs/{job.uid}/result" if job.result_path else None,
        "created_at": job.created_at, "finished_at": job.finished_at,
    }


@router.get("/jobs", response={200: JobPage, **ERRORS}, summary="Các công việc chạy nền của tài khoản mình (mới nhất trước)")
@requires("self.manage")
def list_jobs(request, params: Query[PageParams]):
    return _page(selectors.jobs_of(_user(request)), params, job_out)


@router.post("/jobs", response={202: JobOut, **ERRORS}, summary="Bắt đầu một bản xuất lớn chạy nền (danh sách cá nhân, ai đủ điều kiện)")
@requires("self.manage")
def start_export(request, payload: ExportIn):
    user = _user(request)
    action, kind = EXPORT_KINDS[payload.kind]
    province = selectors.province_for(user, action)
    job = actions.do_start_job(actor=user, kind=kind, province=province, params={"query": payload.query})
    return 202, job_out(job)


@router.get("/jobs/{uid}", response={200: JobOut, **ERRORS}, summary="Xem tiến độ, kết quả hoặc lỗi của một công việc")
@requires("self.manage")
def get_job(request, uid: UUID):
    return job_out(selectors.get_job_or_404(_user(request), uid))


@router.get("/jobs/{uid}/result", response={200: None, **ERRORS}, url_name="job_result", summary="Tải tệp kết quả của công việc đã xong")
@requires("self.manage")
def job_result(request, uid: UUID):
    job = selectors.get_job_or_404(_user(request), uid)
    if not job.result_path or not default_storage.exists(job.result_path):
        raise ReferenceNotFound("Công việc chưa có tệp kết quả.")
    return FileResponse(default_storage.open(job.result_path, "rb"), as_attachment=True, filename=job.result_name)
