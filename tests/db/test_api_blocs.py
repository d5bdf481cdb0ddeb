"""/api/v1 of the block year: the same scope, permissions and audit as the pages."""

import datetime as dt

import pytest
from django.test import Client

from thidua.accounts import actions as account_actions
from thidua.api.main import api_operations
from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import Bloc, BlocKind, BlocYear, Covenant, Membership
from thidua.core.access import PERMISSIONS
from thidua.movements.models import Movement, Registration
from thidua.org import actions as org_actions

pytestmark = pytest.mark.django_db

API = "/api/v1"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VIETNAMESE_LETTERS = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


def _vietnamese(body, code):
    error = body["error"]
    return error["code"] == code and any(ch in error["message"].lower() for ch in VIETNAMESE_LETTERS)


def _bearer(user) -> Client:
    """A client that calls the API with a personal token, as an integration would."""
    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm báo cáo")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def _put(client, url, data):
    return client.put(url, data, content_type="application/json")


def _patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def year(world):
    """An Giang's Party-agencies block in 2025 with Ban Tuyên giáo and Ban Tổ chức, built by the actions."""
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    bloc_year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2025)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=bloc_year, unit=unit)
    bloc_year.refresh_from_db()
    return bloc_year


# ---------------------------------------------------------------- the whole year through the API


