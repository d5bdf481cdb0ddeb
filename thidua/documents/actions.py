"""Generating, registering and signing documents. Rendering happens before the transaction so a
slow DOCX build never holds the SQLite write lock."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from thidua.audit.log import record
from thidua.core.access import ensure
from thidua.core.errors import ActionError, ConcurrentEditError
from thidua.core.files import store_bytes, store_upload
from thidua.documents.docx import render_docx
from thidua.documents.models import DocumentState, IssuedDocument
from thidua.documents.registry import KINDS, DocumentKind
from thidua.rules.text import nfc

MAX_SCAN_BYTES = 30 * 1024 * 1024
NUMBER_PATTERN = re.compile(r"^[0-9]{1,6}[A-Za-zĐđ]?$")


def _kind(code: str) -> DocumentKind:
    try:
        return KINDS[code]
    except KeyError:
        raise ActionError("Loại văn bản không hợp lệ.") from None


def _render(kind: DocumentKind, source, number: str, issued_on: dt.date | None):
    built = kind.build(source, number, issued_on)
    data = render_docx(built.spec)
    path, sha = store_bytes("documents", data, built.filename)
    return built, path, sha


def do_generate_document(*, actor, kind_code: str, source) -> IssuedDocument:
    """Generate (or re-generate while still a draft) the document of `source`."""
    kind = _kind(kind_code)
    action, target = kind.permission(source)
    ensure(actor, action, **target)
    key = kind.key_of(source)
    existing = IssuedDocument.objects.filter(kind=kind.code, source_key=key).first()
    if existing is not None and existing.state == DocumentState.SIGNED:
        raise ActionError("Văn bản đã có bản ký, không sinh lại được nữa.")
    number = existing.number if existing else ""
    issued_on = existing.issued_on if existing else None
    built, path, sha = _render(kind, source, number, issued_on)
    with transaction.atomic():
        if existing is None:
            document = IssuedDocument.objects.create(
                province_id=built.issuer.province_id if built.bloc is None else built.bloc.province_id,
                kind=kind.code, source_key=key, title=built.title[:300], issuer=built.issuer, bloc=built.bloc,
                doc_format=built.spec.layout.code, generated_file=path, generated_sha256=sha, generated_at=timezone.now(),
            )
            record(actor=actor, action="documents.generate", obj=document, changes={"generated_sha256": [None, sha]})
            return document
        old_sha = existing.generated_sha256
        updated = IssuedDocument.objects.filter(pk=existing.pk, version=existing.version).exclude(state=DocumentState.SIGNED).update(
            title=built.title[:300], issuer=built.issuer, bloc=built.bloc, doc_format=built.spec.layout.code,
            generated_file=path, generated_sha256=sha, generated_at=timezone.now(), version=F("version") + 1,
        )
        if updated != 1:
            raise ConcurrentEditError("Văn bản vừa được người khác cập nhật. Hãy tải lại trang.")
        existing.refresh_from_db()
        if old_sha != sha:
            record(actor=actor, action="documents.regenerate", obj=existing, changes={"generated_sha256": [old_sha, sha]})
        return existing


def do_register_document(*, actor, document: IssuedDocument, number: str, issued_on: dt.date, expected_version: int) -> IssuedDocument:
    """The văn thư registered the document: record its number and date and render it again with them."""
    kind = _kind(document.kind)
    source = kind.load(document.source_key)
    action, target = kind.permission(source)
    ensure(actor, action, **target)
    number = nfc(number)
    if not NUMBER_PATTERN.match(number or ""):
        raise ActionError("Số văn bản chỉ gồm chữ số (có thể thêm một chữ cái), ví dụ 05 hoặc 127.", field="number")
    if issued_on is None:
        raise ActionError("Hãy nhập ngày ban hành (ngày/tháng/năm).", field="issued_on")
    if issued_on > dt.date.today() + dt.timedelta(days=1):
        raise ActionError("Ngày ban hành không được ở tương lai.", field="issued_on")
    if document.state == DocumentState.SIGNED:
        raise ActionError("Văn bản đã có bản ký, không sửa số được nữa.")
    built, path, sha = _render(kind, source, number, issued_on)
    with transaction.atomic():
        updated = IssuedDocument.objects.filter(pk=document.pk, version=expected_version).exclude(state=DocumentState.SIGNED).update(
            number=number, issued_on=issued_on, generated_file=path, generated_sha256=sha, generated_at=timezone.now(),
            state=DocumentState.REGISTERED, version=F("version") + 1,
        )
        if updated != 1:
            raise ConcurrentEditError("Văn bản vừa được người khác cập nhật. Hãy tải lại trang.")
        before = {"number": document.number, "issued_on": document.issued_on.isoformat() if document.issued_on else None}
        document.refresh_from_db()
        record(
            actor=actor, action="documents.register", obj=document,
            changes={"number": [before["number"], number], "issued_on": [before["issued_on"], issued_on.isoformat()]},
        )
    return document


def do_upload_signed_scan(*, actor, document: IssuedDocument, upload, expected_version: int) -> IssuedDocument:
    """The signed, sealed scan becomes the authoritative copy; the record is frozen after this."""
    kind = _kind(document.kind)
    action, target = kind.permission(kind.load(document.source_key))
    ensure(actor, action, **target)
    if document.state != DocumentState.REGISTERED:
        raise ActionError("Hãy nhập số, ngày văn bản (sau khi văn thư vào sổ) trước khi tải bản ký.")
    if upload is None:
        raise ActionError("Hãy chọn tệp bản scan đã ký.", field="scan")
    if upload.size > MAX_SCAN_BYTES:
        raise ActionError("Tệp bản scan vượt quá 30 MB.", field="scan")
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ActionError("Bản scan phải là tệp PDF.", field="scan")
    path, sha = store_upload("documents", upload)
    with transaction.atomic():
        updated = IssuedDocument.objects.filter(pk=document.pk, version=expected_version, state=DocumentState.REGISTERED).update(
            signed_scan=path, signed_sha256=sha, signed_uploaded_at=timezone.now(), state=DocumentState.SIGNED, version=F("version") + 1,
        )
        if updated != 1:
            raise ConcurrentEditError("Văn bản vừa được người khác cập nhật. Hãy tải lại trang.")
        document.refresh_from_db()
        record(actor=actor, action="documents.sign", obj=document, changes={"signed_sha256": [None, sha]})
    return document
