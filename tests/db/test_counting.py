"""Paper count (thidua/counting): four-eyes double entry, consistency checks, results from
elsewhere, numbered ballots and the biên bản kiểm phiếu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.core.docx_xml import DocxXml
from tests.factories import grant, make_user
from thidua.accounts.models import Role
from thidua.audit.models import AuditLog
from thidua.core.errors import ActionError, NotPermitted
from thidua.counting import actions
from thidua.counting.models import ExternalResult, PaperBallotBatch, TallyEntry
from thidua.documents.actions import do_generate_document, do_register_document
from thidua.voting import actions as voting
from thidua.voting.models import PollState

pytestmark = pytest.mark.django_db

MEMBERS = ["Hồ Văn Mừng", "Phạm Minh Đức", "Võ Thị Hạnh", "Đặng Văn Khoa", "Lý Thị Mai", "Trương Văn Nam", "Bùi Thị Oanh"]


def make_council(world):
    council = voting.do_create_council(
        actor=None, province=world.an_giang,
        data={"name": "Hội đồng Thi đua - Khen thưởng Ban Tổ chức Tỉnh ủy", "level": "UNIT", "unit": world.to_chuc},
    )
    for i, name in enumerate(MEMBERS):
        voting.do_add_council_member(
            actor=None, council=council,
            data={"full_name": name, "role": "CHAIR" if i == 0 else "MEMBER", "term_from": dt.date(2025, 1, 1)},
        )
    return council


def make_poll(world, *, mode="PAPER", method="APPROVE_EACH", open_it=True, close_it=True):
    council = make_council(world)
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét Chiến sĩ thi đua cơ sở năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD",
              "award_code": "CSTDCS", "method": method, "mode": mode, "quota": 2 if method == "APPROVE_EACH" else None,
              "held_on": dt.date(2025, 12, 20)},
        candidates=[{"label": "Nguyễn Văn An"}, {"label": "Trần Thị Bình"}, {"label": "Lê Văn Cường"}],
    )
    if open_it:
        poll = voting.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    if close_it:
        poll = voting.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    return poll


@pytest.fixture
def board(world):
    """Three accounts of the counting board (Tổ kiểm phiếu) of An Giang."""
    users = []
    for name in ("kiem-phieu-1", "kiem-phieu-2", "kiem-phieu-3"):
        user = make_user(name)
        grant(user, Role.COUNTING_BOARD, world.an_giang)
        users.append(user)
    return users


@pytest.fixture
def poll(world):
    return make_poll(world)


def counts_for(poll, *, yes=(7, 6, 1), no=None, **changes):
    """7 members: 6 present, 1 written opinion; 8 ballots issued (1 spoiled), 7 used, none invalid."""
    ids = [cid for cid, _ in actions.candidate_list(poll)]
    no = no or tuple(7 - y for y in yes)
    counts = {
        "present": 6, "written_opinions": 1, "ballots_issued": 8, "ballots_used": 7, "ballots_spoiled": 1,
        "ballots_invalid": 0, "ballots_blank": 0,
        "candidates": {cid: {"yes": y, "no": n} for cid, y, n in zip(ids, yes, no)},
    }
    counts.update(changes)
    return counts


@pytest.mark.sqlite
def test_two_matching_entries_by_different_accounts_give_the_result(poll, board):
    first, second, _ = board
    entry = actions.do_enter_tally(actor=first, poll=poll, counts=counts_for(poll))
    assert entry.entry_no == 1 and entry.entered_by == first
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED and poll.result is None  # no result from one entry
    with pytest.raises(ActionError) as early:
        actions.do_accept_tally(actor=first, poll=poll, expected_version=poll.version)
    assert "hai lần nhập" in early.value.message
    actions.do_enter_tally(actor=second, poll=poll, counts=counts_for(poll))
    assert actions.comparison(poll)["matched"]
    poll = actions.do_accept_tally(actor=second, poll=poll, expected_version=poll.version)
    poll.refresh_from_db()
    assert poll.state == PollState.RESULT and poll.result_source == "PAPER"
    assert [(r["name"], r["yes"], r["passed"], r["selected"]) for r in poll.result["results"]] == [
        ("Nguyễn Văn An", 7, True, True), ("Trần Thị Bình", 6, True, True), ("Lê Văn Cường", 1, False, False),
    ]
    # The ballot figures ride along in the result, under its SHA-256.
    assert poll.result["counts"]["ballots_issued"] == 8 and poll.result["counts"]["ballots_valid"] == 7
    assert poll.result_sha256 == voting.result_digest(poll.result)
    with pytest.raises(ActionError):
        actions.do_enter_tally(actor=board[2], poll=poll, counts=counts_for(poll))


@pytest.mark.sqlite
def test_a_second_entry_by_the_same_account_is_refused_and_nothing_is_written(poll, board):
    first = board[0]
    actions.do_enter_tally(actor=first, poll=poll, counts=counts_for(poll))
    rows = AuditLog.objects.count()
    with pytest.raises(ActionError) as refused:
        actions.do_enter_tally(actor=first, poll=poll, counts=counts_for(poll))
    assert "phải do một thành viên khác của ban kiểm phiếu" in refused.value.message
    assert TallyEntry.objects.filter(poll=poll).count() == 1 and AuditLog.objects.count() == rows


@pytest.mark.sqlite
@pytest.mark.parametrize(
    "changes, words",
    [
        ({"ballots_issued": 9}, "Số phiếu phát ra (9) phải bằng số phiếu thu vào cộng số phiếu hỏng"),
        ({"yes": (8, 6, 1), "no": (0, 1, 6)}, "Số phiếu đồng ý của “Nguyễn Văn An” (8) lớn hơn số phiếu hợp lệ"),
        ({"ballots_used": 8, "ballots_issued": 9}, "lớn hơn số người bỏ phiếu"),
        ({"present": 8}, "lớn hơn tổng số thành viên (7)"),
    ],
)
def test_a_tally_that_does_not_add_up_is_refused_and_nothing_is_written(poll, board, changes, words):
    rows = AuditLog.objects.count()
    with pytest.raises(ActionError) as refused:
        actions.do_enter_tally(actor=board[0], poll=poll, counts=counts_for(poll, **changes))
    assert words in refused.value.message
    assert refused.value.errors  # field by field for the form
    assert not TallyEntry.objects.filter(poll=poll).exists() and AuditLog.objects.count() == rows


@pytest.mark.sqlite
def test_mismatch_is_shown_field_by_field_and_resolved_by_reentry(poll, board):
    first, second, third = board
    actions.do_enter_tally(actor=first, poll=poll, counts=counts_for(poll))
    actions.do_enter_tally(actor=second, poll=poll, counts=counts_for(poll, yes=(7, 5, 1), no=(0, 2, 6)))
    state = actions.comparison(poll)
    assert not state["matched"]
    assert [d.message for d in state["differences"]] == [
        "Số phiếu đồng ý của “Trần Thị Bình”: lần nhập 1 ghi 6, lần nhập 2 ghi 5.",
        "Số phiếu không đồng ý của “Trần Thị Bình”: lần nhập 1 ghi 1, lần nhập 2 ghi 2.",
    ]
    with pytest.raises(ActionError) as no_result:
        actions.do_accept_tally(actor=first, poll=poll, expected_version=poll.version)
    assert "chưa khớp" in no_result.value.message
    poll.refresh_from_db()
    assert poll.result is None
    # The author of side 1 may not re-enter side 2 (it would be one person twice).
    with pytest.raises(ActionError):
        actions.do_enter_tally(actor=first, poll=poll, counts=counts_for(poll), replace=2)
    reentry = actions.do_enter_tally(actor=third, poll=poll, counts=counts_for(poll), replace=2)
    assert reentry.entry_no == 2
    assert TallyEntry.objects.filter(poll=poll, superseded=True).get().entered_by == second  # kept, marked
    assert actions.comparison(poll)["matched"]
    poll = actions.do_accept_tally(actor=third, poll=poll, expected_version=poll.version)
    assert poll.state == PollState.RESULT
    assert AuditLog.objects.filter(action="counting.tally.reenter").count() == 1


def test_counting_needs_the_counting_right_in_scope(poll, world, board):
    with pytest.raises(NotPermitted):
        actions.do_enter_tally(actor=world.qn_officer, poll=poll, counts=counts_for(poll))
    with pytest.raises(NotPermitted):
        actions.do_enter_tally(actor=world.viewer, poll=poll, counts=counts_for(poll))


def test_entry_waits_for_the_poll_to_open(world, board):
    draft = make_poll(world, open_it=False, close_it=False)
    with pytest.raises(ActionError) as refused:
        actions.do_enter_tally(actor=board[0], poll=draft, counts=counts_for(draft))
    assert "chưa mở" in refused.value.message


@pytest.mark.sqlite
def test_choose_one_totals_must_equal_valid_ballots(world, board):
    poll = make_poll(world, method="CHOOSE_ONE")
    good = counts_for(poll, yes=(4, 2, 1), no=(None, None, None))
    with pytest.raises(ActionError) as refused:
        actions.do_enter_tally(actor=board[0], poll=poll, counts={**good, "candidates": {k: {"yes": v["yes"] + (1 if i == 0 else 0)} for i, (k, v) in enumerate(good["candidates"].items())}})
    assert "cộng số phiếu trắng (0) phải bằng số phiếu hợp lệ" in refused.value.message
    actions.do_enter_tally(actor=board[0], poll=poll, counts=good)
    actions.do_enter_tally(actor=board[1], poll=poll, counts=good)
    poll = actions.do_accept_tally(actor=board[1], poll=poll, expected_version=poll.version)
    assert [r["selected"] for r in poll.result["results"]] == [False, False, False]  # 4/7 < 80 %


PDF = b"%PDF-1.4 bien ban kiem phieu goc"


@pytest.mark.sqlite
def test_a_result_from_elsewhere_is_recorded_with_its_minutes(world, board):
    poll = make_poll(world, mode="EXTERNAL", open_it=False, close_it=False)
    counts = {"council_size": 9, "present": 8, "written_opinions": 1,
              "candidates": {cid: {"yes": y} for (cid, _), y in zip(actions.candidate_list(poll), (9, 8, 3))}}
    rows = AuditLog.objects.count()
    with pytest.raises(ActionError) as bad_file:
        actions.do_record_external_result(
            actor=board[0], poll=poll, counts=counts, minutes_upload=SimpleUploadedFile("bb.docx", b"PK\x03\x04"),
            held_at="Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", expected_version=poll.version,
        )
    assert "PDF" in bad_file.value.message
    with pytest.raises(ActionError) as too_many:
        actions.do_record_external_result(
            actor=board[0], poll=poll, counts={**counts, "present": 9}, minutes_upload=SimpleUploadedFile("bb.pdf", PDF),
            held_at="Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", expected_version=poll.version,
        )
    assert "Số ý kiến bằng văn bản (1) lớn hơn số thành viên vắng mặt" in too_many.value.message
    assert not ExternalResult.objects.exists() and AuditLog.objects.count() == rows
    evidence = actions.do_record_external_result(
        actor=board[0], poll=poll, counts=counts, minutes_upload=SimpleUploadedFile("bb.pdf", PDF),
        held_at="Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", minutes_reference="12/BB-HĐTĐKT", minutes_date=dt.date(2025, 12, 20),
        expected_version=poll.version,
    )
    poll.refresh_from_db()
    assert poll.state == PollState.RESULT and poll.result_source == "EXTERNAL" and poll.electorate_size == 9
    assert [r["yes"] for r in poll.result["results"]] == [9, 8, 3]
    assert [r["selected"] for r in poll.result["results"]] == [True, True, False]  # 8/9 ≥ 80 %, 3/9 not
    # The minutes file's hash is part of the result data, so the printed result hash covers it.
    assert poll.result["counts"]["minutes_sha256"] == evidence.minutes_sha256 and len(evidence.minutes_sha256) == 64
    assert evidence.minutes_file.read() == PDF
    assert AuditLog.objects.count() == rows + 1  # one row: voting's result row


def _result(poll, board):
    actions.do_enter_tally(actor=board[0], poll=poll, counts=counts_for(poll))
    actions.do_enter_tally(actor=board[1], poll=poll, counts=counts_for(poll))
    poll.refresh_from_db()
    return actions.do_accept_tally(actor=board[1], poll=poll, expected_version=poll.version)


@pytest.mark.sqlite
def test_minutes_print_members_ballots_votes_threshold_board_and_hash(poll, board, world):
    with pytest.raises(ActionError):
        actions.do_save_minutes(actor=board[0], poll=poll, data={"place": "Long Xuyên", "board_head": "Phạm Minh Đức"})
    poll = _result(poll, board)
    minutes = actions.do_save_minutes(
        actor=board[0], poll=poll,
        data={"place": "Long Xuyên", "chair": "Hồ Văn Mừng", "board_head": "Phạm Minh Đức", "board_members": "Võ Thị Hạnh\n  Đặng Văn Khoa "},
    )
    assert minutes.member_list() == ["Võ Thị Hạnh", "Đặng Văn Khoa"]
    document = do_generate_document(actor=board[0], kind_code="COUNTING_MINUTES", source=minutes)
    assert document.doc_format == "HD36"  # Ban Tổ chức Tỉnh ủy is a Party body
    xml = DocxXml(document.generated_file.read())
    text = xml.text()
    assert xml.page_mm() == (210.0, 297.0) and xml.margins_mm()["left"] >= 30
    assert xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").bold
    assert xml.run("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG BAN TỔ CHỨC TỈNH ỦY").bold
    assert xml.run("BIÊN BẢN").bold
    assert "Tổng số thành viên Hội đồng: 7." in text
    assert "Số có mặt: 6; vắng mặt: 1, trong đó có 1 ý kiến bằng văn bản" in text
    assert "Số phiếu phát ra\n8" in text and "Số phiếu hợp lệ\n7" in text and "Số phiếu không hợp lệ\n0" in text
    assert "100,00%" in text and "85,71%" in text and "14,29%" in text
    assert "ít nhất 80%" in text and "6/7" in text
    assert "Được chọn (2): Nguyễn Văn An; Trần Thị Bình." in text
    assert "TRƯỞNG BAN KIỂM PHIẾU" in text and "Phạm Minh Đức" in text and "Đặng Văn Khoa" in text
    assert xml.run(f"Mã kiểm tra (SHA-256): {poll.result_sha256}").bold
    assert all(run.font == "Times New Roman" for run in xml.runs())
    registered = do_register_document(actor=board[0], document=document, number="3", issued_on=dt.date(2025, 12, 20), expected_version=document.version)
    xml = DocxXml(registered.generated_file.read())
    assert xml.run("Số 03-BB/BTCTU").size_pt == 14
    # Saving again needs the version read (compare-and-set).
    with pytest.raises(ActionError):
        actions.do_save_minutes(actor=board[0], poll=poll, data={"place": "An Giang"}, expected_version=minutes.version + 5)


@pytest.mark.sqlite
def test_ballots_are_printed_numbered_on_from_the_last_batch(world):
    poll = make_poll(world, open_it=False, close_it=False)
    batch = actions.do_print_ballots(actor=world.an_officer, poll=poll, count=3)
    assert (batch.first_number, batch.last_number) == (1, 3)
    second = actions.do_print_ballots(actor=world.an_officer, poll=poll, count=2)
    assert (second.first_number, second.last_number) == (4, 5)
    xml = DocxXml(second.generated_file.read())
    assert [r.text for r in xml.runs() if r.text.startswith("Phiếu số")] == ["Phiếu số: 004", "Phiếu số: 005"]
    assert xml.text().count("Trần Thị Bình") == 2
    with pytest.raises(ActionError):
        actions.do_print_ballots(actor=world.an_officer, poll=poll, count=0)
    with pytest.raises(NotPermitted):
        actions.do_print_ballots(actor=world.unit_officer, poll=poll, count=1)
    assert PaperBallotBatch.objects.filter(poll=poll).count() == 2


# ------------------------------------------------------------------------------------ pages


def _post_entry(client, poll, counts, url=None):
    data = {k: v for k, v in counts.items() if k != "candidates"}
    for cid, row in counts["candidates"].items():
        data[f"yes_{cid}"] = row["yes"]
        data[f"no_{cid}"] = row["no"]
    return client.post(url or reverse("counting:enter", kwargs={"uid": poll.uid}), data)


@pytest.mark.sqlite
def test_pages_double_entry_mismatch_reentry_and_result(poll, board):
    one, two = Client(), Client()
    one.force_login(board[0])
    two.force_login(board[1])
    home = one.get(reverse("counting:poll", kwargs={"uid": poll.uid}))
    assert "Nhập kết quả kiểm phiếu (lần 1)" in home.content.decode()
    response = _post_entry(one, poll, counts_for(poll, ballots_issued=10))
    assert response.status_code == 200 and "Số phiếu phát ra (10) phải bằng" in response.content.decode()
    assert not TallyEntry.objects.exists()
    assert _post_entry(one, poll, counts_for(poll)).status_code == 302
    # The same account cannot be the second pair of eyes.
    same = _post_entry(one, poll, counts_for(poll))
    assert "phải do một thành viên khác" in same.content.decode()
    response = _post_entry(two, poll, counts_for(poll, yes=(7, 5, 1), no=(0, 2, 6)))
    assert response.status_code == 302 and response["Location"] == reverse("counting:compare", kwargs={"uid": poll.uid})
    page = two.get(response["Location"]).content.decode()
    assert "Hai lần nhập chưa khớp: 2 chỗ khác nhau" in page and "lần nhập 1 ghi 6, lần nhập 2 ghi 5" in page
    assert "Nhập lại lần 2" in page
    response = _post_entry(two, poll, counts_for(poll), url=reverse("counting:reenter", kwargs={"uid": poll.uid, "side": 2}))
    assert response["Location"] == reverse("counting:result", kwargs={"uid": poll.uid})
    page = two.get(response["Location"]).content.decode()
    poll.refresh_from_db()
    assert poll.result_sha256 in page and "Đạt, được chọn" in page and "85,71%" in page


# ------------------------------------------------------------------------------------ API


def _bearer(user) -> Client:
    from thidua.accounts import actions as account_actions

    _, secret = account_actions.do_create_api_token(actor=user, name="Phần mềm kiểm phiếu")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _api_counts(poll, **kwargs):
    counts = counts_for(poll, **kwargs)
    by_pk = {str(c.pk): str(c.uid) for c in poll.candidates.all()}
    counts["candidates"] = {by_pk[k]: v for k, v in counts["candidates"].items()}
    return counts


@pytest.mark.sqlite
def test_api_double_entry_hides_figures_until_both_then_compares_and_records(poll, board):
    one, two = _bearer(board[0]), _bearer(board[1])
    url = f"/api/v1/polls/{poll.uid}/tally-entries"
    response = one.post(url, _api_counts(poll), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["entries"][0]["counts"] is None and body["differences"] is None and body["result"] is None
    refused = one.post(url, _api_counts(poll), content_type="application/json")
    assert refused.status_code == 400 and "thành viên khác" in refused.json()["error"]["message"]
    bad = two.post(url, _api_counts(poll, ballots_issued=3), content_type="application/json")
    assert bad.status_code == 422 and "Số phiếu phát ra (3)" in bad.json()["error"]["message"]
    response = two.post(url, _api_counts(poll, yes=(7, 5, 1), no=(0, 2, 6)), content_type="application/json")
    body = response.json()
    assert response.status_code == 201 and not body["matched"] and body["result_sha256"] == ""
    second_uid = str(poll.candidates.get(label="Trần Thị Bình").uid)
    assert [d["field"] for d in body["differences"]] == [f"candidates.{second_uid}.yes", f"candidates.{second_uid}.no"]
    assert body["entries"][0]["counts"]["ballots_issued"] == 8
    response = _bearer(board[2]).post(url, {**_api_counts(poll), "replace": 2}, content_type="application/json")
    body = response.json()
    assert response.status_code == 201 and body["matched"] and body["state"] == "RESULT" and len(body["result_sha256"]) == 64
    assert [e["superseded"] for e in body["entries"]] == [False, True, False]
    outsider = Client()
    outsider.force_login(board[0])
    assert outsider.get(f"/api/v1/polls/{poll.uid}/tally-comparison").json()["matched"]


@pytest.mark.sqlite
def test_api_records_a_result_from_elsewhere(world, board):
    import base64

    poll = make_poll(world, mode="EXTERNAL", open_it=False, close_it=False)
    counts = _api_counts(poll, yes=(9, 8, 3))
    payload = {
        "present": 8, "written_opinions": 1, "council_size": 9, "candidates": {k: {"yes": v["yes"]} for k, v in counts["candidates"].items()},
        "version": poll.version, "held_at": "Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", "minutes_filename": "bb.pdf",
        "minutes_base64": base64.b64encode(PDF).decode(),
    }
    client = _bearer(board[0])
    url = f"/api/v1/polls/{poll.uid}/external-result"
    bad = client.post(url, {**payload, "minutes_base64": "không phải base64"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "minutes_base64"
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "RESULT" and body["result"]["source"] == "EXTERNAL"
    assert ExternalResult.objects.get(poll=poll).minutes_sha256 == body["result"]["counts"]["minutes_sha256"]
    assert _bearer(world.qn_officer).get(f"/api/v1/polls/{poll.uid}/tally-comparison").status_code == 404


@pytest.mark.sqlite
def test_block_acclamation_minutes_carry_the_meeting_part_in_the_head_units_format(world, board):
    from thidua.blocs import actions as blocs
    from thidua.org.models import Unit

    bloc = blocs.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": "KHOI"})
    year, _ = blocs.do_open_year(actor=None, bloc=bloc, year=2025)
    for unit in (world.tuyen_giao, world.to_chuc):
        blocs.do_add_member(actor=None, bloc_year=year, unit=unit)
    Unit.objects.filter(pk=world.tuyen_giao.pk).update(superior_name="Tỉnh ủy An Giang", short_name="BTGTU")
    year = blocs.do_set_leadership(actor=None, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=None, expected_version=year.version)
    meeting = blocs.do_record_meeting(
        actor=None, bloc_year=year,
        data={"kind": "ANNUAL_REVIEW", "held_on": dt.date(2025, 12, 20), "place": "Long Xuyên", "chair": "Trần Thị Thanh Hương",
              "guests": "Đại diện Ban Thi đua - Khen thưởng tỉnh"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Suy tôn đơn vị dẫn đầu Khối năm 2025", "meeting": meeting, "electorate": "BLOCK_UNITS",
              "subject": "LEADER_ACCLAMATION", "method": "CHOOSE_ONE", "mode": "PAPER", "threshold_pct": 50},
        candidates=[{"unit": world.tuyen_giao}, {"unit": world.to_chuc}],
    )
    poll = voting.do_open_poll(actor=None, poll=poll, expected_version=poll.version)
    poll = voting.do_close_poll(actor=None, poll=poll, expected_version=poll.version)
    ids = [cid for cid, _ in actions.candidate_list(poll)]
    counts = {"present": 2, "written_opinions": 0, "ballots_issued": 2, "ballots_used": 2, "ballots_spoiled": 0,
              "ballots_invalid": 0, "ballots_blank": 0, "candidates": {ids[0]: {"yes": 2}, ids[1]: {"yes": 0}}}
    actions.do_enter_tally(actor=board[0], poll=poll, counts=counts)
    actions.do_enter_tally(actor=board[1], poll=poll, counts=counts)
    poll.refresh_from_db()
    poll = actions.do_accept_tally(actor=board[0], poll=poll, expected_version=poll.version)
    assert [r["selected"] for r in poll.result["results"]] == [True, False]
    minutes = actions.do_save_minutes(actor=board[0], poll=poll, data={"place": "Long Xuyên", "board_head": "Lê Văn Tâm"})
    document = do_generate_document(actor=board[0], kind_code="COUNTING_MINUTES", source=minutes)
    xml = DocxXml(document.generated_file.read())
    text = xml.text()
    assert document.doc_format == "HD36" and xml.run("ĐẢNG CỘNG SẢN VIỆT NAM").size_pt == 15
    assert xml.run("TỈNH ỦY AN GIANG").size_pt == 14 and xml.run("KHỐI THI ĐUA CÁC CƠ QUAN ĐẢNG TỈNH").bold
    assert "Số       -BB/KTĐ" in text  # the block's ký hiệu (docs/documents.md)
    assert "Họp và kiểm phiếu: Suy tôn đơn vị dẫn đầu Khối năm 2025" in text
    assert "I. DIỄN BIẾN HỘI NGHỊ" in text and "Chủ trì: Trần Thị Thanh Hương." in text
    assert "Đơn vị dự họp (2):" in text and "Ban Tổ chức Tỉnh ủy" in text
    assert "Khách mời (dự, không biểu quyết): Đại diện Ban Thi đua - Khen thưởng tỉnh." in text
    assert "Tổng số đơn vị thành viên (mỗi đơn vị một phiếu): 2." in text
    assert "Được chọn (1): Ban Tuyên giáo Tỉnh ủy." in text
    assert "Tỷ lệ suy tôn do khối thống nhất quy định" in text
    assert f"Mã kiểm tra (SHA-256): {poll.result_sha256}" in text


@pytest.mark.sqlite
def test_pages_print_ballots_record_external_result_and_generate_minutes(world, board):
    officer = Client()
    officer.force_login(world.an_officer)
    draft = make_poll(world, open_it=False, close_it=False)
    response = officer.post(reverse("counting:print_ballots", kwargs={"uid": draft.uid}), {"count": "4"})
    assert response.status_code == 302
    batch = PaperBallotBatch.objects.get(poll=draft)
    page = officer.get(reverse("counting:poll", kwargs={"uid": draft.uid})).content.decode()
    assert "Phiếu số 001–004" in page and "Tải phiếu (DOCX)" in page
    download = officer.get(reverse("counting:batch_download", kwargs={"uid": batch.uid}))
    assert download.status_code == 200 and "phieu-bau-001-004.docx" in download["Content-Disposition"]
    pdf = officer.get(reverse("counting:batch_download_pdf", kwargs={"uid": batch.uid}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-") and "phieu-bau-001-004.pdf" in pdf["Content-Disposition"]

    poll = make_poll(world, mode="EXTERNAL", open_it=False, close_it=False)
    clerk = Client()
    clerk.force_login(board[0])
    form = {"version": poll.version, "council_size": "9", "held_at": "Hội đồng TĐKT Ban Tổ chức Tỉnh ủy", "minutes_reference": "12/BB-HĐTĐKT",
            "minutes_date": "20/12/2025", "present": "8", "written_opinions": "1"}
    for candidate, yes in zip(poll.candidates.order_by("position"), (9, 8, 3)):
        form[f"yes_{candidate.pk}"] = str(yes)
    url = reverse("counting:external", kwargs={"uid": poll.uid})
    refused = clerk.post(url, {**form, "yes_" + str(poll.candidates.order_by("position").first().pk): "10", "minutes_file": SimpleUploadedFile("bb.pdf", PDF)})
    assert refused.status_code == 200 and "lớn hơn số người bỏ phiếu (9)" in refused.content.decode()
    response = clerk.post(url, {**form, "minutes_file": SimpleUploadedFile("bb.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == reverse("counting:result", kwargs={"uid": poll.uid})
    page = clerk.get(response["Location"]).content.decode()
    assert "Bỏ phiếu họp ngoài hệ thống" in page and "biên bản số 12/BB-HĐTĐKT" in page and "88,89%" in page
    assert "(threshold_percent)" not in page and "(1)" not in page.split("Diễn giải")[1]

    url = reverse("counting:minutes", kwargs={"uid": poll.uid})
    missing = clerk.post(url, {"place": "Long Xuyên", "board_head": ""})
    assert "Trường này không được để trống." in missing.content.decode()
    response = clerk.post(url, {"place": "Long Xuyên", "board_head": "Phạm Minh Đức", "board_members": "Võ Thị Hạnh"})
    assert response.status_code == 302
    page = clerk.get(url).content.decode()
    assert "Biên bản kiểm phiếu: Bình xét Chiến sĩ thi đua cơ sở năm 2025" in page and "Tải DOCX" in page
    from thidua.documents.models import IssuedDocument

    document = IssuedDocument.objects.get(kind="COUNTING_MINUTES")
    text = DocxXml(document.generated_file.read()).text()
    assert "ngoài hệ thống (Hội đồng TĐKT Ban Tổ chức Tỉnh ủy, biên bản số 12/BB-HĐTĐKT, ngày 20 tháng 12 năm 2025)" in text
    assert "không ghi số phiếu phát ra" in text
    poll.refresh_from_db()
    assert f"Mã kiểm tra (SHA-256): {poll.result_sha256}" in text


def test_signed_minutes_are_frozen(poll, board):
    from thidua.documents.actions import do_upload_signed_scan

    poll = _result(poll, board)
    minutes = actions.do_save_minutes(actor=board[0], poll=poll, data={"place": "Long Xuyên", "board_head": "Phạm Minh Đức"})
    document = do_generate_document(actor=board[0], kind_code="COUNTING_MINUTES", source=minutes)
    document = do_register_document(actor=board[0], document=document, number="4", issued_on=dt.date(2025, 12, 20), expected_version=document.version)
    do_upload_signed_scan(actor=board[0], document=document, upload=SimpleUploadedFile("ky.pdf", b"%PDF-1.4 ky"), expected_version=document.version)
    with pytest.raises(ActionError) as frozen:
        actions.do_save_minutes(actor=board[0], poll=poll, data={"place": "An Giang"}, expected_version=minutes.version)
    assert "đã có bản ký" in frozen.value.message
    minutes.refresh_from_db()
    assert minutes.place == "Long Xuyên"
