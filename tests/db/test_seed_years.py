"""Issue #19: the seeds' own years — votes held before 01/01/2024 are recorded as their minutes say.

No seed article gives vote counts: each says what the meeting "thống nhất" (agreed) — Thái Bình
elected its 2022 head at the 2021 review, Quảng Ninh announced its 2017 suy tôn and handed the
head's office to Sở Nội vụ on 20/12/2017, An Giang agreed on 29/12/2023 to propose the Cờ thi đua
của Chính phủ for Ban Tuyên giáo Tỉnh ủy and to elect Trường Chính trị Tôn Đức Thắng head for 2024.
The tests record exactly that (declared outcome, no counts), plus counts where a test gives them to
check that counts are stored and shown, never re-judged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.core.docx_xml import DocxXml
from thidua.accounts import actions as account_actions
from thidua.audit.models import AuditLog
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import Bloc, BlocYear, Meeting
from thidua.core.errors import ActionError
from thidua.counting import actions as counting_actions
from thidua.documents.actions import do_generate_document
from thidua.org import demo
from thidua.org.models import Unit
from thidua.rules import voting as voting_rules
from thidua.rules.errors import WhatIfError
from thidua.voting import actions as voting
from thidua.voting.models import PollState

pytestmark = pytest.mark.django_db

NOTE = "ghi nhận theo biên bản, không áp dụng quy định hiện hành"


@pytest.fixture
def seeds(db):
    demo.load_demo()


def _year(province_name: str, year: int) -> BlocYear:
    return BlocYear.objects.select_related("bloc", "head_unit").get(bloc__province__name=province_name, bloc__ended_on__isnull=True, year=year)


def _unit(bloc_year: BlocYear, name: str) -> Unit:
    return Unit.objects.get(province=bloc_year.bloc.province, name=name)


def _meeting(bloc_year: BlocYear, held_on: dt.date) -> Meeting:
    return Meeting.objects.get(bloc_year=bloc_year, held_on=held_on)


def _thai_binh_2021_meeting() -> Meeting:
    """The 2021 review of Thái Bình's Party block (article 000 gives no day: late December 2021)."""
    bloc = Bloc.objects.get(province__name="Thái Bình", ended_on__isnull=True)
    y2022 = BlocYear.objects.get(bloc=bloc, year=2022)
    # Opened after 2022: the members are copied from the nearest year, 2022.
    y2021, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2021, copy_members=True)
    assert y2021.memberships.count() == y2022.memberships.count() == 11
    units = [m.unit for m in y2021.memberships.select_related("unit")]
    return bloc_actions.do_record_meeting(
        actor=None, bloc_year=y2021, attending=units,
        data={"kind": "ANNUAL_REVIEW", "held_on": dt.date(2021, 12, 30), "place": "Thái Bình",
              "minutes": "Bình xét thi đua năm 2021; thống nhất bầu Trưởng khối, Phó Trưởng khối năm 2022."},
    )


def test_what_if_door_still_gives_no_verdict_before_2024():
    with pytest.raises(WhatIfError) as caught:
        voting_rules.tally({"decided_on": "2017-12-20", "council_size": 7, "present": 7, "threshold_percent": 50,
                            "candidates": [{"id": "a", "yes": 7}]})
    assert caught.value.code == "no_rule_version"


def test_pre_2024_vote_must_be_a_recorded_result(seeds):
    y2017 = _year("Quảng Ninh", 2017)
    meeting = _meeting(y2017, dt.date(2017, 12, 20))
    with pytest.raises(ActionError) as caught:
        voting.do_create_poll(actor=None, data={"title": "Suy tôn 2017", "meeting": meeting, "electorate": "BLOCK_UNITS",
                                                "subject": "LEADER_ACCLAMATION", "method": "CHOOSE_ONE", "mode": "E_BALLOT"})
    assert caught.value.field == "mode" and "Kết quả bỏ phiếu họp ngoài hệ thống" in caught.value.message


