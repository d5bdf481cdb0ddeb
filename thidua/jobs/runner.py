"""The one task of the queue: run a job by its uid, writing its progress as it goes.

Progress is written between stages, never inside an import's transaction (a row written there
would stay invisible to the page polling it until the end, and vanish with a rollback). Every
failure ends the job FAILED with a Vietnamese error: an import's rejected rows are kept one by one;
anything unexpected is logged and the user reads that nothing was written.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable, Iterable

from django.core.files.storage import default_storage
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from thidua.core.errors import ActionError
from thidua.core.files import store_bytes
from thidua.jobs.models import Job, JobKind, JobState

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNEXPECTED = ("Công việc dừng vì một lỗi của hệ thống; chưa có dữ liệu nào được ghi. "
              "Hãy chạy lại; nếu vẫn lỗi, báo quản trị hệ thống (thời điểm lỗi đã được ghi lại).")
ROWS_PER_PROGRESS = 500


@dataclass
class Outcome:
    message: str
    result_bytes: bytes | None = None
    result_name: str = ""


class Progress:
    """Writes the job's progress (0–100) and what it is doing; never goes backwards."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(99, int(percent)))
        if percent < self.job.progress:
            percent = self.job.progress
        fields = {"progress": percent, "updated_at": timezone.now()}
        if message:
            fields["message"] = message[:255]
        Job.objects.filter(pk=self.job.pk).update(**fields)
        self.job.progress = percent

    def over(self, rows: Iterable[Any], total: int, start: int, end: int, label: str) -> Iterable[Any]:
        """Yield `rows`, moving the progress from `start` to `end` every few hundred rows."""
        for index, row in enumerate(rows, 1):
            if index % ROWS_PER_PROGRESS == 0 and total:
                self(start + (end - start) * index // total, f"{label}: {index:,}/{total:,} dòng.".replace(",", "."))
            yield row


@task()
def run_job(job_uid: str) -> str:
    """Run the job once; a job already started (a second delivery) is left alone."""
    claimed = Job.objects.filter(uid=job_uid, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), progress=1, message="Bắt đầu chạy.", updated_at=timezone.now()
    )
    job = Job.objects.select_related("user", "province").filter(uid=job_uid).first()
    if job is None or not claimed:
        return job.state if job is not None else "MISSING"
    progress = Progress(job)
    try:
        outcome = HANDLERS[job.kind](job, progress)
    except ActionError as error:
        issues = [str(i) for i in getattr(error, "issues", [])]
        _finish(job, JobState.FAILED, error=error.message, issues=issues, message="Không thành công: chưa ghi dữ liệu nào.")
    except Exception:  # noqa: BLE001 — every failure must end the job with a Vietnamese error
        logger.exception("job %s (%s) failed", job.uid, job.kind)
        _finish(job, JobState.FAILED, error=UNEXPECTED, message="Không thành công.")
    else:
        result_path = ""
        if outcome.result_bytes is not None:
            result_path, _ = store_bytes("jobs/results", outcome.result_bytes, outcome.result_name)
        _finish(job, JobState.SUCCEEDED, message=outcome.message, result_path=result_path, result_name=outcome.result_name)
    return Job.objects.values_list("state", flat=True).get(pk=job.pk)