@pytest.mark.sqlite
def test_a_block_year_from_creation_to_the_signed_covenant_docx(world):
    officer = _bearer(world.an_officer)
    unit = _bearer(world.unit_officer)

    created = _post(officer, f"{API}/blocs", {"province": str(world.an_giang.uid), "name": "Khối  thi đua các cơ quan Đảng tỉnh"})
    assert created.status_code == 201, created.content
    bloc = created.json()
    assert bloc["name"] == "Khối thi đua các cơ quan Đảng tỉnh" and bloc["kind_label"] == "Khối thi đua" and bloc["years"] == []

    opened = _post(officer, f"{API}/blocs/{bloc['uid']}/years", {"year": 2025})
    assert opened.status_code == 201, opened.content
    year = opened.json()["year"]
    assert year["year"] == 2025 and year["members"] == []
    registration_deadline = next(d for d in year["deadlines"] if d["kind"] == "REGISTRATION")
    assert registration_deadline == {**registration_deadline, "kind_label": "Đăng ký thi đua", "due_on": "2025-03-31"}

    for member in (world.tuyen_giao, world.to_chuc):
        added = _post(officer, f"{API}/bloc-years/{year['uid']}/members", {"unit": str(member.uid), "joined_on": "2025-01-02"})
        assert added.status_code == 201, added.content
        assert added.json()["joined_on"] == "2025-01-02" and added.json()["is_current"] is True

    assert [y["year"] for y in officer.get(f"{API}/blocs/{bloc['uid']}/years").json()] == [2025]
    assert officer.get(f"{API}/blocs/{bloc['uid']}").json()["years"] == [2025]
    detail = officer.get(f"{API}/bloc-years/{year['uid']}").json()
    assert [m["unit"]["name"] for m in detail["members"]] == ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"]
    proposal = officer.get(f"{API}/bloc-years/{year['uid']}/leadership-proposal").json()
    assert proposal["head"] is not None and proposal["reasons"]
    led = _put(officer, f"{API}/bloc-years/{year['uid']}/leadership", {
        "version": detail["version"], "head_unit": str(world.tuyen_giao.uid), "deputy_unit": str(world.to_chuc.uid),
        "decided_on": "2025-01-15", "note": "Biên bản hội nghị tổng kết năm 2024",
    })
    assert led.status_code == 200, led.content
    led = led.json()
    assert led["head_unit"]["name"] == "Ban Tuyên giáo Tỉnh ủy" and led["deputy_unit"]["name"] == "Ban Tổ chức Tỉnh ủy"
    assert led["head_selected_by_label"] == "Bầu tại hội nghị tổng kết" and led["head_term_start"] == "2025-01-01"
    assert led["version"] == detail["version"] + 1

    # The unit registers for itself, through its own API token.
    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn An", "gender": "NAM"})
    started = _post(unit, f"{API}/bloc-years/{year['uid']}/registrations", {"unit": str(world.tuyen_giao.uid)})
    assert started.status_code == 201, started.content
    registration = started.json()
    assert (registration["state"], registration["state_label"], registration["editable"]) == ("DRAFT", "Chưa gửi", True)
    updated = _put(unit, f"{API}/registrations/{registration['uid']}", {
        "version": registration["version"], "targets": "Hoàn thành xuất sắc nhiệm vụ",
        "items": [
            {"subject_kind": "collective", "award": "TTLDXS"},
            {"subject_kind": "individual", "person": str(person.uid), "award": "CSTDCS", "note": "Trưởng phòng"},
        ],
    })
    assert updated.status_code == 200, updated.content
    updated = updated.json()
    assert [(i["award_label"], (i["person"] or {}).get("full_name")) for i in updated["items"]] == [
        ("Tập thể lao động xuất sắc", None), ("Chiến sĩ thi đua cơ sở", "Nguyễn Văn An"),
    ]
    submitted = _post(unit, f"{API}/registrations/{registration['uid']}/submit", {"version": updated["version"]})
    assert submitted.status_code == 200, submitted.content
    submitted = submitted.json()
    assert (submitted["state"], submitted["state_label"]) == ("SUBMITTED", "Chờ duyệt")
    assert submitted["submitted_at"].startswith(str(dt.date.today().year))
    approved = _post(officer, f"{API}/registrations/{registration['uid']}/approve", {"version": submitted["version"]})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["state"], approved.json()["state_label"]) == ("APPROVED", "Đã duyệt")
    rollup = officer.get(f"{API}/bloc-years/{year['uid']}/registrations").json()
    assert rollup["can_review"] is True and rollup["deadline"] == "2025-03-31"
    lines = {r["unit"]["name"]: r for r in rollup["rows"]}
    assert lines["Ban Tuyên giáo Tỉnh ủy"]["counts"] == {"CSTDCS": 1, "TTLDXS": 1}
    assert lines["Ban Tuyên giáo Tỉnh ủy"]["registration"]["state_label"] == "Đã duyệt"
    assert lines["Ban Tổ chức Tỉnh ủy"]["registration"] is None

    # The covenant: drafted, targets filled, sent for confirmation, confirmed by each unit, signed.
    drafted = _post(officer, f"{API}/bloc-years/{year['uid']}/covenant", {"content": "Thi đua hoàn thành xuất sắc nhiệm vụ chính trị", "place": "An Giang"})
    assert drafted.status_code == 201, drafted.content
    covenant = drafted.json()
    assert covenant["title"] == "Giao ước thi đua năm 2025" and covenant["state_label"] == "Dự thảo" and covenant["document"] is None
    filled = _patch(officer, f"{API}/covenants/{covenant['uid']}", {
        "version": covenant["version"],
        "targets": [{"unit": str(world.tuyen_giao.uid), "targets": "100% chi bộ trong sạch, vững mạnh"},
                    {"unit": str(world.to_chuc.uid), "targets": "Hoàn thành 100% kế hoạch công tác"}],
    })
    assert filled.status_code == 200, filled.content
    opened_cov = _post(officer, f"{API}/covenants/{covenant['uid']}/open", {"version": filled.json()["version"]})
    assert opened_cov.status_code == 200, opened_cov.content
    assert opened_cov.json()["state"] == "CONFIRMING"
    commitments = {c["unit"]["name"]: c for c in opened_cov.json()["commitments"]}
    own = _post(unit, f"{API}/commitments/{commitments['Ban Tuyên giáo Tỉnh ủy']['uid']}/confirm", {"signer_name": "Trần Văn Bình", "signer_title": "Trưởng ban"})
    assert own.status_code == 200, own.content
    # The unit officer cannot confirm for another member: outside its scope.
    other = _post(unit, f"{API}/commitments/{commitments['Ban Tổ chức Tỉnh ủy']['uid']}/confirm", {"signer_name": "X", "signer_title": "Y"})
    assert other.status_code == 404
    assert _post(officer, f"{API}/commitments/{commitments['Ban Tổ chức Tỉnh ủy']['uid']}/confirm", {"signer_name": "Lê Thị Cúc", "signer_title": "Trưởng ban"}).status_code == 200
    current = officer.get(f"{API}/bloc-years/{year['uid']}/covenant").json()
    assert all(c["confirmed"] for c in current["commitments"])
    signed = _post(officer, f"{API}/covenants/{covenant['uid']}/sign", {"version": current["version"], "signed_on": "2025-03-20"})
    assert signed.status_code == 200, signed.content
    assert (signed.json()["state_label"], signed.json()["signed_on"]) == ("Đã ký kết", "2025-03-20")

    generated = _post(officer, f"{API}/covenants/{covenant['uid']}/document")
    assert generated.status_code == 200, generated.content
    document = generated.json()
    assert document["state"] == "GENERATED" and document["state_label"] == "Dự thảo (chưa vào sổ)" and len(document["sha256"]) == 64
    assert officer.get(f"{API}/bloc-years/{year['uid']}/covenant").json()["document"]["uid"] == document["uid"]
    registered = _post(officer, f"{API}/documents/{document['uid']}/register", {"version": document["version"], "number": "05", "issued_on": "2025-03-20"})
    assert registered.status_code == 200, registered.content
    assert (registered.json()["number"], registered.json()["issued_on"], registered.json()["state"]) == ("05", "2025-03-20", "REGISTERED")
    # The download is an API route: the Bearer token client gets the DOCX (not a sign-in page).
    assert registered.json()["download_url"] == f"/api/v1/documents/{document['uid']}/docx"
    download = officer.get(registered.json()["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    assert download.content.startswith(b"PK")
    assert registered.json()["pdf_url"] == f"/api/v1/documents/{document['uid']}/pdf"

    # Every write left its audit row, with the API caller as the actor.
    rows = {(row.action, row.actor_id) for row in AuditLog.objects.all()}
    for action, actor in [
        ("blocs.bloc.create", world.an_officer), ("blocs.year.open", world.an_officer), ("blocs.member.add", world.an_officer),
        ("blocs.year.leadership", world.an_officer), ("movements.registration.create", world.unit_officer),
        ("movements.registration.update", world.unit_officer), ("movements.registration.submit", world.unit_officer),
        ("movements.registration.approve", world.an_officer), ("blocs.covenant.create", world.an_officer),
        ("blocs.covenant.confirm", world.unit_officer), ("blocs.covenant.confirm", world.an_officer), ("blocs.covenant.sign", world.an_officer), ("documents.generate", world.an_officer),
        ("documents.register", world.an_officer),
    ]:
        assert (action, actor.pk) in rows, action


# ---------------------------------------------------------------- roles and scope


def test_viewer_reads_the_block_year_but_every_write_is_403(world, year):
    viewer = _session(world.viewer)
    assert viewer.get(f"{API}/blocs").json()["count"] == 1
    assert viewer.get(f"{API}/bloc-years/{year.uid}").status_code == 200
    refused = [
        _post(viewer, f"{API}/blocs", {"province": str(world.an_giang.uid), "name": "Cụm mới", "kind": "CUM"}),
        _post(viewer, f"{API}/blocs/{year.bloc.uid}/years", {"year": 2026}),
        _put(viewer, f"{API}/bloc-years/{year.uid}/leadership", {"version": year.version, "head_unit": str(world.tuyen_giao.uid)}),
        _post(viewer, f"{API}/bloc-years/{year.uid}/covenant", {"content": "Nội dung", "place": "An Giang"}),
        _post(viewer, f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.tuyen_giao.uid)}),
        _post(viewer, f"{API}/movements", {"province": str(world.an_giang.uid), "title": "Phong trào", "start_date": "2025-01-01"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert all(_vietnamese(r.json(), "forbidden") for r in refused)
    year.refresh_from_db()
    assert year.head_unit is None and Bloc.objects.count() == 1 and not Covenant.objects.exists()
    assert not BlocYear.objects.filter(year=2026).exists() and not Registration.objects.exists() and not Movement.objects.exists()


def test_another_provinces_officer_gets_404_on_an_giang_objects(world, year):
    registration = _post(_session(world.an_officer), f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.tuyen_giao.uid)}).json()
    outsider = _session(world.qn_officer)
    answers = [
        outsider.get(f"{API}/blocs/{year.bloc.uid}"),
        outsider.get(f"{API}/bloc-years/{year.uid}"),
        outsider.get(f"{API}/registrations/{registration['uid']}"),
        _patch(outsider, f"{API}/blocs/{year.bloc.uid}", {"version": year.bloc.version, "name": "Đổi tên"}),
        _post(outsider, f"{API}/bloc-years/{year.uid}/members", {"unit": str(world.qn_unit.uid)}),
        _put(outsider, f"{API}/bloc-years/{year.uid}/leadership", {"version": year.version, "head_unit": str(world.tuyen_giao.uid)}),
        _post(outsider, f"{API}/registrations/{registration['uid']}/approve", {"version": registration["version"]}),
        _post(outsider, f"{API}/blocs", {"province": str(world.an_giang.uid), "name": "Khối lạ"}),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(_vietnamese(a.json(), "not_found") for a in answers)
    assert outsider.get(f"{API}/blocs").json()["count"] == 0
    assert Bloc.objects.get().name == "Khối thi đua các cơ quan Đảng tỉnh"
    assert Membership.objects.filter(bloc_year=year).count() == 2


def test_a_unit_officer_registers_for_its_own_unit_only_and_sees_its_own_line(world, year):
    unit = _session(world.unit_officer)
    other = _post(unit, f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.to_chuc.uid)})
    assert other.status_code == 404 and other.json()["error"]["field"] == "unit"
    own = _post(unit, f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.tuyen_giao.uid)})
    assert own.status_code == 201
    again = _post(unit, f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.tuyen_giao.uid)})
    assert again.status_code == 400 and "đã có bản đăng ký" in again.json()["error"]["message"]
    rollup = unit.get(f"{API}/bloc-years/{year.uid}/registrations").json()
    assert rollup["can_review"] is False and [r["unit"]["name"] for r in rollup["rows"]] == ["Ban Tuyên giáo Tỉnh ủy"]
    # Reviewing is the block head's and the province's business.
    refused = _post(unit, f"{API}/registrations/{own.json()['uid']}/approve", {"version": own.json()["version"]})
    assert refused.status_code == 403
    assert Registration.objects.get().state == "DRAFT"
    assert list(Registration.objects.values_list("unit__name", flat=True)) == ["Ban Tuyên giáo Tỉnh ủy"]


