"""Pages of background jobs: my jobs, one job with its progress bar (htmx polls the progress
fragment until the job ends), the result file, and the buttons that start the large exports."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from thidua.core.access import access, signed_in
from thidua.core.errors import ActionError
from thidua.core.paging import paginate
from thidua.jobs import actions, selectors
from thidua.jobs.models import JobKind

# Seconds between two polls of a running job's progress.
POLL_SECONDS = 1


@signed_in
def job_list(request):
    return render(request, "jobs/job_list.html", {"page_obj": paginate(request, selectors.jobs_of(request.user))})


@signed_in
def job_detail(request, uid):
    job = selectors.get_job_or_404(request.user, uid)
    return render(request, "jobs/job_detail.html", {"job": job, "poll_seconds": POLL_SECONDS})


@signed_in
def job_progress(request, uid):
    job = selectors.get_job_or_404(request.user, uid)
    return render(request, "jobs/_progress.html", {"job": job, "poll_seconds": POLL_SECONDS})


@signed_in
def job_download(request, uid):
    job = selectors.get_job_or_404(request.user, uid)
    if not job.result_path or not default_storage.exists(job.result_path):
        raise Http404("Không tìm thấy")
    content_type = mimetypes.guess_type(job.result_name)[0] or "application/octet-stream"
    return FileResponse(default_storage.open(job.result_path, "rb"), as_attachment=True, filename=job.result_name,
                        content_type=content_type)


def start_and_show(request, *, kind: str, action: str, params: dict, upload=None, province=None):
    """Start a job for the signed-in user and send them to its progress page."""
    province = selectors.province_for(request.user, action, province)
    job = actions.do_start_job(actor=request.user, kind=kind, province=province, params=params, upload=upload)
    return redirect("jobs:job_detail", uid=job.uid)


@require_POST
@access("registry.export")
def start_person_export(request):
    query = request.POST.get("query", "")
    try:
        return start_and_show(request, kind=JobKind.PERSON_EXPORT, action="registry.export", params={"query": query[:2000]})
    except ActionError as error:
        return render(request, "jobs/job_refused.html", {"error": error.message}, status=422)


@require_POST
@access("registry.view")
def start_eligibility_export(request):
    query = request.POST.get("query", "")
    try:
        return start_and_show(request, kind=JobKind.ELIGIBILITY_EXPORT, action="registry.view", params={"query": query[:2000]})
    except ActionError as error:
        return render(request, "jobs/job_refused.html", {"error": error.message}, status=422)