def test_quang_ninh_2017_suy_ton_with_counts_is_stored_not_judged(seeds):
    y2017 = _year("Quảng Ninh", 2017)
    meeting = _meeting(y2017, dt.date(2017, 12, 20))
    hdnd, noi_vu = _unit(y2017, "Văn phòng HĐND tỉnh"), _unit(y2017, "Sở Nội vụ")
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Suy tôn đơn vị dẫn đầu Khối thi đua các đơn vị tổng hợp năm 2017", "meeting": meeting,
              "electorate": "BLOCK_UNITS", "subject": "LEADER_ACCLAMATION", "method": "CHOOSE_ONE", "mode": "EXTERNAL",
              "threshold_pct": 50},
        candidates=[{"unit": hdnd}, {"unit": noi_vu}],
    )
    assert poll.is_historical and poll.rule_version == "" and poll.threshold_pct == 50
    assert NOTE in poll.citation
    first, second = list(poll.candidates.all())
    # 4 of 7 for the first unit: below today's 2/3 yet the meeting's declaration stands.
    poll = voting.do_record_result(
        actor=None, poll=poll, source="EXTERNAL", expected_version=poll.version,
        counts={"council_size": 7, "present": 7, "yes": {first.pk: 4, second.pk: 3}, "declared": [first.pk]},
    )
    result = poll.result
    assert poll.state == PollState.RESULT and result["historical"] and result["rule"] is None and result["note"] == NOTE
    rows = {r["name"]: r for r in result["results"]}
    assert rows["Văn phòng HĐND tỉnh"]["yes"] == 4 and rows["Văn phòng HĐND tỉnh"]["selected"]
    assert rows["Văn phòng HĐND tỉnh"]["percent"] == "57.14" and not rows["Sở Nội vụ"]["selected"]
    assert "ít nhất 50% tổng số thành viên" in result["threshold"]["text"] and NOTE in result["explanation"][0]
    assert AuditLog.objects.filter(action="voting.poll.result", object_uid=poll.uid).count() == 1

    # The counting record (biên bản kiểm phiếu) carries the marker and the declared outcome.
    record = counting_actions.do_save_minutes(
        actor=None, poll=poll, data={"place": "TP Hạ Long", "board_head": "Trần Thị Thu Hoài", "chair": "Trần Thị Thu Hoài"},
        expected_version=None,
    )
    document = do_generate_document(actor=None, kind_code="COUNTING_MINUTES", source=record)
    text = DocxXml(document.generated_file.read()).text()
    assert NOTE in text and "Hội nghị công bố" in text and "57,14" in text


def test_thai_binh_2021_election_declared_without_counts(seeds):
    meeting = _thai_binh_2021_meeting()
    head = _unit(meeting.bloc_year, "Ban Bảo vệ và Chăm sóc sức khỏe cán bộ tỉnh")
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bầu Trưởng Khối thi đua các cơ quan Đảng năm 2022", "meeting": meeting, "electorate": "BLOCK_UNITS",
              "subject": "LEADERSHIP", "office": "HEAD", "method": "CHOOSE_ONE", "mode": "EXTERNAL"},
        candidates=[{"unit": head}],
    )
    assert poll.threshold_pct is None and "Biên bản không nêu tỷ lệ" in poll.citation
    with pytest.raises(ActionError) as caught:
        voting.do_record_result(actor=None, poll=poll, source="EXTERNAL", expected_version=poll.version, counts={"council_size": 11})
    assert caught.value.field == "declared"
    cid = poll.candidates.get().pk
    poll = voting.do_record_result(
        actor=None, poll=poll, source="EXTERNAL", expected_version=poll.version, counts={"council_size": 11, "declared": [cid]},
    )
    row = poll.result["results"][0]
    assert row["yes"] is None and row["selected"] and "biên bản không ghi số phiếu; hội nghị công bố trúng cử" in row["text"]
    # The 2022 year already had that head (the article): the consequence agrees, nothing re-judged.
    assert _year("Thái Bình", 2022).head_unit == head