def test_the_head_units_officer_sets_next_years_leadership_as_the_derived_block_head(world, year):
    this_year = dt.date.today().year
    BlocYear.objects.filter(pk=year.pk).update(year=this_year)
    Membership.objects.filter(bloc_year=year).update(year=this_year)
    year.refresh_from_db()
    bloc_actions.do_set_leadership(actor=None, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    next_year, _ = bloc_actions.do_open_year(actor=None, bloc=year.bloc, year=this_year + 1)
    head = _bearer(world.unit_officer)
    # Ban Tổ chức is not in the unit officer's own scope, but it is a member of the block it heads.
    chosen = _put(head, f"{API}/bloc-years/{next_year.uid}/leadership", {
        "version": next_year.version, "head_unit": str(world.to_chuc.uid), "deputy_unit": str(world.tuyen_giao.uid),
    })
    assert chosen.status_code == 200, chosen.content
    assert chosen.json()["head_unit"]["name"] == "Ban Tổ chức Tỉnh ủy"
    row = AuditLog.objects.filter(action="blocs.year.leadership").latest("pk")
    assert row.actor == world.unit_officer and row.changes["head_unit"] == [None, "Ban Tổ chức Tỉnh ủy"]
    # The derived role runs the block's year, not its membership.
    added = _post(head, f"{API}/bloc-years/{next_year.uid}/members", {"unit": str(world.qn_unit.uid)})
    assert added.status_code == 403
    # Ban Tổ chức's term starts next year: today its officer is not the block head.
    other_officer = type(world.unit_officer).objects.create_user(username="can-bo-to-chuc", password="mat-khau-thu-nghiem-1")
    from tests.factories import grant

    grant(other_officer, "UNIT_OFFICER", world.an_giang_old, unit=world.to_chuc)
    refused = _put(_bearer(other_officer), f"{API}/bloc-years/{next_year.uid}/leadership", {
        "version": chosen.json()["version"], "head_unit": str(world.tuyen_giao.uid), "deputy_unit": str(world.to_chuc.uid),
    })
    assert refused.status_code == 403 and _vietnamese(refused.json(), "forbidden")
    next_year.refresh_from_db()
    assert next_year.head_unit == world.to_chuc


# ---------------------------------------------------------------- conflicts and bad input


@pytest.mark.sqlite
def test_a_stale_version_is_a_409_and_changes_nothing(world, year):
    officer = _session(world.an_officer)
    body = {"version": year.version, "head_unit": str(world.tuyen_giao.uid), "deputy_unit": str(world.to_chuc.uid)}
    assert _put(officer, f"{API}/bloc-years/{year.uid}/leadership", body).status_code == 200
    stale = _put(officer, f"{API}/bloc-years/{year.uid}/leadership", {**body, "head_unit": str(world.to_chuc.uid), "deputy_unit": None})
    assert stale.status_code == 409 and _vietnamese(stale.json(), "conflict")
    year.refresh_from_db()
    assert year.head_unit == world.tuyen_giao

    registration = _post(officer, f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.tuyen_giao.uid)}).json()
    filled = _put(officer, f"{API}/registrations/{registration['uid']}", {"version": registration["version"], "items": [{"subject_kind": "collective", "award": "TTLDTT"}]}).json()
    submitted = _post(officer, f"{API}/registrations/{registration['uid']}/submit", {"version": filled["version"]}).json()
    assert _post(officer, f"{API}/registrations/{registration['uid']}/return", {"version": submitted["version"], "reason": "Thiếu chỉ tiêu"}).status_code == 200
    late = _post(officer, f"{API}/registrations/{registration['uid']}/approve", {"version": submitted["version"]})
    assert late.status_code in (400, 409)
    assert Registration.objects.get().state == "RETURNED"

    bloc = officer.get(f"{API}/blocs/{year.bloc.uid}").json()
    assert _patch(officer, f"{API}/blocs/{bloc['uid']}", {"version": bloc["version"], "description": "Theo Quyết định 12"}).status_code == 200
    again = _patch(officer, f"{API}/blocs/{bloc['uid']}", {"version": bloc["version"], "description": "Khác"})
    assert again.status_code == 409
    assert Bloc.objects.get().description == "Theo Quyết định 12"


