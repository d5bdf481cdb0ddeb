"""/api/v1: Word dossiers (tờ trình, danh sách .docx) read into a draft proposal.

POST /proposal-imports (multipart: file, unit, year) reads the tables and matches people and
awards; nothing is proposed until POST …/confirm. PATCH …/rows/{row} resolves a row. The actions
of thidua/docimport/actions.py do every write (scope, audit); get_scoped_or_404 answers 404 for an
import outside the caller's units.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.

from typing import Any, Dict, List, Optional
from uuid import UUID

from django.conf import settings
from ninja import Field, File, Form, Router, Schema, UploadedFile

from thidua.api.auth import requires
from thidua.api.registry import ErrorOut, _ref, _user
from thidua.core.access import get_scoped_or_404
from thidua.docimport import actions
from thidua.docimport.matching import proposable_units
from thidua.docimport.models import ProposalImport
from thidua.docimport.selectors import imports_for, import_out
from thidua.org.models import Person, Unit

router = Router(tags=["Nhập hồ sơ đề nghị từ Word"])

ERRORS: Dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: Dict[int, Any] = {**ERRORS, 409: ErrorOut}


class ProposalImportRowOut(Schema):
    row: int = Field(description="Số thứ tự dòng trong danh sách đã đọc (dùng trong PATCH …/rows/{row})")
    name: str = Field(description="Họ và tên như ghi trong tệp (đã bỏ “Đồng chí”, “Ông”, “Bà”)")
    person: Optional[str] = Field(description="uid cá nhân đã khớp; null khi chưa xác định, và ở dòng tập thể")
    status: str = Field(description="MATCHED (khớp một người), AMBIGUOUS (nhiều người cùng tên, hoặc chỉ khớp khi bỏ dấu: cần chọn), "
                                    "UNKNOWN (không có trong đơn vị)")
    candidates: List[str] = Field(description="uid những người có thể là người này; ở dòng tập thể: uid các đơn vị có thể là tập thể này")
    award: Optional[str] = Field(description="Mã danh hiệu, hình thức trong danh mục (như whatif-api.md); null khi không nhận ra")
    problems: List[str]
    unit: Optional[str] = Field(None, description="Dòng tập thể: uid đơn vị (chính đơn vị đề nghị hoặc đơn vị trực thuộc) đã khớp; null khi chưa "
                                                  "xác định, và ở dòng cá nhân")
    subject: str = Field("individual", description="individual (cá nhân) hoặc collective (tập thể: danh hiệu chỉ dành cho tập thể, "
                                                    "mục “Tập thể”, hoặc tên là tên đơn vị)")
    status_label: str = ""
    award_name: str = ""
    award_text: str = Field("", description="Danh hiệu, hình thức như ghi trong tệp")
    position: str = ""
    achievements: str = ""
    resolved: bool = Field(False, description="Cán bộ đã chọn người cho dòng này")
    skipped: bool = Field(False, description="Cán bộ đã bỏ dòng này khỏi hồ sơ")


class ProposalImportOut(Schema):
    uid: str
    unit: str
    unit_name: str
    year: int
    title: str = Field(description="Trích yếu tờ trình đọc được (hoặc mặc định), dùng cho hồ sơ đề nghị")
    file_name: str
    state: str = Field(description="OPEN (chờ xác nhận) hoặc CONFIRMED (đã lập hồ sơ)")
    state_label: str
    proposal: Optional[str] = Field(description="uid hồ sơ đề nghị đã lập khi xác nhận")
    version: int
    pending: int = Field(description="Số dòng AMBIGUOUS / UNKNOWN còn phải xử lý trước khi xác nhận")
    left_out: List[int] = Field(description="Dòng sẽ không đưa vào hồ sơ vì chưa có danh hiệu, hình thức trong danh mục")
    rows: List[ProposalImportRowOut]
    problems: List[str]


class ProposalImportRowPatchOut(ProposalImportRowOut):
    """The resolved row, with the import's state, counts and every row (the rows' statuses after the change)."""

    uid: str = Field(description="uid của danh sách")
    state: str
    version: int
    pending: int
    left_out: List[int]
    rows: List[ProposalImportRowOut]


class ProposalImportPage(Schema):
    count: int
    items: List[ProposalImportOut]


class ProposalImportRowIn(Schema):
    person: Optional[UUID] = Field(None, description="Người đúng với dòng: một trong candidates, hoặc cá nhân của đơn vị, đơn vị trực thuộc")
    award: Optional[str] = Field(None, max_length=30, description="Đặt lại danh hiệu, hình thức (mã trong danh mục)")
    unit: Optional[UUID] = Field(None, description="Dòng tập thể: đơn vị đúng với dòng (một trong candidates, hoặc đơn vị đề nghị, đơn vị trực thuộc)")
    skip: Optional[bool] = Field(None, description="true: bỏ dòng này khỏi hồ sơ; false: lấy lại")
    version: Optional[int] = Field(None, description="Phiên bản đã đọc (compare-and-set); bỏ trống: không kiểm tra")


class ProposalImportConfirmOut(Schema):
    proposal: str
    left_out: List[int] = Field(default_factory=list, description="Dòng không đưa vào hồ sơ vì chưa có danh hiệu, hình thức trong danh mục")


@router.post("/proposal-imports", response={200: ProposalImportOut, **WRITE_ERRORS},
             summary="Đọc danh sách, tờ trình (.docx) của đơn vị: khớp người, danh hiệu; chưa lập hồ sơ")
@requires("proposal.edit")
def create_import(request, file: File[UploadedFile], unit: Form[UUID], year: Form[int]):
    user = _user(request)
    target = _ref(user, Unit, unit, "unit", "đơn vị đề nghị", action="proposal.edit")
    data = file.read(settings.DOCIMPORT_MAX_BYTES + 1)
    imp = actions.do_create_import(actor=user, unit=target, year=year, file_name=file.name or "", data=data, size=file.size)
    return 200, import_out(imp)


@router.get("/proposal-imports", response={200: ProposalImportPage, **ERRORS}, summary="Các danh sách Word đã đọc (chờ xác nhận trước)")
@requires("proposal.edit")
def list_imports(request, state: Optional[str] = None):
    qs = imports_for(_user(request), state=state if state in ("OPEN", "CONFIRMED") else None)[:200]
    items = [import_out(i) for i in qs]
    return {"count": len(items), "items": items}


@router.get("/proposal-imports/{uid}", response={200: ProposalImportOut, **ERRORS}, summary="Xem danh sách Word đã đọc và các dòng")
@requires("proposal.edit")
def get_import(request, uid: UUID):
    return import_out(get_scoped_or_404(_user(request), ProposalImport.objects.select_related("unit", "proposal"), "proposal.edit", uid=uid))


@router.patch("/proposal-imports/{uid}/rows/{row}", response={200: ProposalImportRowPatchOut, **WRITE_ERRORS},
              summary="Xử lý một dòng: chọn đúng người (hoặc tập thể), đặt danh hiệu, hoặc bỏ dòng")
@requires("proposal.edit")
def resolve_row(request, uid: UUID, row: int, payload: ProposalImportRowIn):
    user = _user(request)
    imp = get_scoped_or_404(user, ProposalImport.objects.select_related("unit"), "proposal.edit", uid=uid)
    person = _ref(user, Person, payload.person, "person", "cá nhân")
    # The proposing unit's sub-units are the collectives a row may name, even where the caller's grant is on the unit only.
    unit = None
    if payload.unit is not None:
        unit = proposable_units(imp.unit).filter(uid=payload.unit).first() or _ref(user, Unit, payload.unit, "unit", "đơn vị (tập thể)")
    actions.do_resolve_row(actor=user, imp=imp, row=row, person=person, unit=unit, award=payload.award, skip=payload.skip,
                           expected_version=payload.version)
    out = import_out(ProposalImport.objects.select_related("unit", "proposal").get(pk=imp.pk))
    resolved = next(r for r in out["rows"] if r["row"] == row)
    return {**resolved, **{k: out[k] for k in ("uid", "state", "version", "pending", "left_out", "rows")}}


@router.post("/proposal-imports/{uid}/confirm", response={201: ProposalImportConfirmOut, **WRITE_ERRORS},
             summary="Xác nhận: lập hồ sơ đề nghị (nháp) từ các dòng đã khớp")
@requires("proposal.edit")
def confirm_import(request, uid: UUID):
    user = _user(request)
    imp = get_scoped_or_404(user, ProposalImport.objects.select_related("unit"), "proposal.edit", uid=uid)
    proposal = actions.do_confirm_import(actor=user, imp=imp)
    imp.refresh_from_db()
    return 201, {"proposal": str(proposal.uid), "left_out": [r["row"] for r in imp.left_out_rows()]}