def test_an_giang_2023_agreements_recorded_through_the_api(seeds):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(username="quan-tri-seeds", password="x-Quan-tri-2026!")
    _, secret = account_actions.do_create_api_token(actor=admin, name="Ghi nhận lịch sử")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    y2023 = _year("An Giang", 2023)
    meeting = _meeting(y2023, dt.date(2023, 12, 29))
    tuyen_giao = _unit(y2023, "Ban Tuyên giáo Tỉnh ủy")
    r = client.post("/api/v1/polls", {
        "title": "Bình xét đề nghị tặng Cờ thi đua của Chính phủ năm 2023", "meeting": str(meeting.uid), "electorate": "BLOCK_UNITS",
        "subject": "AWARD", "award_code": "CO_CP", "method": "APPROVE_EACH", "mode": "EXTERNAL", "quota": 1,
        "candidates": [{"unit": str(tuyen_giao.uid)}],
    }, content_type="application/json")
    assert r.status_code == 201, r.content
    poll = r.json()
    assert poll["threshold_pct"] is None and poll["rule_version"] == ""
    cid = poll["candidates"][0]["id"]
    r = client.post(f"/api/v1/polls/{poll['uid']}/result", {"version": poll["version"], "source": "EXTERNAL", "council_size": 9,
                                                              "present": 9, "yes": {str(cid): 9}, "declared": [cid]},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    result = client.get(f"/api/v1/polls/{poll['uid']}/result").json()["result"]
    assert result["historical"] and result["results"][0]["yes"] == 9 and result["results"][0]["selected"]
    assert result["note"] == NOTE

    # A current-rule poll refuses a "declared" outcome: its result comes from the counts.
    r = client.post("/api/v1/polls", {
        "title": "Biểu quyết 2026", "meeting": str(meeting.uid), "electorate": "BLOCK_UNITS", "subject": "QUESTION",
        "method": "APPROVE_EACH", "mode": "EXTERNAL", "held_on": "2026-01-05", "threshold_pct": 50, "candidates": [{"label": "Phương án 1"}],
    }, content_type="application/json")
    assert r.status_code == 201, r.content
    current = r.json()
    assert current["rule_version"] and current["threshold_pct"] is not None
    r = client.post(f"/api/v1/polls/{current['uid']}/result", {"version": current["version"], "source": "EXTERNAL", "council_size": 9,
                                                                 "present": 9, "yes": {str(current['candidates'][0]['id']): 9},
                                                                 "declared": [current["candidates"][0]["id"]]},
                    content_type="application/json")
    assert r.status_code == 422 and "công bố" in r.json()["error"]["message"]

    # The biên bản hội nghị of 29/12/2023: attendance, ranking published there, the vote as
    # recorded, the head and deputy elected for 2024, issued in the head unit's (Party) format.
    from django.urls import reverse

    from thidua.documents.models import IssuedDocument

    page = Client()
    page.force_login(admin)
    response = page.post(reverse("blocs:meeting_minutes_generate", args=[meeting.uid]))
    assert response.status_code == 302
    document = IssuedDocument.objects.get(kind="MEETING_MINUTES", source_key=str(meeting.uid))
    assert document.doc_format == "HD36" and document.issuer.name == "Ban Tuyên giáo Tỉnh ủy"
    text = DocxXml(document.generated_file.read()).text()
    assert "BIÊN BẢN" in text and "Đơn vị thành viên dự họp (9/9)" in text
    assert "Trần Thị Thanh Hương" in text and "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG" in text
    assert "Bình xét đề nghị tặng Cờ thi đua của Chính phủ năm 2023: Ban Tuyên giáo Tỉnh ủy (số phiếu đồng ý: Ban Tuyên giáo Tỉnh ủy 9/9)" in text
    assert NOTE in text
    assert "Trưởng khối năm 2024: Trường Chính trị Tôn Đức Thắng; Phó Trưởng khối năm 2024: Ban Nội chính Tỉnh ủy." in text
    detail = page.get(reverse("blocs:meeting_detail", args=[meeting.uid])).content.decode()
    assert "Sinh lại biên bản hội nghị (DOCX)" in detail and "Tải DOCX" in detail
    # The 2024 head was elected at the 2023 meeting: each page points at the other.
    y2024 = _year("An Giang", 2024)
    assert reverse("blocs:year_detail", args=[y2024.uid]) in detail
    assert reverse("blocs:meeting_detail", args=[meeting.uid]) in page.get(reverse("blocs:year_detail", args=[y2024.uid])).content.decode()


def test_upper_level_decision_with_a_list_for_the_administrator(seeds, client):
    """Lai Châu 2022: 14 tập thể, cá nhân of Văn phòng Tỉnh ủy got the UBND tỉnh's Bằng khen (article 003;
    its number and date are not printed, the test gives them). The administrator sees every province:
    the decision's province is the one of its list, not the first by name."""
    from django.contrib.auth import get_user_model

    from thidua.org.models import Person
    from thidua.proposals.models import Decision

    admin = get_user_model().objects.create_superuser(username="quan-tri-qd", password="x-Quan-tri-2026!")
    office = Unit.objects.get(province__name="Lai Châu", name="Văn phòng Tỉnh ủy")
    people = list(Person.objects.filter(unit=office).order_by("pk")[:13])
    assert len(people) == 13
    rows = [{"unit": str(office.uid), "award": "BK_TINH", "year": 2021}]
    rows += [{"person": str(p.uid), "award": "BK_TINH", "year": 2021} for p in people]
    _, secret = account_actions.do_create_api_token(actor=admin, name="Ghi nhận quyết định")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = api.post("/api/v1/decisions/external", {
        "number": "125", "symbol": "QĐ-UBND", "issued_on": "2022-02-15", "issuer_name": "Chủ tịch UBND tỉnh Lai Châu",
        "level": "PROVINCE", "issuer_unit": str(office.uid), "recipients": rows,
    }, content_type="application/json")
    assert created.status_code == 201, created.content
    decision = Decision.objects.get(uid=created.json()["uid"])
    assert decision.province == office.province and decision.recipients.count() == 14

    # A list mixing two provinces names the line outside the decision's province.
    other = Unit.objects.filter(province__name="An Giang").exclude(province=office.province).first()
    mixed = api.post("/api/v1/decisions/external", {
        "number": "126", "symbol": "QĐ-UBND", "issued_on": "2022-02-15", "issuer_name": "Chủ tịch UBND tỉnh Lai Châu",
        "level": "PROVINCE", "recipients": rows[:1] + [{"unit": str(other.uid), "award": "BK_TINH", "year": 2021}],
    }, content_type="application/json")
    assert mixed.status_code == 400 and "Dòng 2:" in mixed.json()["error"]["message"]

    # Years long closed show no overdue day count on their calendar (Quảng Ninh 2018).
    from django.urls import reverse

    client.force_login(admin)
    # The administrator's pickers name each unit's province (six provinces have a Văn phòng Tỉnh ủy).
    form_page = client.get(reverse("proposals:decision_external")).content.decode()
    assert "Văn phòng Tỉnh ủy — Lai Châu" in form_page and "Văn phòng Tỉnh ủy — An Giang" in form_page
    qn2018 = _year("Quảng Ninh", 2018)
    page = client.get(reverse("blocs:year_detail", args=[qn2018.uid])).content.decode()
    assert qn2018.deadlines.exists() and "Năm thi đua đã kết thúc" in page and "Quá hạn" not in page


@pytest.mark.sqlite
def test_unit_search_says_when_only_ended_units_match(world, client):
    from django.urls import reverse

    from thidua.org import actions as org_actions

    org_actions.do_create_unit(actor=None, province=world.an_giang_old, data={
        "name": "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh", "kind": "PARTY",
        "established_on": dt.date(2010, 1, 1), "ended_on": dt.date(2025, 6, 30)})
    client.force_login(world.an_officer)
    page = client.get(reverse("org:unit_list"), {"q": "cham soc suc khoe"}).content.decode()
    assert "có 1 đơn vị đã chấm dứt hoạt động khớp" in page and "status=all" in page
    everything = client.get(reverse("org:unit_list"), {"q": "cham soc suc khoe", "status": "all"}).content.decode()
    assert "Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh" in everything


@pytest.mark.sqlite
def test_every_catalogue_award_is_proposable_and_recordable(world):
    """Seed 003: Văn phòng Tỉnh ủy proposed Huân chương Lao động hạng Nhất — in the catalogue with
    no coded rule: the item is stored, held for manual appraisal with the catalogue's reason, and a
    decision for it is recorded into the unit's history with its Vietnamese name."""
    from django.test import Client as PageClient
    from django.urls import reverse

    from thidua.history.models import AwardRecord
    from thidua.proposals import actions as proposal_actions
    from thidua.proposals.forms import ItemForm

    assert "HCLD_1" in dict(ItemForm(people=None, units=None).fields["award"].choices)
    proposal = proposal_actions.do_create_proposal(
        actor=world.unit_officer, proposer_unit=world.tuyen_giao,
        data={"title": "Đề nghị tặng Huân chương Lao động hạng Nhất", "year": 2025, "level": "UNIT"},
    )
    item = proposal_actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "HCLD_1"})
    manual = [b for b in item.blockers if b["kind"] == "MANUAL"]
    assert manual and "Huân chương Lao động hạng Nhất" in manual[0]["text"] and "thẩm định thủ công" in manual[0]["text"]
    assert "Điều 44" in manual[0]["citation"]
    with pytest.raises(ActionError):
        proposal_actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"unit": world.tuyen_giao, "award": "GD_VH"})

    decision = proposal_actions.do_record_external_decision(
        actor=world.an_officer, province=world.an_giang,
        data={"number": "88", "symbol": "QĐ-CTN", "issued_on": dt.date(2025, 3, 3), "issuer_name": "Chủ tịch nước", "level": "CENTRAL"},
        recipients=[{"unit": world.tuyen_giao, "award": "HCLD_2", "year": 2024}],
    )
    record = AwardRecord.objects.get(award_code="HCLD_2", unit=world.tuyen_giao)
    assert record.get_award_code_display() == "Huân chương Lao động hạng Nhì"
    assert decision.recipients.get().get_award_display() == "Huân chương Lao động hạng Nhì"
    page = PageClient()
    page.force_login(world.an_officer)
    detail = page.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode()
    assert "<td>Huân chương Lao động hạng Nhất" in detail