def test_bad_input_is_refused_with_a_vietnamese_message_and_changes_nothing(world, year):
    officer = _session(world.an_officer)
    # A unit cannot sit in two blocks of the same kind in one year.
    other = _post(officer, f"{API}/blocs", {"province": str(world.an_giang.uid), "name": "Khối các cơ quan tham mưu"}).json()
    other_year = _post(officer, f"{API}/blocs/{other['uid']}/years", {"year": 2025}).json()["year"]
    twice = _post(officer, f"{API}/bloc-years/{other_year['uid']}/members", {"unit": str(world.tuyen_giao.uid)})
    assert twice.status_code == 422
    assert twice.json()["error"]["field"] == "unit"
    assert "đã thuộc Khối thi đua các cơ quan Đảng tỉnh năm 2025" in twice.json()["error"]["message"]
    assert not Membership.objects.filter(bloc_year__uid=other_year["uid"]).exists()
    # Head and deputy must be two different units.
    same = _put(officer, f"{API}/bloc-years/{year.uid}/leadership", {
        "version": year.version, "head_unit": str(world.to_chuc.uid), "deputy_unit": str(world.to_chuc.uid),
    })
    assert same.status_code == 422 and same.json()["error"]["field"] == "deputy_unit"
    assert same.json()["error"]["message"] == "Trưởng khối và Phó Trưởng khối phải là hai đơn vị khác nhau."
    stranger = _put(officer, f"{API}/bloc-years/{year.uid}/leadership", {"version": year.version, "head_unit": str(world.qn_unit.uid)})
    assert stranger.status_code == 422 and "không phải thành viên" in stranger.json()["error"]["message"]
    year.refresh_from_db()
    assert year.head_unit is None and year.version == 1
    # The request's shape is checked by ninja, in Vietnamese too.
    bad_kind = _post(officer, f"{API}/blocs", {"province": str(world.an_giang.uid), "name": "Cụm X", "kind": "NHOM"})
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["message"].startswith("Giá trị của “kind” không nằm trong danh sách cho phép")
    bad_date = _put(officer, f"{API}/bloc-years/{year.uid}/deadlines/REGISTRATION", {"due_on": "31/03/2025"})
    assert bad_date.status_code == 422 and "yyyy-mm-dd" in bad_date.json()["error"]["message"]
    far = _put(officer, f"{API}/bloc-years/{year.uid}/deadlines/REGISTRATION", {"due_on": "2030-03-31"})
    assert far.status_code == 422 and _vietnamese(far.json(), "invalid") and far.json()["error"]["field"] == "due_on"
    # A refused movement transition says why.
    movement = _post(officer, f"{API}/movements", {"province": str(world.an_giang.uid), "title": "Phong trào thi đua năm 2025", "start_date": "2025-01-01"}).json()
    refused = _post(officer, f"{API}/movements/{movement['uid']}/transitions", {"version": movement["version"], "action": "award"})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "Không thể “khen thưởng” khi đang ở trạng thái “Kế hoạch”."
    assert Movement.objects.get().state == "PLANNED"
    assert Bloc.objects.count() == 2


