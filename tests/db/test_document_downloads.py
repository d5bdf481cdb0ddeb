"""Downloads of generated documents: DOCX and PDF, on the pages and under /api/v1 with a Bearer token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts import actions as account_actions
from thidua.documents import pdf as pdf_module
from thidua.documents.actions import do_generate_document
from thidua.org import actions as org_actions
from thidua.proposals import actions

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _bearer(user) -> Client:
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm văn thư")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def document(world):
    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn An", "gender": "NAM"})
    decision = actions.do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": "5", "symbol": "QĐ-BTGTU", "issued_on": dt.date(2026, 1, 10), "level": "UNIT", "issuer_unit": world.tuyen_giao,
              "issuer_name": "Ban Tuyên giáo Tỉnh ủy", "signer_title": "Trưởng ban", "signer_name": "Trần Thị Thanh Hương"},
        recipients=[{"person": person, "award": "LDTT", "year": 2025}],
    )
    return do_generate_document(actor=world.an_officer, kind_code="AWARD_DECISION", source=decision)


def test_a_token_client_downloads_the_docx_and_the_pdf(world, document):
    client = _bearer(world.an_officer)
    docx = client.get(reverse("api:document_docx", kwargs={"uid": document.uid}))
    assert docx.status_code == 200 and docx["Content-Type"] == DOCX
    assert docx.content == document.generated_file.open("rb").read()
    assert 'filename="quyet-dinh-khen-thuong-5' in docx["Content-Disposition"]
    pdf = client.get(reverse("api:document_pdf", kwargs={"uid": document.uid}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].endswith('.pdf"')


def test_the_api_finds_documents_only_in_the_callers_scope(world, document):
    assert _bearer(world.qn_officer).get(reverse("api:document_docx", kwargs={"uid": document.uid})).status_code == 404
    anonymous = Client().get(reverse("api:document_pdf", kwargs={"uid": document.uid}))
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthenticated"


def test_a_failed_conversion_answers_in_vietnamese(world, document, settings, tmp_path, monkeypatch, client_for):
    settings.DATA_DIR = tmp_path  # an empty PDF cache
    monkeypatch.setattr(pdf_module, "soffice", lambda: None)
    answer = _bearer(world.an_officer).get(reverse("api:document_pdf", kwargs={"uid": document.uid}))
    error = answer.json()["error"]
    assert answer.status_code == 503 and error["code"] == "pdf_unavailable"
    assert "LibreOffice" in error["message"] and "DOCX" in error["message"]
    page = client_for(world.an_officer).get(reverse("documents:download_pdf", args=[document.uid]), follow=True)
    assert page.status_code == 200 and "chưa xuất được PDF" in page.content.decode()


@pytest.mark.sqlite
def test_the_page_offers_the_pdf_beside_the_docx(world, document, client_for):
    client = client_for(world.an_officer)
    response = client.get(reverse("documents:download_pdf", args=[document.uid]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert client_for(world.qn_officer).get(reverse("documents:download_pdf", args=[document.uid])).status_code == 404
