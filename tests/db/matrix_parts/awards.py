"""Access-matrix entries of thidua/awards: the catalogue, the rule registry and the provinces' regulation packs."""

from __future__ import annotations

import datetime as dt

EVERYONE = {"admin", "an_officer", "unit_officer", "viewer", "qn_officer", "nobody"}


def _awards():
    from thidua.awards import actions

    return actions


def _award_type(world):
    """An Giang's own commendation form (its unit officers and viewers see it, Quảng Ninh does not)."""
    from thidua.awards.models import AwardType

    existing = AwardType.objects.filter(province=world.an_giang, code="KNC_AG").first()
    if existing is not None:
        return existing
    return _awards().do_add_award_type(
        actor=None, province=world.an_giang,
        data={"code": "KNC_AG", "name": "Kỷ niệm chương Vì sự nghiệp phát triển tỉnh An Giang", "kind": "HINH_THUC",
              "subjects": ["individual"], "level": "PROVINCE", "categories": ["CONTRIBUTION"],
              "citation": "Quyết định 20/2026/QĐ-UBND tỉnh An Giang"},
    )


def _pack(world):
    """An Giang's own regulation (its officers edit it; its unit officers and viewers read it)."""
    from thidua.awards.models import RegulationPack

    existing = RegulationPack.objects.filter(province=world.an_giang, number="12/2026/QĐ-UBND").first()
    if existing is not None:
        return existing
    return _awards().do_create_pack(
        actor=None, province=world.an_giang,
        data={"number": "12/2026/QĐ-UBND", "title": "Quy định về công tác thi đua, khen thưởng tỉnh An Giang",
              "issued_on": dt.date(2026, 12, 1), "effective_from": dt.date(2027, 1, 1)},
    )


def _override(world, start=dt.date(2027, 1, 1)):
    from thidua.awards.models import RuleOverride

    existing = RuleOverride.objects.filter(province=world.an_giang, effective_from=start, rule="TTLDTT").first()
    if existing is not None:
        return existing
    return _awards().do_add_pack_entry(
        actor=None, pack=_pack(world),
        data={"family": "eligibility", "rule": "TTLDTT", "param": "ldtt_ratio_percent", "value": "75",
              "effective_from": start, "citation": "Điều 4 khoản 2"},
    )


def register(matrix) -> None:
    Sample, ActionEntry = matrix.Sample, matrix.ActionEntry
    matrix.SAMPLES["awards:award_type_detail"] = Sample(lambda w: {"uid": _award_type(w).uid}, matrix.UNIT_SEEN_BY)
    matrix.SAMPLES["awards:award_type_edit"] = Sample(lambda w: {"uid": _award_type(w).uid}, matrix.UNIT_SEEN_BY)
    # The national rules are everyone's.
    matrix.SAMPLES["awards:rule_detail"] = Sample(lambda w: {"code": "TTLDTT", "key": "2025-07-01"}, EVERYONE)
    matrix.SAMPLES["awards:override_end"] = Sample(lambda w: {"uid": _override(w).uid}, matrix.PROVINCE_SEEN_BY)
    matrix.SAMPLES["awards:pack_detail"] = Sample(lambda w: {"uid": _pack(w).uid}, matrix.UNIT_SEEN_BY)
    matrix.SAMPLES["awards:pack_end"] = Sample(lambda w: {"uid": _pack(w).uid}, matrix.PROVINCE_SEEN_BY)

    matrix.ACTIONS["thidua.awards.actions.do_add_award_type"] = ActionEntry(
        "catalogue.edit",
        lambda w, a: _awards().do_add_award_type(
            actor=a, province=w.an_giang,
            data={"code": "GK_AG", "name": "Giấy khen của Ban Thi đua - Khen thưởng tỉnh", "kind": "HINH_THUC",
                  "subjects": ["individual", "collective"], "level": "PROVINCE", "categories": ["MERIT"],
                  "citation": "Quyết định 20/2026/QĐ-UBND tỉnh An Giang"},
        ),
    )
    matrix.ACTIONS["thidua.awards.actions.do_update_award_type"] = ActionEntry(
        "catalogue.edit",
        lambda w, a, t: _awards().do_update_award_type(
            actor=a, award_type=t, data={"authority": "Chủ tịch UBND tỉnh An Giang"}, expected_version=t.version
        ),
        setup=_award_type,
    )
    matrix.ACTIONS["thidua.awards.actions.do_create_pack"] = ActionEntry(
        "rules.override",
        lambda w, a: _awards().do_create_pack(
            actor=a, province=w.an_giang,
            data={"number": "30/2027/QĐ-UBND", "title": "Quy định về công tác thi đua, khen thưởng tỉnh An Giang",
                  "issued_on": dt.date(2027, 6, 1), "effective_from": dt.date(2027, 7, 1), "citations": {"TTLDTT": "Điều 4"}},
        ),
    )
    matrix.ACTIONS["thidua.awards.actions.do_end_pack"] = ActionEntry(
        "rules.override",
        lambda w, a, p: _awards().do_end_pack(
            actor=a, pack=p, last_day=dt.date(2027, 6, 30), reason="Quyết định 30/2027/QĐ-UBND thay thế", expected_version=p.version,
        ),
        setup=_pack,
    )
    matrix.ACTIONS["thidua.awards.actions.do_add_pack_entry"] = ActionEntry(
        "rules.override",
        lambda w, a, p: _awards().do_add_pack_entry(
            actor=a, pack=p,
            data={"family": "voting", "rule": "CO_TINH", "param": "vote_threshold_percent", "value": "85",
                  "citation": "Điều 9 khoản 3"},
        ),
        setup=_pack,
    )
    matrix.ACTIONS["thidua.awards.actions.do_end_pack_entry"] = ActionEntry(
        "rules.override",
        lambda w, a, o: _awards().do_end_pack_entry(
            actor=a, override=o, last_day=dt.date(2027, 6, 30), reason="Quyết định 30/2027/QĐ-UBND bãi bỏ",
            expected_version=o.version,
        ),
        setup=_override,
    )
