"""Access-matrix entries of thidua/jobs: a job is its starter's own (the An Giang officer's here)."""

from __future__ import annotations


def _job(world):
    """A finished export of the An Giang officer, with its result file (built directly: the
    matrix checks the pages, not the run)."""
    from thidua.core.files import store_bytes
    from thidua.jobs.models import Job, JobKind, JobState

    existing = Job.objects.filter(user=world.an_officer).first()
    if existing is not None:
        return existing
    path, _ = store_bytes("jobs/results", b"PK\x03\x04 ket qua", "danh-sach-ca-nhan.xlsx")
    return Job.objects.create(
        province=world.an_giang, user=world.an_officer, kind=JobKind.PERSON_EXPORT, state=JobState.SUCCEEDED, progress=100,
        message="Đã xuất 0 cá nhân.", result_path=path, result_name="danh-sach-ca-nhan.xlsx",
    )


def register(matrix) -> None:
    Sample, ActionEntry = matrix.Sample, matrix.ActionEntry
    for name in ("jobs:job_detail", "jobs:job_progress", "jobs:job_download"):
        matrix.SAMPLES[name] = Sample(lambda w: {"uid": _job(w).uid}, {"an_officer"})

    def start(world, actor):
        from thidua.jobs import actions
        from thidua.jobs.models import JobKind

        return actions.do_start_job(actor=actor, kind=JobKind.PERSON_EXPORT, province=world.an_giang, params={})

    matrix.ACTIONS["thidua.jobs.actions.do_start_job"] = ActionEntry("registry.export", start)
