"""Issue #12, point 3: names that a spreadsheet would run as formulas go out inert in every export.

CSV: a leading single quote (OWASP). XLSX: an explicit text cell (data type "s", quote prefix), never
a formula element, holding the exact text (so a workbook exported and imported back is unchanged).
Numbers stay numbers, negative ones too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from thidua.blocs import actions as bloc_actions
from thidua.core.exports import export_response
from thidua.history import actions as history_actions
from thidua.org import actions as org_actions
from thidua.org.models import Unit
from thidua.scoring import actions as scoring_actions
from thidua.scoring.excel import parse_criteria_workbook
from thidua.scoring.models import ScoreSheet
from tests.db.test_scoring_pages import YEAR, appraised, block, make_set, scoring_round  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]
# What survives storage: names are NFC-normalised and stripped, so "\t=1" is kept as "=1".
STORED = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "=1 một"]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def assert_no_formula(content: bytes) -> None:
    """No sheet of the workbook holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<(\w+:)?f[ >/]", archive.read(name)), name


def xlsx_cells(response_or_bytes) -> dict:
    content = getattr(response_or_bytes, "content", response_or_bytes)
    assert_no_formula(content)
    workbook = load_workbook(io.BytesIO(content))
    return {cell.value: cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None}


def assert_inert_cell(cells: dict, text: str) -> None:
    cell = cells.get(text)
    assert cell is not None, f"{text!r} not exported as it is"
    assert cell.data_type == "s" and cell.quotePrefix, (text, cell.data_type)


def assert_inert_in_cell(cells: dict, text: str) -> None:
    """`text` opens a longer cell (a title line): that cell too is text, not a formula."""
    matches = [c for v, c in cells.items() if isinstance(v, str) and v.startswith(text)]
    assert matches and all(c.data_type == "s" and c.quotePrefix for c in matches), text


@pytest.mark.sqlite
def test_the_shared_export_neutralises_every_formula_start_and_keeps_numbers():
    columns = [("Tên", lambda r: r[0]), ("Điểm", lambda r: r[1])]
    rows = [(name, -index - 0.5 if index % 2 else -index) for index, name in enumerate(HOSTILE)] + [("Bình thường", Decimal("-2.50"))]
    lines = csv_rows(export_response("csv", "x", columns, rows, "T"))
    assert [line[0] for line in lines[1:]] == ["'" + name for name in HOSTILE] + ["Bình thường"]
    assert [line[1] for line in lines[1:]] == ["0", "-1.5", "-2", "-3.5", "-4", "-5.5", "-2.50"]
    cells = xlsx_cells(export_response("xlsx", "x", columns, rows, "T"))
    for name in HOSTILE:
        assert_inert_cell(cells, name)
    assert cells["Bình thường"].data_type == "s" and not cells["Bình thường"].quotePrefix
    assert cells[-1.5].data_type == "n" and cells[-2.5].data_type == "n"


def _hostile_units(world) -> list[Unit]:
    return [org_actions.do_create_unit(actor=None, province=world.an_giang, data={"name": name, "kind": "STATE"}) for name in STORED]


def test_unit_and_person_registry_exports(world, client_for):
    units = _hostile_units(world)
    assert [u.name for u in units] == STORED
    for index, name in enumerate(HOSTILE):
        org_actions.do_create_person(actor=None, unit=units[0], data={"full_name": name, "gender": "NAM", "staff_code": f"-{index}"})
    client = client_for(world.an_officer)
    for route, first_column in (("org:unit_export", STORED), ("org:person_export", ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "=1"])):
        rows = csv_rows(client.get(reverse(route), {"format": "csv", "status": "all"}))
        exported = {row[0] for row in rows[1:]}
        for name in first_column:
            assert "'" + name in exported and name not in exported, (route, name)
        cells = xlsx_cells(client.get(reverse(route), {"format": "xlsx", "status": "all"}))
        for name in first_column:
            assert_inert_cell(cells, name)
    # The people's unit column and their staff codes ("-0" … text, not numbers) are inert too.
    people = csv_rows(client.get(reverse("org:person_export"), {"format": "csv"}))
    assert {row[5] for row in people[1:]} == {"'" + STORED[0]}
    assert {row[4] for row in people[1:]} == {f"'-{i}" for i in range(len(HOSTILE))}


def test_registration_rollup_export(world, client_for):
    units = _hostile_units(world)
    bloc = bloc_actions.do_create_bloc(actor=None, province=world.an_giang, data={"name": "Khối thi đua số 1", "kind": "KHOI"})
    year, _ = bloc_actions.do_open_year(actor=None, bloc=bloc, year=2023)
    for unit in units:
        bloc_actions.do_add_member(actor=None, bloc_year=year, unit=unit)
    response = client_for(world.an_officer).get(reverse("movements:registration_rollup", args=[year.uid]), {"format": "xlsx"})
    cells = xlsx_cells(response)
    for name in STORED:
        assert_inert_cell(cells, name)


def test_batch_eligibility_export(world, client_for):
    unit = _hostile_units(world)[0]
    for name in HOSTILE:
        person = org_actions.do_create_person(actor=None, unit=unit, data={"full_name": name, "gender": "NU"})
        history_actions.do_set_task_rating(None, person, 2025, "GOOD")
    response = client_for(world.an_officer).get(reverse("history:batch"), {"nam": "2025", "khen_thuong": "LDTT", "xuat": "xlsx"})
    cells = xlsx_cells(response)
    for name in ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(1)", "=1"]:
        assert_inert_cell(cells, name)
    for kind in ("don-vi",):
        response = client_for(world.an_officer).get(reverse("history:batch"), {"nam": "2025", "loai": kind, "xuat": "xlsx"})
        assert response.status_code == 200
        assert_no_formula(response.content)


def test_scoring_exports_criteria_set_score_sheet_and_ranking(world, block, client_for):  # noqa: F811
    hostile_title = '=HYPERLINK("http://x","y")'
    criteria_set = make_set(world, bloc=world.bloc)
    scoring_actions.do_add_criterion(
        actor=None, criteria_set=criteria_set,
        data={"code": "5", "title": hostile_title, "kind": "DEDUCTION", "max_points": Decimal("2"), "parent_code": None,
              "evidence_required": False, "guidance": "@SUM(1)"},
    )
    bloc_actions.do_update_bloc(actor=None, bloc=world.bloc, data={"name": "-2+3 khối"}, expected_version=world.bloc.version)
    unit = Unit.objects.get(pk=world.tuyen_giao.pk)
    org_actions.do_update_unit(actor=None, unit=unit, data={"name": "+1 Ban Tuyên giáo"}, expected_version=unit.version)
    client = client_for(world.an_officer)

    exported = client.get(reverse("scoring:set_export", args=[criteria_set.uid]))
    cells = xlsx_cells(exported)
    assert_inert_cell(cells, hostile_title)
    assert_inert_cell(cells, "@SUM(1)")
    specs, issues = parse_criteria_workbook(io.BytesIO(exported.content))
    assert not issues
    assert [s.title for s in specs if s.code == "5"] == [hostile_title]  # exported and read back unchanged

    round_ = scoring_actions.do_open_round(actor=None, bloc_year=block, criteria_set=criteria_set, quota=1)
    sheet = ScoreSheet.objects.get(round=round_, unit=world.tuyen_giao)
    cells = xlsx_cells(client.get(reverse("scoring:sheet_export", args=[sheet.uid])))
    assert_inert_cell(cells, hostile_title)
    # The unit's and the block's names on the hidden identity sheet.
    assert_inert_cell(cells, "+1 Ban Tuyên giáo")
    assert_inert_cell(cells, "-2+3 khối")
    appraised(round_, world.tuyen_giao, points={"1.1": "28", "1.2": "27", "2.1": "35", "3.1": "0", "4": "1", "5": "2"})
    appraised(round_, world.to_chuc)
    ranking = client.get(reverse("scoring:round_export", args=[round_.uid]))
    assert ranking.status_code == 200
    cells = xlsx_cells(ranking)
    assert_inert_cell(cells, "+1 Ban Tuyên giáo")
    assert_inert_in_cell(cells, "-2+3 khối — năm")  # the block's name opens a title line
    # Scores stay numbers (the deduction's 1 and 2 points included).
    totals = [v for v in cells if isinstance(v, (int, float)) and not isinstance(v, bool)]
    assert totals and all(cells[v].data_type == "n" for v in totals)


@pytest.mark.sqlite
def test_import_templates_hold_no_formula(world, client_for):
    client = client_for(world.an_officer)
    for route in ("orgimport:template", "history:import_template"):
        response = client.get(reverse(route))
        assert response.status_code == 200
        assert_no_formula(response.content)


def test_a_date_beside_an_inert_name_stays_a_date(world, client_for):
    unit = org_actions.do_create_unit(actor=None, province=world.an_giang, data={"name": "-Phòng", "kind": "STATE",
                                                                              "established_on": dt.date(2001, 2, 3)})
    rows = csv_rows(client_for(world.an_officer).get(reverse("org:unit_export"), {"format": "csv", "q": "phong"}))
    row = next(r for r in rows if r[0] == "'" + unit.name)
    assert row[5] == "03/02/2001"
