"""The register of documents thidua generates (giao ước, báo cáo, biên bản, tờ trình…).

A generated DOCX is reproducible from data and kept with its SHA-256. After the văn thư registers
it, its số/ký hiệu and date are typed in and the DOCX is rendered again with them. The signed
scan, once uploaded, is the authoritative copy and the record is frozen.
"""

from __future__ import annotations

from django.db import models

from thidua.core.models import TenantModel


class DocumentState(models.TextChoices):
    GENERATED = "GENERATED", "Dự thảo (chưa vào sổ)"
    REGISTERED = "REGISTERED", "Đã vào sổ, có số"
    SIGNED = "SIGNED", "Đã ký, có bản scan"


class IssuedDocument(TenantModel):
    kind = models.CharField("Loại văn bản", max_length=40)
    source_key = models.CharField("Nguồn", max_length=80, db_index=True, help_text="Đối tượng dữ liệu sinh ra văn bản")
    title = models.CharField("Trích yếu", max_length=300)
    issuer = models.ForeignKey("org.Unit", verbose_name="Đơn vị ban hành", on_delete=models.PROTECT, related_name="+")
    bloc = models.ForeignKey("blocs.Bloc", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    doc_format = models.CharField("Thể thức", max_length=8)
    number = models.CharField("Số", max_length=20, blank=True)
    issued_on = models.DateField("Ngày ban hành", null=True, blank=True)
    generated_file = models.FileField("Tệp DOCX", upload_to="documents/", max_length=300)
    generated_sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField("Sinh lúc")
    signed_scan = models.FileField("Bản scan đã ký", upload_to="documents/", blank=True, max_length=300)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_uploaded_at = models.DateTimeField("Tải bản ký lúc", null=True, blank=True)
    state = models.CharField("Tình trạng", max_length=12, choices=DocumentState.choices, default=DocumentState.GENERATED)

    class Meta:
        verbose_name = "Văn bản"
        verbose_name_plural = "Văn bản"
        ordering = ["-generated_at"]
        constraints = [
            models.UniqueConstraint(fields=["province", "kind", "source_key"], name="documents_issued_source_uniq"),
        ]

    def __str__(self) -> str:
        return self.title