def _finish(job: Job, state: str, *, message: str, error: str = "", issues=(), result_path: str = "", result_name: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        state=state, progress=100 if state == JobState.SUCCEEDED else job.progress, message=message[:255], error=error,
        issues=list(issues)[:2000], result_path=result_path, result_name=result_name[:255], finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# ------------------------------------------------------------------------------ imports


def _read_input(job: Job) -> tuple[io.BytesIO, int]:
    with default_storage.open(job.input_path, "rb") as handle:
        data = handle.read()
    return io.BytesIO(data), len(data)


def _org_import(job: Job, progress: Progress) -> Outcome:
    from thidua.org import importer
    from thidua.org.models import Province

    progress(5, "Đang đọc tệp Excel.")
    fileobj, size = _read_input(job)
    sheets, issues = importer.read_workbook(fileobj, size)
    if issues:
        raise importer.ImportRejected(issues)
    rows = len(sheets[importer.UNIT_SHEET]) + len(sheets[importer.PERSON_SHEET])
    progress(35, f"Đang kiểm tra và ghi {rows} dòng (ghi trọn vẹn hoặc không ghi gì).")
    province = Province.objects.filter(uid=job.params["province"]).first() if job.params.get("province") else None
    result = importer.do_import_registry(
        actor=job.user, province=province, unit_rows=sheets[importer.UNIT_SHEET], person_rows=sheets[importer.PERSON_SHEET],
        file_name=job.input_name,
    )
    return Outcome(message=result.message())


def _history_import(job: Job, progress: Progress) -> Outcome:
    from thidua.history import importer

    progress(5, "Đang đọc tệp Excel.")
    fileobj, size = _read_input(job)
    sheets, issues = importer.read_workbook(fileobj, size)
    if issues:
        raise importer.ImportRejected(issues)
    progress(35, "Đang kiểm tra và ghi hồ sơ thành tích (ghi trọn vẹn hoặc không ghi gì).")
    result = importer.do_import_history(actor=job.user, sheets=sheets, file_name=job.input_name)
    return Outcome(message=result.message())


def _initiative_import(job: Job, progress: Progress) -> Outcome:
    from thidua.initiatives import importer
    from thidua.org.importer import read_sheets

    progress(5, "Đang đọc tệp Excel.")
    fileobj, size = _read_input(job)
    sheets, issues = read_sheets(fileobj, size, {importer.SHEET: importer.COLUMNS})
    if issues:
        raise importer.ImportRejected(issues)
    progress(35, "Đang kiểm tra và ghi sổ sáng kiến (ghi trọn vẹn hoặc không ghi gì).")
    result = importer.do_import_initiatives(actor=job.user, sheets=sheets, file_name=job.input_name)
    return Outcome(message=result.message())


# ------------------------------------------------------------------------------ exports


def _replayed_request(job: Job) -> SimpleNamespace:
    """What the list pages' filter helpers read from a request (the user and the query string),
    rebuilt from the job, so the job lists exactly what the page showed its user."""
    return SimpleNamespace(user=job.user, GET=QueryDict(job.params.get("query", "")))


def write_xlsx(columns: list[tuple[str, Callable[[Any], Any]]], rows: Iterable[Any], sheet_title: str) -> bytes:
    """An Excel workbook of `rows` (real types, dates as dates, formulas inert), like the pages' exports."""
    from openpyxl import Workbook

    from thidua.core.spreadsheets import write_only_cell

    workbook = Workbook(write_only=True)
    title = "".join(ch for ch in sheet_title if ch not in ':[]*?/\\')[:31] or "Danh sách"
    sheet = workbook.create_sheet(title)
    sheet.append([write_only_cell(sheet, label) for label, _ in columns])
    for row in rows:
        values = []
        for _, get in columns:
            value = get(row)
            if isinstance(value, bool):
                value = "Có" if value else "Không"
            values.append(write_only_cell(sheet, value))
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _person_export(job: Job, progress: Progress) -> Outcome:
    from thidua.org.views import PERSON_EXPORT_COLUMNS, _person_queryset

    progress(5, "Đang lọc danh sách cá nhân.")
    _, qs = _person_queryset(_replayed_request(job))
    total = qs.count()
    progress(10, f"Đang ghi {total:,} cá nhân vào tệp Excel.".replace(",", "."))
    rows = progress.over(qs.iterator(chunk_size=2000), total, 10, 95, "Đang ghi")
    data = write_xlsx(PERSON_EXPORT_COLUMNS, rows, "Cá nhân")
    return Outcome(message=f"Đã xuất {total:,} cá nhân.".replace(",", "."), result_bytes=data, result_name="danh-sach-ca-nhan.xlsx")


def _eligibility_export(job: Job, progress: Progress) -> Outcome:
    from thidua.history import views as history_views

    progress(5, "Đang lọc đối tượng.")
    request = _replayed_request(job)
    columns, rows, year, count = history_views.batch_export_rows(request, progress)
    total = len(rows)
    progress(70, f"Đang ghi {total:,} dòng vào tệp Excel.".replace(",", "."))
    data = write_xlsx(columns, progress.over(rows, total, 70, 95, "Đang ghi"), f"Đủ điều kiện {year}")
    return Outcome(message=f"Đã xét {count:,} đối tượng năm {year}; tệp có {total:,} dòng.".replace(",", "."),
                   result_bytes=data, result_name=f"du-dieu-kien-khen-thuong-{year}.xlsx")


HANDLERS: dict[str, Callable[[Job, Progress], Outcome]] = {
    JobKind.ORG_IMPORT: _org_import,
    JobKind.HISTORY_IMPORT: _history_import,
    JobKind.INITIATIVE_IMPORT: _initiative_import,
    JobKind.PERSON_EXPORT: _person_export,
    JobKind.ELIGIBILITY_EXPORT: _eligibility_export,
}

__all__ = ["run_job", "Progress", "Outcome", "HANDLERS", "write_xlsx", "transaction"]
