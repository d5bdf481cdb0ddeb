"""Background jobs (công việc chạy nền): imports, the batch eligibility list and large exports.

A `Job` is ours; the task queue (django-tasks with its database backend) only carries the job's
uid. The task moves the job QUEUED → RUNNING → SUCCEEDED | FAILED, writing its progress (0–100)
and a Vietnamese message as it goes; a finished job keeps its result file under DATA_DIR, a failed
one its Vietnamese error (and, for an import, every rejected row). Imports keep their own
all-or-nothing transaction inside the task, so a failed job has written nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from thidua.core.models import TenantModel


class JobKind(models.TextChoices):
    ORG_IMPORT = "ORG_IMPORT", "Nhập đơn vị, cá nhân từ Excel"
    HISTORY_IMPORT = "HISTORY_IMPORT", "Nhập hồ sơ thành tích từ Excel"
    INITIATIVE_IMPORT = "INITIATIVE_IMPORT", "Nhập sổ sáng kiến từ Excel"
    ELIGIBILITY_EXPORT = "ELIGIBILITY_EXPORT", "Danh sách ai đủ điều kiện khen thưởng (Excel)"
    PERSON_EXPORT = "PERSON_EXPORT", "Xuất danh sách cá nhân (Excel)"


class JobState(models.TextChoices):
    QUEUED = "QUEUED", "Đang chờ chạy"
    RUNNING = "RUNNING", "Đang chạy"
    SUCCEEDED = "SUCCEEDED", "Đã xong"
    FAILED = "FAILED", "Không thành công"


FINISHED_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED})


class Job(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Người chạy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("Loại công việc", max_length=24, choices=JobKind.choices)
    state = models.CharField("Trạng thái", max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField("Tiến độ (%)", default=0)
    message = models.CharField("Đang làm", max_length=255, blank=True)
    # What the job works on: the filters of an export, the options of an import (JSON-safe values).
    params = models.JSONField("Tham số", default=dict, blank=True)
    input_path = models.CharField("Tệp tải lên (đường dẫn lưu trữ)", max_length=500, blank=True)
    input_name = models.CharField("Tên tệp tải lên", max_length=255, blank=True)
    result_path = models.CharField("Tệp kết quả (đường dẫn lưu trữ)", max_length=500, blank=True)
    result_name = models.CharField("Tên tệp kết quả", max_length=255, blank=True)
    error = models.TextField("Lỗi", blank=True)
    # An import's rejected rows, each a Vietnamese sentence naming sheet, row and column.
    issues = models.JSONField("Các dòng lỗi", default=list, blank=True)
    task_id = models.CharField("Mã tác vụ trong hàng đợi", max_length=64, blank=True)
    started_at = models.DateTimeField("Bắt đầu chạy lúc", null=True, blank=True)
    finished_at = models.DateTimeField("Kết thúc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Công việc chạy nền"
        verbose_name_plural = "Công việc chạy nền"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="jobs_job_user_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="jobs_job_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%d/%m/%Y %H:%M})" if self.created_at else self.get_kind_display()

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES
