"""Render checks: every document kind, in each layout it can take (NĐ 30/2020 and HD 36), is built
from data by its registered builder, rendered to PDF by LibreOffice as a văn thư would print it,
and read back from the PDF's text layer (pdftotext): title and motto each on one line, the
deciding authority's line, the signature after the body and never split, the decision's list after
the signature on its own page with its header repeated, no template or developer notes, dates in
words, Nơi nhận ending with the archive line.

One test builds everything and converts every DOCX in one LibreOffice run; PDFs are cached by the
DOCX's SHA-256 (DATA_DIR/cache/render-check), so an unchanged document is not converted again.
Not marked sqlite: it runs once, in the PostgreSQL stage of `make test`.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings

from tests.core.pdf_text import PdfText, available
from thidua.blocs import actions as bloc_actions
from thidua.blocs.models import BlocKind, MeetingKind
from thidua.counting.paper import BallotSheet, MinutesData, minutes_spec, render_ballots
from thidua.documents.docx import render_docx
from thidua.documents.layout import LAYOUTS
from thidua.documents.pdf import convert_many, soffice
from thidua.documents.registry import KINDS
from thidua.org import actions as org_actions
from thidua.org.models import Province, Unit
from thidua.proposals import actions
from thidua.proposals.models import DecisionRecipient
from thidua.rules.scoring import RankInput, SheetTotals, rank
from thidua.rules.voting import tally
from thidua.scoring.document import ranking_spec

pytestmark = pytest.mark.django_db

HEAD = "Trần Thị Thanh Hương"
DEPUTY = "Nguyễn Văn Bình"
LIST_SIZE = 45  # enough rows for the decision's list to run over two pages
TEMPLATE_NOTES = ("Mẫu số", "Phụ lục", "chưa xác minh", "Bài báo nguồn", "dạng nháp", "(Chưa có", "(Đơn vị bổ sung")
NUMERIC_DATE = re.compile(r"ngày \d{1,2}/\d{1,2}/\d{4}")


def _setup(world, doc_format: str):
    """A 2024 block headed by Ban Tuyên giáo (signed covenant, reports, a meeting), a unit's and
    the block's proposals, and a decision with its list; the units write in `doc_format`."""
    Unit.objects.filter(pk=world.tuyen_giao.pk).update(doc_format=doc_format, superior_name="Tỉnh ủy An Giang", short_name="BTGTU")
    Unit.objects.filter(pk=world.to_chuc.pk).update(doc_format=doc_format, superior_name="Tỉnh ủy An Giang", short_name="BTCTU")
    province = Province.objects.get(pk=world.an_giang.pk)
    org_actions.do_update_province_settings(
        actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
    )
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua các cơ quan Đảng tỉnh", "kind": BlocKind.KHOI})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2024)
    for unit in (world.tuyen_giao, world.to_chuc):
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    bloc_actions.do_set_leadership(actor=None, bloc_year=year, head_unit=world.tuyen_giao, deputy_unit=world.to_chuc, expected_version=year.version)
    year.refresh_from_db()
    covenant = bloc_actions.do_draft_covenant(
        actor=None, bloc_year=year, place="An Giang",
        content="Thi đua hoàn thành xuất sắc nhiệm vụ chính trị\nThực hành tiết kiệm, chống lãng phí\x07 (dán từ tệp khác)",
    )
    commitments = {c.unit_id: c for c in covenant.commitments.all()}
    bloc_actions.do_update_covenant(
        actor=None, covenant=covenant, content=covenant.content, place="An Giang",
        targets={world.tuyen_giao.pk: "100% cán bộ hoàn thành tốt nhiệm vụ", world.to_chuc.pk: "Tham mưu tổ chức đại hội đúng tiến độ"},
        expected_version=covenant.version,
    )
    covenant.refresh_from_db()
    bloc_actions.do_open_covenant(actor=None, covenant=covenant, expected_version=covenant.version)
    bloc_actions.do_confirm_commitment(actor=None, commitment=commitments[world.tuyen_giao.pk], signer_name=HEAD, signer_title="Trưởng ban")
    bloc_actions.do_confirm_commitment(actor=None, commitment=commitments[world.to_chuc.pk], signer_name=DEPUTY, signer_title="Trưởng ban")
    covenant.refresh_from_db()
    sections = {
        "situation": "Khối có 2 đơn vị thành viên, hoạt động ổn định.", "results": "Các đơn vị hoàn thành xuất sắc nhiệm vụ.",
        "deliberation": "Bình xét công khai, dân chủ.", "proposals": "Đề nghị tặng Cờ thi đua cho Ban Tổ chức Tỉnh ủy.",
        "directions": "Tiếp tục đẩy mạnh phong trào thi đua.",
    }
    reports = [bloc_actions.do_save_report(actor=None, bloc_year=year, kind=kind, sections=sections, expected_version=None) for kind in ("INTERIM", "ANNUAL")]
    meeting = bloc_actions.do_record_meeting(
        actor=None, bloc_year=year, data={"kind": MeetingKind.ANNUAL_REVIEW, "held_on": dt.date(2024, 12, 10), "place": "Hội trường Tỉnh ủy An Giang"},
        attending=[world.tuyen_giao, world.to_chuc],
    )
    person = org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Nguyễn Văn An", "gender": "NAM", "position_title": "Chuyên viên"})
    unit_proposal = actions.do_create_proposal(
        actor=None, proposer_unit=world.tuyen_giao,
        data={"title": "Đề nghị tặng Bằng khen năm 2024", "year": 2024, "proposed_on": dt.date(2024, 12, 20),
              "reasons": "Đơn vị hoàn thành xuất sắc nhiệm vụ năm 2024.", "signer_name": HEAD, "signer_title": "Trưởng ban"},
    )
    person_item = actions.do_add_item(actor=None, proposal=unit_proposal, data={"person": person, "award": "BK_TINH", "achievements": "Chủ trì biên soạn tài liệu tuyên truyền"})
    unit_item = actions.do_add_item(actor=None, proposal=unit_proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH", "achievements": "Hoàn thành xuất sắc nhiệm vụ"})
    bloc_proposal = actions.do_create_proposal(actor=None, meeting=meeting, data={"title": "Đề nghị khen thưởng năm 2024 của khối", "signer_name": HEAD})
    actions.do_add_item(actor=None, proposal=bloc_proposal, data={"unit": world.to_chuc, "award": "BK_TINH", "achievements": "Dẫn đầu khối"})
    people = [org_actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": f"Người thứ {n}", "gender": "NU", "position_title": "Chuyên viên"})
              for n in range(1, LIST_SIZE + 1)]
    decision = actions.do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": "5", "symbol": "QĐ-BTGTU", "issued_on": dt.date(2026, 1, 10), "level": "UNIT", "issuer_unit": world.tuyen_giao,
              "issuer_name": "Ban Tuyên giáo Tỉnh ủy", "signer_title": "Trưởng ban", "signer_name": HEAD},
        recipients=[{"person": p, "award": "LDTT", "year": 2025} for p in people],
    )
    # One amount not known yet (money rules, issue #11): the list says so and prints no total.
    DecisionRecipient.objects.filter(pk=decision.recipients.order_by("pk").first().pk).update(amount_vnd=None)
    return {
        "ranking": ("RANKING", year, None),
        "covenant": ("COVENANT", covenant, dt.date(2024, 3, 15)),
        "report-interim": ("BLOC_REPORT", reports[0], dt.date(2024, 6, 20)),
        "report-annual": ("BLOC_REPORT", reports[1], dt.date(2024, 12, 15)),
        "submission-unit": ("PROPOSAL_SUBMISSION", unit_proposal, dt.date(2024, 12, 20)),
        "submission-bloc": ("PROPOSAL_SUBMISSION", bloc_proposal, dt.date(2025, 7, 2)),
        "achievement-person": ("ACHIEVEMENT_REPORT", person_item, dt.date(2024, 12, 20)),
        "achievement-unit": ("ACHIEVEMENT_REPORT", unit_item, dt.date(2024, 12, 20)),
        "decision": ("AWARD_DECISION", decision, dt.date(2026, 1, 10)),
    }


def _ranking_spec(bloc_year):
    """The ranking table (A4 landscape) of the block's two units, published on 15/12/2024."""
    from decimal import Decimal as D
    from types import SimpleNamespace

    def totals(a, b, bonus):
        return SheetTotals(base=D(a) + D(b), bonus=D(bonus), deduction=D(0), total=D(a) + D(b) + D(bonus),
                           by_group={"1": D(a), "2": D(b)}, missing=(), notes=())

    ranking = rank([RankInput("1", "Ban Tổ chức Tỉnh ủy", totals("58,5".replace(",", "."), "38", "5")),
                    RankInput("2", "Ban Tuyên giáo Tỉnh ủy", totals("55", "36", "0"))], quota=1)
    groups = [("1", "Công tác tham mưu, chỉ đạo", D(60)), ("2", "Thực hiện nhiệm vụ chuyên môn", D(40))]
    scoring_round = SimpleNamespace(bloc_year=bloc_year, published_at=dt.datetime(2024, 12, 15, 9, 0))
    bloc_year.refresh_from_db()
    return ranking_spec(scoring_round, ranking, groups, "Kết quả đã công bố ngày 15 tháng 12 năm 2024")


def _counting_papers(layout_code: str) -> dict[str, bytes]:
    layout = LAYOUTS[layout_code]
    superior = "Tỉnh ủy An Giang" if layout_code == "HD36" else "UBND tỉnh An Giang"
    result = tally({
        "kind": "voting", "decided_on": "2026-01-05", "award": "CSTD_TINH", "council_size": 15, "present": 13,
        "written_opinions": 2, "quota": 2,
        "candidates": [{"id": "1", "name": "Nguyễn Văn An", "yes": 14}, {"id": "2", "name": "Trần Thị Bình", "yes": 11}],
    })
    minutes = MinutesData(
        layout=layout, superior_name=superior, issuer_name="Hội đồng Thi đua - Khen thưởng tỉnh", issuer_abbr="HĐTĐKT",
        poll_title="Bầu danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025", electorate_label="thành viên Hội đồng", members_total=15,
        result=result, counts={"present": 13, "written_opinions": 2, "ballots_issued": 13, "ballots_used": 13, "ballots_spoiled": 0,
                               "ballots_invalid": 0, "ballots_blank": 0},
        result_sha256="9f2c" + "0" * 60, place="Hội trường Tỉnh ủy An Giang", place_name="An Giang", held_on=dt.date(2026, 1, 5),
        number="7", issued_on=dt.date(2026, 1, 5), board_head="Phạm Minh Đức", board_members=["Võ Thị Hạnh", "Đặng Văn Khoa"],
        chair="Hồ Văn Mừng", secretary="Lý Thị Ngọc",
    )
    papers = {"minutes": render_docx(minutes_spec(minutes, {"1": "Nguyễn Văn An", "2": "Trần Thị Bình"}))}
    for method in ("APPROVE_EACH", "CHOOSE_ONE"):
        papers[f"ballots-{method.lower()}"] = render_ballots(BallotSheet(
            layout=layout, superior_name=superior, issuer_name="Hội đồng Thi đua - Khen thưởng tỉnh",
            title="Bầu danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2025", method=method,
            candidates=[("Nguyễn Văn An", "Ban Tuyên giáo Tỉnh ủy"), ("Trần Thị Bình", "Ban Tổ chức Tỉnh ủy")],
            first_number=1, last_number=2, held_on=dt.date(2026, 1, 5), place="An Giang", quota=1 if method == "CHOOSE_ONE" else 2,
        ))
    return papers


def _title_lines(pdf: PdfText, layout_code: str) -> list:
    if layout_code == "HD36":
        return [pdf.line("ĐẢNG CỘNG SẢN VIỆT NAM")]
    return [pdf.line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), pdf.line("Độc lập - Tự do - Hạnh phúc")]


def _recipients_end(pdf: PdfText, layout_code: str, archive: str) -> None:
    start = pdf.line("Nơi nhận:")
    items: list[str] = []
    for line in pdf.page_lines(start.page):
        if line.y0 <= start.y0 or abs(line.x0 - start.x0) > 5:
            continue
        if line.text.startswith("- ") or not items:
            items.append(line.text)
        else:
            items[-1] += " " + line.text  # a long recipient wraps onto the next line
    assert items, "Nơi nhận has no lines"
    separator = "," if layout_code == "HD36" else ";"
    assert all(item.endswith(separator) for item in items[:-1]), items
    assert items[-1] == ("- Lưu VT, " if layout_code == "HD36" else "- Lưu: VT, ") + archive + "."


def _signature_after_body(pdf: PdfText, last_body: str, marks: list[str], name: str) -> None:
    """The signature block (its marks and the name) comes after the body and on one page."""
    body = pdf.last(last_body)
    name_line = pdf.last(name)
    assert name_line.where > body.where, f"{name} is printed before the end of the text"
    for mark in marks:
        line = pdf.last(mark)
        assert line.page == name_line.page, f"the signature block is split: {mark!r} p.{line.page + 1}, {name!r} p.{name_line.page + 1}"
        assert line.where < name_line.where


