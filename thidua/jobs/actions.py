"""Writes of background jobs: starting one. The task itself (thidua/jobs/runner.py) moves the job
through its states; the work it runs goes through each app's own actions and audit rows."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from thidua.audit.log import record
from thidua.core.access import ensure
from thidua.core.errors import ActionError
from thidua.core.files import store_upload
from thidua.jobs.models import Job, JobKind

logger = logging.getLogger(__name__)

# The action a user needs to start each kind of job; the work re-checks its own scope as the user.
KIND_ACTIONS = {
    JobKind.ORG_IMPORT: "registry.import",
    JobKind.HISTORY_IMPORT: "history.edit",
    JobKind.INITIATIVE_IMPORT: "history.edit",
    JobKind.ELIGIBILITY_EXPORT: "registry.view",
    JobKind.PERSON_EXPORT: "registry.export",
}
IMPORT_KINDS = frozenset({JobKind.ORG_IMPORT, JobKind.HISTORY_IMPORT, JobKind.INITIATIVE_IMPORT})


def do_start_job(*, actor, kind: str, province, params: dict | None = None, upload=None) -> Job:
    """Queue a job for `actor` and return it (already finished when the backend runs tasks immediately).

    An import needs its uploaded file; the file is stored under DATA_DIR before the job is queued.
    One audit row: the job was started (the import's own audit row follows when it writes).
    """
    if kind not in KIND_ACTIONS:
        raise ActionError("Loại công việc không hợp lệ.", field="kind")
    ensure(actor, KIND_ACTIONS[kind])
    if province is None:
        raise ActionError("Không xác định được tỉnh/thành phố của công việc.", field="province")
    input_path = input_name = ""
    if kind in IMPORT_KINDS:
        if upload is None:
            raise ActionError("Hãy chọn tệp Excel để nhập.", field="file")
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise ActionError(f"Tệp quá lớn. Dung lượng tối đa là {limit} MB; hãy chia nhỏ tệp.", field="file")
        input_path, _ = store_upload("jobs/inputs", upload)
        input_name = (upload.name or "tep.xlsx")[:255]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        job = Job.objects.create(
            province=province, user=actor_obj, kind=kind, params=params or {}, input_path=input_path, input_name=input_name,
            message="Đang chờ đến lượt chạy.",
        )
        record(actor=actor, action="jobs.job.start", obj=job, province=province,
               changes={"loại": [None, job.get_kind_display()]}, note=input_name)
    # Queued after the job row is written; with the database backend the task row is only seen by
    # the worker once the surrounding transaction (if any) commits, together with the job.
    from thidua.jobs.runner import run_job

    result = run_job.enqueue(job_uid=str(job.uid))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job
