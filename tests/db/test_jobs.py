"""Background jobs (issue #15 point 5): imports and large exports run as jobs with progress, a
result file and, on failure, a Vietnamese error with nothing written.

Most tests run tasks with django-tasks' ImmediateBackend (tests/conftest.py); one runs a job
through the database backend and `manage.py db_worker --batch` in-process, as `make run` does.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.db.test_import_registry import person_row, unit_row, workbook_bytes
from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.jobs import actions, runner
from thidua.jobs.models import Job, JobKind, JobState
from thidua.org import actions as org_actions
from thidua.org.models import Person, Unit

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _upload(data: bytes, name: str = "danh-muc.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_an_import_runs_as_a_job_and_its_page_shows_the_finished_bar(world, client_for):
    client = client_for(world.an_officer)
    data = workbook_bytes(units=[unit_row("Ban Nội chính Tỉnh ủy")], people=[person_row("Đỗ Minh Khôi", "Ban Nội chính Tỉnh ủy")])
    response = client.post(reverse("orgimport:upload"), {"file": _upload(data)})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", kwargs={"uid": job.uid})
    assert (job.kind, job.state, job.progress, job.user) == (JobKind.ORG_IMPORT, JobState.SUCCEEDED, 100, world.an_officer)
    assert job.province == world.an_giang and job.finished_at is not None
    assert Person.objects.get(full_name="Đỗ Minh Khôi").unit.name == "Ban Nội chính Tỉnh ủy"
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page and "Đã xong" in page and "Đã nhập 1 đơn vị, 1 cá nhân." in page
    # A finished job's fragment stops polling; the list shows it too.
    fragment = client.get(reverse("jobs:job_progress", kwargs={"uid": job.uid})).content.decode()
    assert "hx-trigger" not in fragment
    assert "Nhập đơn vị, cá nhân từ Excel" in client.get(reverse("jobs:job_list")).content.decode()
    # One audit row for the start of the job, one for the import it ran.
    assert list(AuditLog.objects.filter(action__in=["jobs.job.start", "org.registry.import"]).order_by("pk")
                .values_list("action", flat=True)) == ["jobs.job.start", "org.registry.import"]


def test_a_failed_import_job_shows_its_vietnamese_error_and_writes_nothing(world, client_for):
    client = client_for(world.an_officer)
    units, people = Unit.objects.count(), Person.objects.count()
    data = workbook_bytes(units=[unit_row("Ban Nội chính Tỉnh ủy")], people=[person_row("Hồ Văn Lâm", "Ban Không Có")])
    page = client.post(reverse("orgimport:upload"), {"file": _upload(data)}, follow=True).content.decode()
    job = Job.objects.get()
    assert job.state == JobState.FAILED and job.progress < 100
    assert job.error.startswith("Không nhập được: tệp có 1 lỗi. Chưa có dữ liệu nào được ghi")
    assert any("Ban Không Có" in issue for issue in job.issues)
    assert "Không thành công" in page and "Ban Không Có" in page and "Sửa tệp rồi tải lên lại" in page
    # The valid unit row of the same file was not written either.
    assert (Unit.objects.count(), Person.objects.count()) == (units, people)
    assert not AuditLog.objects.filter(action="org.registry.import").exists()


def test_a_bad_file_is_refused_on_the_upload_page_before_any_job(world, client_for):
    response = client_for(world.an_officer).post(reverse("orgimport:upload"), {"file": _upload(b"ho ten,don vi\nA,B\n")})
    assert response.status_code == 422
    assert "Tệp không phải bảng tính Excel (.xlsx)" in response.content.decode()
    assert not Job.objects.exists()


def test_an_unexpected_failure_ends_the_job_with_a_vietnamese_error(world, monkeypatch):
    def broken(job, progress):
        progress(40, "Đang ghi.")
        raise RuntimeError("disk full")

    monkeypatch.setitem(runner.HANDLERS, JobKind.PERSON_EXPORT, broken)
    job = actions.do_start_job(actor=world.an_officer, kind=JobKind.PERSON_EXPORT, province=world.an_giang, params={})
    assert job.state == JobState.FAILED and job.progress == 40
    assert job.error == runner.UNEXPECTED and "disk full" not in job.error
    assert job.result_path == ""


def test_a_job_is_its_starters_own(world, client_for):
    job = actions.do_start_job(actor=world.an_officer, kind=JobKind.PERSON_EXPORT, province=world.an_giang, params={})
    for persona in (world.viewer, world.qn_officer):
        client = Client()
        client.force_login(persona)
        for name in ("jobs:job_detail", "jobs:job_progress", "jobs:job_download"):
            assert client.get(reverse(name, kwargs={"uid": job.uid})).status_code == 404
        assert str(job.uid) not in client.get(reverse("jobs:job_list")).content.decode()


def test_a_viewer_cannot_start_an_import_job(world):
    from thidua.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        actions.do_start_job(actor=world.viewer, kind=JobKind.ORG_IMPORT, province=world.an_giang,
                             upload=_upload(workbook_bytes(people=[person_row("Hồ Văn Lâm", "Ban Tuyên giáo Tỉnh ủy")])))
    assert not Job.objects.exists()


def test_person_export_job_lists_the_filtered_people_in_scope(world, client_for):
    org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU"})
    org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Trần Văn Nam", "gender": "NAM"})
    org_actions.do_create_person(actor=None, unit=world.qn_unit, data={"full_name": "Phạm Quảng Ninh", "gender": "NU"})
    client = client_for(world.an_officer)
    listing = client.get(reverse("org:person_list"), {"gender": "NU"}).content.decode()
    assert 'name="query" value="gender=NU"' in listing
    response = client.post(reverse("jobs:start_person_export"), {"query": "gender=NU"}, follow=True)
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED and job.result_name == "danh-sach-ca-nhan.xlsx"
    assert "Đã xuất 1 cá nhân." in response.content.decode()
    download = client.get(reverse("jobs:job_download", kwargs={"uid": job.uid}))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and [r[0] for r in rows[1:]] == ["Lê Thị Hoa"]


def test_eligibility_export_job_writes_the_batch_list(world, client_for):
    from thidua.history import actions as history_actions

    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Người đủ điều kiện", "gender": "NAM"})
    history_actions.do_set_task_rating(None, person, 2025, "GOOD")
    client = client_for(world.an_officer)
    client.post(reverse("jobs:start_eligibility_export"), {"query": "nam=2025&khen_thuong=LDTT"})
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED and job.result_name == "du-dieu-kien-khen-thuong-2025.xlsx"
    download = client.get(reverse("jobs:job_download", kwargs={"uid": job.uid}))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and rows[1][0] == "Người đủ điều kiện"
    assert rows[1][-1] == "Đủ điều kiện nếu Hội đồng xác nhận"


def test_api_polls_a_job_and_downloads_its_result_with_a_bearer_token(world):
    _, secret = account_actions.do_create_api_token(actor=world.an_officer, name="Phần mềm báo cáo")
    org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Hoa", "gender": "NU"})
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    started = client.post("/api/v1/jobs", {"kind": "PERSON_EXPORT", "query": ""}, content_type="application/json")
    assert started.status_code == 202
    body = started.json()
    assert body["state"] == "SUCCEEDED" and body["progress"] == 100
    polled = client.get(f"/api/v1/jobs/{body['uid']}").json()
    assert polled["result_url"] == f"/api/v1/jobs/{body['uid']}/result"
    download = client.get(polled["result_url"])
    assert download.status_code == 200
    assert "Lê Thị Hoa" in [r[0] for r in load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True)]
    assert client.get("/api/v1/jobs").json()["count"] == 1
    # Another account's token sees no such job.
    _, other = account_actions.do_create_api_token(actor=world.qn_officer, name="Khác")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(f"/api/v1/jobs/{body['uid']}").status_code == 404
    refused = client.post("/api/v1/jobs", {"kind": "ORG_IMPORT"}, content_type="application/json")
    assert refused.status_code == 422


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_in_the_database_runs_in_the_worker(world, client_for, settings):
    """The database backend only queues: the job waits (the page polls) until `db_worker` runs it."""
    settings.TASKS = DATABASE_BACKEND
    from django_tasks_db.models import DBTaskResult

    client = client_for(world.an_officer)
    data = workbook_bytes(people=[person_row("Võ Thị Kim Ngân", "Ban Tuyên giáo Tỉnh ủy", gender="Nữ")])
    response = client.post(reverse("orgimport:upload"), {"file": _upload(data)})
    job = Job.objects.get()
    assert job.state == JobState.QUEUED and job.progress == 0
    assert DBTaskResult.objects.filter(id=job.task_id).exists()
    waiting = client.get(reverse("jobs:job_progress", kwargs={"uid": job.uid})).content.decode()
    assert "hx-trigger=\"every 1s\"" in waiting and "Đang chờ chạy" in waiting
    assert not Person.objects.filter(full_name="Võ Thị Kim Ngân").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.progress == 100
    assert Person.objects.filter(full_name="Võ Thị Kim Ngân").exists()
    done = client.get(response["Location"]).content.decode()
    assert "Đã nhập 1 cá nhân." in done and "hx-trigger" not in done


def test_a_batch_too_large_for_the_page_is_offered_as_a_job(world, client_for, settings):
    from thidua.history import actions as history_actions

    settings.BATCH_INLINE_LIMIT = 1
    for name in ("Người thứ nhất", "Người thứ hai"):
        person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NAM"})
        history_actions.do_set_task_rating(None, person, 2025, "GOOD")
    client = client_for(world.an_officer)
    page = client.get(reverse("history:batch"), {"nam": "2025"}).content.decode()
    assert "Bộ lọc chọn 2 cá nhân, nhiều hơn 1" in page and "Người thứ nhất" not in page
    assert 'name="query" value="nam=2025"' in page
    response = client.post(reverse("jobs:start_eligibility_export"), {"query": "nam=2025"}, follow=True)
    assert "Đã xét 2 đối tượng năm 2025" in response.content.decode()
    job = Job.objects.get()
    download = client.get(reverse("jobs:job_download", kwargs={"uid": job.uid}))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"Người thứ nhất", "Người thứ hai"}