@pytest.mark.sqlite
def test_awards_of_other_issuers_are_catalogue_entries_of_the_province(world):
    """Seed 003: Bằng khen of Hội Nhà báo Việt Nam and of Công an tỉnh, press prize certificates —
    the province adds them to its catalogue (issuer, kind, level; no basis for higher awards by
    default) and they are recorded in history like any award, by page and API."""
    from django.urls import reverse

    from thidua.awards import actions as award_actions
    from thidua.history.forms import AwardForm
    from thidua.history.models import AwardRecord
    from thidua.org import actions as org_actions

    press = award_actions.do_add_award_type(actor=world.an_officer, province=world.an_giang, data={
        "code": "BK_HNBVN", "name": "Bằng khen của Hội Nhà báo Việt Nam", "kind": "HINH_THUC", "subjects": ["individual", "collective"],
        "level": "PROVINCE", "authority": "Hội Nhà báo Việt Nam", "categories": ["AD_HOC"], "citation": "Quy chế khen thưởng của Hội Nhà báo Việt Nam",
    })
    assert press.counts_as_basis is False and press.has_rule is False
    reporter = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Thị Thu", "gender": "NU", "position_title": "Phóng viên"})
    # Offered on the history form of a person of the (pre-merger) An Giang, named with its issuer.
    choices = dict(AwardForm(subject_kind="individual", province=reporter.province).fields["award_code"].choices)
    assert choices["BK_HNBVN"] == "Bằng khen của Hội Nhà báo Việt Nam (Hội Nhà báo Việt Nam)" and "HCLD_1" in choices

    client = Client()
    client.force_login(world.an_officer)
    _, secret = account_actions.do_create_api_token(actor=world.an_officer, name="Ghi khen thưởng")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    created = bearer.post(f"/api/v1/history/ca-nhan/{reporter.uid}/awards", {
        "award": "BK_HNBVN", "year": 2022, "external": True, "decision_number": "215/QĐ-HNBVN",
    }, content_type="application/json")
    assert created.status_code in (200, 201), created.content
    assert created.json()["name"] == "Bằng khen của Hội Nhà báo Việt Nam"
    record = AwardRecord.objects.get(person=reporter, award_code="BK_HNBVN")
    assert record.get_award_code_display() == "Bằng khen của Hội Nhà báo Việt Nam"
    unknown = bearer.post(f"/api/v1/history/ca-nhan/{reporter.uid}/awards", {"award": "KHONG_CO", "year": 2022}, content_type="application/json")
    assert unknown.status_code == 422 and "không có" in unknown.json()["error"]["message"].lower()
    detail = client.get(reverse("awards:award_type_detail", args=[press.uid])).content.decode()
    assert "Làm căn cứ khen thưởng cao hơn" in detail and "Không (khen thưởng của ngành" in detail


@pytest.mark.sqlite
def test_poll_form_sets_show_of_hands_method_with_the_mode(world):
    council = voting.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", "level": "UNIT", "unit": world.to_chuc})
    poll = voting.do_create_poll(actor=None, data={
        "title": "Biểu quyết thông qua danh sách", "council": council, "subject": "QUESTION", "mode": "SHOW_OF_HANDS",
        "method": "APPROVE_EACH", "threshold_pct": 50, "held_on": dt.date(2026, 1, 5)}, candidates=[{"label": "Danh sách đề nghị"}])
    assert (poll.mode, poll.method) == ("SHOW_OF_HANDS", "SHOW_OF_HANDS")