def test_leaving_the_block_needs_a_reason_and_the_head_cannot_leave(world, year):
    officer = _session(world.an_officer)
    members = {m["unit"]["name"]: m for m in officer.get(f"{API}/bloc-years/{year.uid}").json()["members"]}
    leaving = members["Ban Tổ chức Tỉnh ủy"]["uid"]
    no_reason = _post(officer, f"{API}/memberships/{leaving}/leave", {"left_on": "2025-07-01", "reason": "  "})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["message"] == "Hãy ghi lý do đơn vị rời khối."
    assert Membership.objects.get(uid=leaving).left_on is None
    left = _post(officer, f"{API}/memberships/{leaving}/leave", {"left_on": "2025-07-01", "reason": "Sáp nhập theo Nghị quyết 18"})
    assert left.status_code == 200 and left.json()["left_on"] == "2025-07-01" and left.json()["is_current"] is False
    assert officer.get(f"{API}/bloc-years/{year.uid}").json()["member_count"] == 1
    assert AuditLog.objects.filter(action="blocs.member.remove", actor=world.an_officer).count() == 1


def test_the_block_moves_a_deadline_and_a_reviewer_returns_then_reopens(world, year):
    officer = _session(world.an_officer)
    moved = _put(officer, f"{API}/bloc-years/{year.uid}/deadlines/REGISTRATION", {"due_on": "2025-04-15", "note": "Lùi hạn theo kết luận hội nghị"})
    assert moved.status_code == 200 and moved.json()["due_on"] == "2025-04-15" and moved.json()["kind_label"] == "Đăng ký thi đua"
    assert officer.get(f"{API}/bloc-years/{year.uid}/registrations").json()["deadline"] == "2025-04-15"
    assert _put(officer, f"{API}/bloc-years/{year.uid}/deadlines/KHAC", {"due_on": "2025-04-15"}).status_code == 422
    registration = _post(officer, f"{API}/bloc-years/{year.uid}/registrations", {"unit": str(world.to_chuc.uid)}).json()
    empty = _post(officer, f"{API}/registrations/{registration['uid']}/submit", {"version": registration["version"]})
    assert empty.status_code == 400 and "chưa có danh hiệu" in empty.json()["error"]["message"]
    wrong = _put(officer, f"{API}/registrations/{registration['uid']}", {
        "version": registration["version"], "items": [{"subject_kind": "individual", "award": "TTLDXS"}],
    })
    assert wrong.status_code == 400 and wrong.json()["error"]["message"] == "Dòng 1: Tập thể lao động xuất sắc không dành cho cá nhân."
    filled = _put(officer, f"{API}/registrations/{registration['uid']}", {"version": registration["version"], "items": [{"subject_kind": "collective", "award": "TTLDXS"}]}).json()
    submitted = _post(officer, f"{API}/registrations/{registration['uid']}/submit", {"version": filled["version"]}).json()
    no_reason = _post(officer, f"{API}/registrations/{registration['uid']}/return", {"version": submitted["version"], "reason": ""})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reason"
    returned = _post(officer, f"{API}/registrations/{registration['uid']}/return", {"version": submitted["version"], "reason": "Bổ sung chỉ tiêu"}).json()
    assert (returned["state_label"], returned["return_reason"], returned["editable"]) == ("Trả lại", "Bổ sung chỉ tiêu", True)
    resubmitted = _post(officer, f"{API}/registrations/{registration['uid']}/submit", {"version": returned["version"]}).json()
    approved = _post(officer, f"{API}/registrations/{registration['uid']}/approve", {"version": resubmitted["version"]}).json()
    reopened = _post(officer, f"{API}/registrations/{registration['uid']}/reopen", {"version": approved["version"], "reason": "Thêm cá nhân"})
    assert reopened.status_code == 200 and reopened.json()["state"] == "RETURNED"