def _check(key: str, layout_code: str, pdf: PdfText) -> None:
    text = pdf.text()
    for note in TEMPLATE_NOTES:
        assert note not in text, f"template or developer note {note!r} printed"
    assert not NUMERIC_DATE.search(text), f"a date in figures: {NUMERIC_DATE.search(text).group(0)!r}"
    assert "\x07" not in text
    # No word or number broken in a narrow column.
    broken = [w for w in pdf.words() if w in {"ST", "Nă", "Tiề", "202", "024", "025"}]
    assert not broken, f"broken words: {broken}"
    # A person's own report carries the national title whatever the unit's layout.
    titles = _title_lines(pdf, "ND30" if key == "achievement-person" else layout_code)
    assert titles[0].page == 0
    if layout_code == "HD36" and key != "achievement-person":
        assert not any(line.text.startswith("TM. ") for line in pdf.lines), "a Party document signs T/M, not TM."
    marks = {"HD36": "T/M", "ND30": "TM."}[layout_code]
    kind = key.split("-")[0]
    if kind == "covenant":
        assert pdf.first("Số").text.endswith("-GƯTĐ/KTĐ" if layout_code == "HD36" else "/GƯTĐ-KTĐ")
        assert "Thực hành tiết kiệm, chống lãng phí (dán từ tệp khác)" in text
        _signature_after_body(pdf, "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ KẾT", [f"{marks} BAN TỔ CHỨC TỈNH ỦY"], DEPUTY)
        _recipients_end(pdf, layout_code, "BTGTU")
    elif kind == "report":
        assert pdf.first("Số").text.endswith("-BC/KTĐ" if layout_code == "HD36" else "/BC-KTĐ")
        _signature_after_body(pdf, "Tiếp tục đẩy mạnh", [f"{marks} KHỐI THI ĐUA", "TRƯỞNG KHỐI", "TRƯỞNG BAN TUYÊN GIÁO"], HEAD)
        _recipients_end(pdf, layout_code, "BTGTU")
    elif key == "submission-unit":
        # Dated 20/12/2024: the decree then in force, from the rule registry.
        assert "Nghị định số 98/2023/NĐ-CP" in text and "152/2025" not in text
        _signature_after_body(pdf, "Kính trình", ["TRƯỞNG BAN"], HEAD)
        _recipients_end(pdf, layout_code, "BTGTU")
    elif key == "submission-bloc":
        assert "Nghị định số 152/2025/NĐ-CP" in text and "98/2023" not in text
        assert pdf.first("Số").text.endswith("-TTr/KTĐ" if layout_code == "HD36" else "/TTr-KTĐ")
        assert "ngày 10 tháng 12 năm 2024 (biên bản họp khối kèm theo)" in " ".join(pdf.words())
        _signature_after_body(pdf, "Kính trình", [f"{marks} KHỐI THI ĐUA", "TRƯỞNG KHỐI"], HEAD)
        _recipients_end(pdf, layout_code, "BTGTU")
    elif key == "achievement-person":
        before = [line.text for line in pdf.lines if line.where < pdf.line("BÁO CÁO THÀNH TÍCH").where]
        assert not any(t.startswith("Số") for t in before) and "BAN TUYÊN GIÁO TỈNH ỦY" not in before
        confirm, reporter = pdf.first("XÁC NHẬN CỦA THỦ TRƯỞNG"), pdf.line("NGƯỜI BÁO CÁO THÀNH TÍCH")
        assert confirm.page == reporter.page and abs(confirm.y0 - reporter.y0) < 2 and confirm.x0 < reporter.x0
        assert pdf.line("(Ký, ghi rõ họ tên, đóng dấu)").x0 < reporter.x0  # the unit seals, the person does not
        assert pdf.first("An Giang, ngày 20 tháng 12 năm 2024").where < confirm.where
        _signature_after_body(pdf, "III. CÁC HÌNH THỨC", ["NGƯỜI BÁO CÁO THÀNH TÍCH"], "Nguyễn Văn An")
    elif key == "achievement-unit":
        assert pdf.first("Số").text.endswith("-BC/BTGTU" if layout_code == "HD36" else "/BC-BTGTU")
        head, confirm = pdf.line("THỦ TRƯỞNG ĐƠN VỊ"), pdf.first("XÁC NHẬN CỦA CẤP TRÌNH")
        assert head.where > pdf.last("Chưa được khen thưởng.").where and head.page == confirm.page and confirm.x0 < head.x0
    elif kind == "decision":
        authority = pdf.line("TRƯỞNG BAN TUYÊN GIÁO TỈNH ỦY")
        assert authority.where < pdf.first("Căn cứ Luật").where
        _signature_after_body(pdf, "Điều 3.", ["TRƯỞNG BAN"], HEAD)
        _recipients_end(pdf, layout_code, "TĐKT")
        listing = pdf.line("DANH SÁCH KHEN THƯỞNG")
        signer = pdf.last(HEAD)
        assert listing.page > signer.page, "the list is printed before the signature"
        # Its own page with its own heading: the issuer and the title above it on that page.
        assert _title_lines(pdf, layout_code)[0].page == 0
        heading = [line.text for line in pdf.page_lines(listing.page) if line.y0 < listing.y0]
        assert "BAN TUYÊN GIÁO TỈNH ỦY" in heading and any(t in heading for t in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐẢNG CỘNG SẢN VIỆT NAM"))
        reference = pdf.first("(Kèm theo Quyết định số")
        assert "ngày 10 tháng 01 năm 2026" in " ".join(line.text for line in pdf.lines[pdf.lines.index(reference):pdf.lines.index(reference) + 2])
        # The header row repeats on every page of the list; years and STT are never broken.
        list_pages = range(listing.page, pdf.page_count)
        assert len(list_pages) >= 2, "the list should run over two pages in this check"
        for page in list_pages:
            assert any(line.text == "STT" for line in pdf.page_lines(page)), f"no header row on page {page + 1}"
        assert pdf.words().count("2025") >= LIST_SIZE
        # The unknown amount wraps in its narrow cell ("chưa xác" / "định"): read it word by word.
        words = pdf.words()
        assert {"chưa", "xác", "định"} <= set(words) and "Tổng cộng" not in text and "0 đồng" not in text
    elif kind == "minutes":
        assert pdf.first("An Giang, ngày 05 tháng 01 năm 2026").page == 0  # the place name, not the venue
        assert "Hôm nay, ngày 05 tháng 01 năm 2026 tại Hội trường Tỉnh ủy An Giang" in " ".join(pdf.words())
        assert "đóng dấu" not in text  # individuals sign without a seal
        secretary, chair = pdf.line("THƯ KÝ"), pdf.line("CHỦ TRÌ")
        assert secretary.page == chair.page and abs(secretary.y0 - chair.y0) < 2
        _signature_after_body(pdf, "Biên bản được lập xong", ["CHỦ TRÌ"], "Hồ Văn Mừng")
        _signature_after_body(pdf, "Biên bản được lập xong", ["THƯ KÝ"], "Lý Thị Ngọc")
    elif kind == "ballots":
        assert pdf.page_count == 2
        for page in range(2):
            lines = [line.text for line in pdf.page_lines(page)]
            assert titles[0].text in lines and "PHIẾU BẦU" in lines
            assert "(An Giang, ngày 05 tháng 01 năm 2026)" in lines
    elif kind == "ranking":
        assert pdf.first("BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM").page == 0 and not any(l.text.startswith("Số") for l in pdf.page_lines(0))
        assert {"STT", "58,5", "101,5", "91"} <= set(pdf.words()), pdf.words()
        _signature_after_body(pdf, "Chỉ tiêu", [f"{marks} KHỐI THI ĐUA", "TRƯỞNG KHỐI"], HEAD)
    else:
        raise AssertionError(f"no check for {key}")


def test_every_document_renders_as_a_van_thu_would_sign_it(world):
    assert soffice() and available(), "Render checks need LibreOffice and poppler-utils: run `make libreoffice`."
    docx: dict[str, bytes] = {}
    sources = _setup(world, "ND30")
    for layout_code in ("ND30", "HD36"):
        # Same data in both layouts: the issuing units' document format decides.
        Unit.objects.filter(pk__in=[world.tuyen_giao.pk, world.to_chuc.pk]).update(doc_format=layout_code)
        for key, (kind_code, source, on) in sources.items():
            if kind_code == "RANKING":
                docx[f"{layout_code}:{key}"] = render_docx(_ranking_spec(source))
                continue
            kind = KINDS[kind_code]
            built = kind.build(kind.load(kind.key_of(source)), "5", on)
            assert built.spec.layout.code == layout_code, key
            docx[f"{layout_code}:{key}"] = render_docx(built.spec)
        for key, data in _counting_papers(layout_code).items():
            docx[f"{layout_code}:{key}"] = data
    pdfs = convert_many(docx, settings.DATA_DIR / "cache" / "render-check", timeout=120)
    problems = []
    for name, pdf in pdfs.items():
        layout_code, key = name.split(":", 1)
        try:
            _check(key, layout_code, PdfText(pdf))
        except AssertionError as error:
            problems.append(f"{name}: {error}")
    assert not problems, "\n".join(problems)
