"""Issue #19, seen on the way: one outcome per item (a blocking "Vướng" is never shown beside
"Đủ điều kiện"); awards of other issuers are no basis for higher awards unless their catalogue
entry says so; the block's election links its meeting and the year it elected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from thidua.history import actions as history_actions
from thidua.org import actions as org_actions
from thidua.proposals import actions as proposal_actions

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _person(world, name="Nguyễn Văn An"):
    return org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": name, "gender": "NAM", "position_title": "Chuyên viên"})


def _cell(page: str, uid) -> str:
    start = page.index(f'id="item-{uid}"')
    return page[start:page.index("</tr>", start)]


def test_a_blocking_vuong_wins_over_the_standards_outcome(world):
    """The standards are met (Lao động tiên tiến: rated good) but the province requires a registration
    that was never made: the item shows one outcome, the blocker, in one colour."""
    person = _person(world)
    history_actions.do_set_task_rating(None, person, 2025, "GOOD")
    proposal = proposal_actions.do_create_proposal(actor=world.unit_officer, proposer_unit=world.tuyen_giao, data={
        "title": "Đề nghị công nhận danh hiệu Lao động tiên tiến năm 2025", "year": 2025, "level": "UNIT"})
    item = proposal_actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": person, "award": "LDTT"})
    assert item.eligibility["outcome"] == "ELIGIBLE"
    assert any(b["kind"] == "BLOCK" and b["code"] == "registration" for b in item.blockers)
    client = Client()
    client.force_login(world.unit_officer)
    cell = _cell(client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode(), item.uid)
    assert '<span class="badge off">Vướng, chưa thể đề nghị</span>' in cell
    assert "Đủ điều kiện" not in cell and "badge ok" not in cell and "badge council" not in cell
    # The blocker is the first line of the list.
    first = cell[cell.index('<ul class="blocker-list">'):].split("<li", 2)[1]
    assert 'class="blocker-block"' in first and "chưa đăng ký thi đua" in first

    # Without the registration rule the same standards give no blocker: the standards' outcome stands.
    from thidua.org.models import Province

    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(actor=None, province=province, data={"registration_required_for_proposal": False},
                                            expected_version=province.version)
    other = _person(world, "Trần Thị Bình")
    history_actions.do_set_task_rating(None, other, 2025, "GOOD")
    from thidua.proposals.models import Proposal

    proposal = Proposal.objects.get(pk=proposal.pk)
    plain = proposal_actions.do_add_item(actor=world.unit_officer, proposal=proposal, data={"person": other, "award": "LDTT"})
    assert not any(b["kind"] == "BLOCK" for b in plain.blockers), plain.blockers
    cell = _cell(client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode(), plain.uid)
    assert "Vướng" not in cell and "Đủ điều kiện" in cell


@pytest.mark.parametrize("counts", [False, True])
def test_an_award_of_another_issuer_is_a_basis_only_when_its_entry_says_so(world, counts):
    """Seed 003: a Bằng khen of Hội Nhà báo Việt Nam (no basis) and, as the other case, a Bằng khen
    of Bộ Công an the province marked as counting: the Bằng khen cấp bộ, ngành, tỉnh a Bằng khen of
    the Prime Minister needs (Điều 73 khoản 1 điểm b)."""
    from thidua.awards import actions as award_actions
    from thidua.history.selectors import evaluate_subject

    entry = award_actions.do_add_award_type(actor=world.an_officer, province=world.an_giang, data={
        "code": "BK_BCA" if counts else "BK_HNBVN",
        "name": "Bằng khen của Bộ trưởng Bộ Công an" if counts else "Bằng khen của Hội Nhà báo Việt Nam",
        "kind": "HINH_THUC", "subjects": ["individual", "collective"], "level": "PROVINCE",
        "authority": "Bộ Công an" if counts else "Hội Nhà báo Việt Nam", "categories": ["MERIT"],
        "counts_as_basis": counts, "citation": "Quy chế khen thưởng của Bộ Công an" if counts else "Quy chế khen thưởng của Hội Nhà báo Việt Nam",
    })
    person = _person(world, "Lò Văn Hùng")
    for y in range(2015, 2026):
        history_actions.do_set_task_rating(None, person, y, "GOOD")
        history_actions.do_record_award(None, person, "LDTT", y, source="MANUAL")
        if y in (2021, 2023, 2025):
            history_actions.do_record_award(None, person, "CSTDCS", y, source="MANUAL")
    history_actions.do_record_award(None, person, entry.code, 2019, source="MANUAL")
    result = evaluate_subject(person, "BK_TTG", 2025, confirmations={"outstanding": False, "exceptional_achievement": False})
    basis = next(c for c in result["checks"] if c["code"] == "bk_tinh_before" and c.get("route") == "73.1.b")
    if counts:
        assert basis["passed"] is True and "Bằng khen của Bộ trưởng Bộ Công an (tính như" in basis["text"]
        assert result["outcome"] == "ELIGIBLE"
    else:
        assert basis["passed"] is False and "Bằng khen của Hội Nhà báo Việt Nam năm 2019" in basis["text"]
        assert "không tính làm căn cứ" in basis["text"] and result["outcome"] == "NOT_ELIGIBLE"


def test_history_import_takes_every_catalogue_award(world):
    """Seed 003: 29 Bằng khen and certificates of Hội Nhà báo Việt Nam, UBND tỉnh, Công an tỉnh, and a
    Huân chương Lao động hạng Nhất (manual appraisal) — all recorded from one Excel file, by name or code."""
    from tests.db.test_history_import import _xlsx
    from thidua.awards import actions as award_actions
    from thidua.history import importer
    from thidua.history.models import AwardRecord

    award_actions.do_add_award_type(actor=world.an_officer, province=world.an_giang, data={
        "code": "BK_HNBVN", "name": "Bằng khen của Hội Nhà báo Việt Nam", "kind": "HINH_THUC", "subjects": ["individual", "collective"],
        "level": "PROVINCE", "authority": "Hội Nhà báo Việt Nam", "categories": ["AD_HOC"], "citation": "Quy chế khen thưởng của Hội Nhà báo Việt Nam",
    })
    reporter = _person(world, "Lê Thị Thu")
    rows = [
        (None, "Lê Thị Thu", "Ban Tuyên giáo Tỉnh ủy", 2022, None, "Bằng khen của Hội Nhà báo Việt Nam", None, "215/QĐ-HNBVN", "15/06/2022",
         "Hội Nhà báo Việt Nam", None, "Có"),
        (None, None, "Ban Tuyên giáo Tỉnh ủy", 2022, None, "huan chuong lao dong hang nhat", None, "1234/QĐ-CTN", "01/09/2022",
         "Chủ tịch nước", None, "Có"),
        (None, "Lê Thị Thu", "Ban Tuyên giáo Tỉnh ủy", 2021, None, "BK_HNBVN"),
    ]
    result = importer.import_history(actor=world.an_officer, fileobj=_xlsx(rows))
    assert result.awards == 3
    assert sorted(AwardRecord.objects.filter(person=reporter).values_list("year", "award_code")) == [(2021, "BK_HNBVN"), (2022, "BK_HNBVN")]
    record = AwardRecord.objects.get(unit=world.tuyen_giao, award_code="HCLD_1")
    assert record.get_award_code_display() == "Huân chương Lao động hạng Nhất" and record.decision_number == "1234/QĐ-CTN"

    # A name not in the catalogue: the row is refused with a Vietnamese message, nothing written.
    bad = [(None, "Lê Thị Thu", "Ban Tuyên giáo Tỉnh ủy", 2023, None, "Giấy chứng nhận giải báo chí")]
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_history(actor=world.an_officer, fileobj=_xlsx(bad))
    message = str(rejected.value.issues[0])
    assert "Dòng 2, cột Danh hiệu, hình thức khen thưởng" in message and "không có trong danh mục" in message
    assert AwardRecord.objects.filter(year=2023).count() == 0


def test_registrations_take_every_catalogue_award(world):
    """Seed 003 (Lai Châu 2022): Văn phòng Tỉnh ủy registers "ngay từ đầu năm" the Huân chương Lao động
    hạng Nhất it proposes (manual appraisal), and a reporter a Bằng khen of Hội Nhà báo Việt Nam."""
    from thidua.awards import actions as award_actions
    from thidua.blocs import actions as bloc_actions
    from thidua.movements import actions as movement_actions
    from thidua.movements.models import RegistrationItem

    award_actions.do_add_award_type(actor=world.an_officer, province=world.an_giang, data={
        "code": "BK_HNBVN", "name": "Bằng khen của Hội Nhà báo Việt Nam", "kind": "HINH_THUC", "subjects": ["individual", "collective"],
        "level": "PROVINCE", "authority": "Hội Nhà báo Việt Nam", "categories": ["AD_HOC"], "citation": "Quy chế khen thưởng của Hội Nhà báo Việt Nam",
    })
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối Đảng tỉnh", "kind": "KHOI"})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2022, copy_members=False)
    bloc_actions.do_add_members(actor=None, bloc_year=year, units=[world.tuyen_giao, world.to_chuc])
    reporter = _person(world, "Lê Thị Thu")
    registration = movement_actions.do_start_registration(actor=world.unit_officer, bloc_year=year, unit=world.tuyen_giao)
    client = Client()
    client.force_login(world.unit_officer)
    url = reverse("movements:registration_detail", args=[registration.uid])
    form = client.get(url).content.decode()
    assert '<option value="HCLD_1">Huân chương Lao động hạng Nhất</option>' in form
    assert '<option value="BK_HNBVN">Bằng khen của Hội Nhà báo Việt Nam (Hội Nhà báo Việt Nam)</option>' in form
    answer = client.post(url, {
        "version": registration.version, "targets": "Hoàn thành xuất sắc nhiệm vụ",
        "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "500",
        "items-0-subject_kind": "collective", "items-0-award": "HCLD_1", "items-0-note": "Đề nghị Chính phủ trình Chủ tịch nước",
        "items-1-subject_kind": "individual", "items-1-person": reporter.pk, "items-1-award": "BK_HNBVN", "items-1-note": "",
        "items-2-subject_kind": "", "items-2-award": "",
    })
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert sorted(RegistrationItem.objects.values_list("award", flat=True)) == ["BK_HNBVN", "HCLD_1"]
    detail = client.get(url).content.decode()
    assert '<option value="HCLD_1" selected>Huân chương Lao động hạng Nhất</option>' in detail
    assert '<option value="BK_HNBVN" selected>Bằng khen của Hội Nhà báo Việt Nam (Hội Nhà báo Việt Nam)</option>' in detail
    # Not in the catalogue: refused in Vietnamese, nothing written.
    registration.refresh_from_db()
    with pytest.raises(Exception) as refused:
        movement_actions.do_update_registration(actor=world.unit_officer, registration=registration, targets="",
                                                items=[{"subject_kind": "collective", "award": "KHONG_CO"}], expected_version=registration.version)
    assert "không hợp lệ" in str(refused.value)
    assert RegistrationItem.objects.count() == 2
    officer = Client()
    officer.force_login(world.an_officer)
    rollup = officer.get(reverse("movements:registration_rollup", args=[year.uid])).content.decode()
    assert "Huân chương Lao động hạng Nhất" in rollup and "Bằng khen của Hội Nhà báo Việt Nam" in rollup


def test_add_staff_takes_an_award_without_a_coded_rule_through_manual_appraisal(world):
    """Seed 003: 29 people of Báo Lai Châu received a Bằng khen of Hội Nhà báo Việt Nam. The unit's
    dossier adds its staff for that award at once, each with the manual-appraisal reason."""
    from thidua.awards import actions as award_actions
    from thidua.proposals.models import ProposalItem

    award_actions.do_add_award_type(actor=world.an_officer, province=world.an_giang, data={
        "code": "BK_HNBVN", "name": "Bằng khen của Hội Nhà báo Việt Nam", "kind": "HINH_THUC", "subjects": ["individual", "collective"],
        "level": "PROVINCE", "authority": "Hội Nhà báo Việt Nam", "categories": ["AD_HOC"], "citation": "Quy chế khen thưởng của Hội Nhà báo Việt Nam",
        "manual_reason": "Khen thưởng của Hội Nhà báo Việt Nam theo quy chế của Hội; cơ quan thẩm định hồ sơ từng người.",
    })
    staff = [_person(world, f"Phóng viên {n:02d}") for n in range(1, 4)]
    proposal = proposal_actions.do_create_proposal(actor=world.unit_officer, proposer_unit=world.tuyen_giao, data={
        "title": "Đề nghị Hội Nhà báo Việt Nam tặng Bằng khen năm 2022", "year": 2022, "level": "UNIT"})
    client = Client()
    client.force_login(world.unit_officer)
    page = client.get(reverse("proposals:proposal_detail", args=[proposal.uid])).content.decode()
    form = page[page.index('id="add-eligible"'):]
    assert '<option value="BK_HNBVN">Bằng khen của Hội Nhà báo Việt Nam (Hội Nhà báo Việt Nam)</option>' in form
    assert '<option value="HCLD_1">Huân chương Lao động hạng Nhất</option>' in form
    answer = client.post(reverse("proposals:item_add_eligible", args=[proposal.uid]), {"award": "BK_HNBVN"}, follow=True).content.decode()
    assert "Đã thêm 3 cán bộ để thẩm định thủ công Bằng khen của Hội Nhà báo Việt Nam năm 2022" in answer
    assert "quy chế của Hội" in answer
    items = list(ProposalItem.objects.filter(proposal=proposal, award="BK_HNBVN"))
    assert {i.person_id for i in items} == {p.pk for p in staff}
    assert all(any(b["kind"] == "MANUAL" and "thẩm định thủ công" in b["text"] for b in i.blockers) for i in items)
    again = client.post(reverse("proposals:item_add_eligible", args=[proposal.uid]), {"award": "BK_HNBVN"}, follow=True).content.decode()
    assert "đã có trong hồ sơ" in again and ProposalItem.objects.filter(proposal=proposal).count() == 3
    unknown = client.post(reverse("proposals:item_add_eligible", args=[proposal.uid]), {"award": "KHONG_CO"}, follow=True).content.decode()
    assert "không hợp lệ" in unknown and ProposalItem.objects.filter(proposal=proposal).count() == 3