def test_anonymous_calls_are_401_and_session_writes_need_the_csrf_token(world, year, client):
    for url in (f"{API}/blocs", f"{API}/bloc-years/{year.uid}", f"{API}/movements"):
        response = client.get(url)
        assert response.status_code == 401 and _vietnamese(response.json(), "unauthenticated")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.an_officer)
    body = {"version": year.version, "head_unit": str(world.tuyen_giao.uid), "deputy_unit": str(world.to_chuc.uid)}
    refused = _put(browser, f"{API}/bloc-years/{year.uid}/leadership", body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    token = browser.get("/tai-khoan/cua-toi/").cookies["csrftoken"].value
    accepted = browser.put(f"{API}/bloc-years/{year.uid}/leadership", body, content_type="application/json", headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.json()["head_unit"]["name"] == "Ban Tuyên giáo Tỉnh ủy"


# ---------------------------------------------------------------- movements, meetings, reports


def test_movements_are_listed_edited_and_walk_their_lifecycle(world, year):
    officer = _session(world.an_officer)
    created = _post(officer, f"{API}/movements", {
        "title": "Phong trào “Dân vận khéo”", "kind": "THEMATIC", "level": "BLOC", "bloc": str(year.bloc.uid), "start_date": "2025-02-01",
    })
    assert created.status_code == 201, created.content
    movement = created.json()
    assert movement["level_label"] == "Khối, cụm thi đua" and movement["bloc"]["name"] == year.bloc.name
    assert movement["next_actions"] == [{"action": "launch", "label": "Phát động"}]
    edited = _patch(officer, f"{API}/movements/{movement['uid']}", {"version": movement["version"], "end_date": "2025-12-31"})
    assert edited.status_code == 200 and edited.json()["end_date"] == "2025-12-31"
    launched = _post(officer, f"{API}/movements/{movement['uid']}/transitions", {"version": edited.json()["version"], "action": "launch"})
    assert (launched.json()["state"], launched.json()["state_label"]) == ("LAUNCHED", "Đã phát động")
    found = officer.get(f"{API}/movements", {"q": "dan van kheo", "state": "LAUNCHED", "year": 2025}).json()
    assert [m["title"] for m in found["items"]] == ["Phong trào “Dân vận khéo”"]
    # The block's movement is visible to its members' officers, not to another province.
    assert _session(world.unit_officer).get(f"{API}/movements/{movement['uid']}").status_code == 200
    assert _session(world.qn_officer).get(f"{API}/movements/{movement['uid']}").status_code == 404
    assert AuditLog.objects.filter(action="movements.movement.launch", object_uid=movement["uid"]).count() == 1


def test_meetings_and_the_annual_report_with_its_docx(world, year):
    officer = _session(world.an_officer)
    bloc_actions.do_set_leadership(actor=None, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    meeting = _post(officer, f"{API}/bloc-years/{year.uid}/meetings", {
        "kind": "ANNUAL_REVIEW", "held_on": "2025-12-20", "place": "Hội trường Tỉnh ủy", "attending": [str(world.tuyen_giao.uid)],
    })
    assert meeting.status_code == 201, meeting.content
    assert meeting.json()["kind_label"] == "Hội nghị tổng kết năm" and [u["name"] for u in meeting.json()["attending"]] == ["Ban Tuyên giáo Tỉnh ủy"]
    stranger = _patch(officer, f"{API}/meetings/{meeting.json()['uid']}", {"version": meeting.json()["version"], "attending": [str(world.qn_unit.uid)]})
    assert stranger.status_code == 422 and stranger.json()["error"]["field"] == "attending"
    both = _patch(officer, f"{API}/meetings/{meeting.json()['uid']}", {
        "version": meeting.json()["version"], "attending": [str(world.tuyen_giao.uid), str(world.to_chuc.uid)], "chair": "Đồng chí Trưởng ban",
    })
    assert both.status_code == 200 and len(both.json()["attending"]) == 2 and both.json()["place"] == "Hội trường Tỉnh ủy"
    assert [m["uid"] for m in officer.get(f"{API}/bloc-years/{year.uid}/meetings").json()] == [meeting.json()["uid"]]

    assert officer.get(f"{API}/bloc-years/{year.uid}/reports/ANNUAL").status_code == 404
    saved = _put(officer, f"{API}/bloc-years/{year.uid}/reports/ANNUAL", {"situation": "Khối có 2 đơn vị thành viên."})
    assert saved.status_code == 200, saved.content
    assert saved.json()["kind_label"] == "Tổng kết năm" and saved.json()["document"] is None
    edited = _put(officer, f"{API}/bloc-years/{year.uid}/reports/ANNUAL", {"version": saved.json()["version"], "directions": "Tiếp tục đẩy mạnh phong trào."})
    assert edited.json()["situation"] == "Khối có 2 đơn vị thành viên." and edited.json()["directions"] == "Tiếp tục đẩy mạnh phong trào."
    document = _post(officer, f"{API}/bloc-years/{year.uid}/reports/ANNUAL/document")
    assert document.status_code == 200, document.content
    assert officer.get(f"{API}/documents/{document.json()['uid']}").json()["sha256"] == document.json()["sha256"]
    assert officer.get(document.json()["download_url"])["Content-Type"] == DOCX
    # A member unit's officer reads the report, but only the block head writes it.
    unit = _session(world.unit_officer)
    assert unit.get(f"{API}/bloc-years/{year.uid}/reports/ANNUAL").status_code == 200
    assert _put(unit, f"{API}/bloc-years/{year.uid}/reports/ANNUAL", {"version": edited.json()["version"], "results": "X"}).status_code == 403


# ---------------------------------------------------------------- introspection


def test_every_block_endpoint_carries_its_access_action_and_vietnamese_docs(client):
    ours = [(m, p, a) for m, p, f, a in api_operations() if f.__module__ == "thidua.api.blocs"]
    assert len(ours) >= 40
    for method, path, action in ours:
        assert action in PERMISSIONS, f"{method} {path}: {action}"
    by_path = {(m, p): a for m, p, a in ours}
    assert by_path[("POST", "/api/v1/blocs")] == "bloc.manage"
    assert by_path[("PUT", "/api/v1/bloc-years/{uid}/leadership")] == "registry.view"
    assert by_path[("POST", "/api/v1/registrations/{uid}/approve")] == "registration.review"
    assert by_path[("POST", "/api/v1/bloc-years/{uid}/registrations")] == "registration.edit"
    spec = client.get(f"{API}/openapi.json").json()
    operation = spec["paths"]["/api/v1/bloc-years/{uid}/leadership"]["put"]
    assert operation["tags"] == ["Năm thi đua của khối"] and operation["summary"].startswith("Ghi nhận Trưởng khối")
    tags = {t for path in spec["paths"].values() for op in path.values() for t in op.get("tags", [])}
    assert {"Khối, cụm thi đua", "Giao ước thi đua", "Đăng ký thi đua", "Phong trào thi đua"} <= tags
    docs = client.get(f"{API}/docs").content.decode()
    assert "PUT /api/v1/bloc-years/{uid}/leadership" in docs and "Giao ước thi đua" in docs and "Duyệt bản đăng ký" in docs
