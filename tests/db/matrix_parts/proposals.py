"""Access-matrix entries of thidua/proposals: routes with parameters and every do_* action.

Samples: a draft proposal of Ban Tuyên giáo (An Giang) with one collective item and one
attachment, and an external decision awarding Ban Tuyên giáo — seen by the An Giang officer, the
unit's officer and the An Giang viewer; not by Quảng Ninh's officer.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile


def _p():
    from thidua.proposals import actions

    return actions


def _no_registration_rule(world):
    from thidua.org import actions as org_actions
    from thidua.org.models import Province

    province = Province.objects.get(pk=world.an_giang.pk)
    if province.registration_required_for_proposal:
        org_actions.do_update_province_settings(
            actor=None, province=province, data={"registration_required_for_proposal": False}, expected_version=province.version
        )


def _proposal(world):
    cached = getattr(world, "_proposal_sample", None)
    if cached is not None:
        return cached
    proposal = _p().do_create_proposal(
        actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2025", "year": 2025}
    )
    world._proposal_sample = proposal
    return proposal


def _item(world):
    cached = getattr(world, "_proposal_item_sample", None)
    if cached is not None:
        return cached
    item = _p().do_add_item(actor=None, proposal=_proposal(world), data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    world._proposal_item_sample = item
    return item


def _attachment(world):
    return _p().do_add_attachment(
        actor=None, proposal=_proposal(world), upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban"), kind="MINUTES"
    )


def _external(world):
    cached = getattr(world, "_decision_sample", None)
    if cached is not None:
        return cached
    decision = _p().do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": "15", "symbol": "QĐ-UBND", "issued_on": dt.date(2026, 1, 10), "level": "PROVINCE", "issuer_name": "Chủ tịch UBND tỉnh An Giang"},
        recipients=[{"unit": world.tuyen_giao, "award": "BK_TINH", "year": 2025}],
    )
    world._decision_sample = decision
    return decision


def _unknown_amount_recipient(world):
    """A recipient whose amount the law did not set: a 2023 decision, before any money table."""
    decision = _p().do_record_external_decision(
        actor=None, province=world.an_giang,
        data={"number": "771", "symbol": "QĐ-TTg", "issued_on": dt.date(2023, 6, 29), "level": "CENTRAL", "issuer_name": "Thủ tướng Chính phủ"},
        recipients=[{"unit": world.tuyen_giao, "award": "CO_CP", "year": 2022}],
    )
    return decision.recipients.get()


def _person(world):
    from thidua.org import actions

    return actions.do_create_person(actor=None, unit=world.tuyen_giao, data={"full_name": "Lê Văn Tâm", "gender": "NAM"})


def _transition_to(world, state):
    """A proposal of Ban Tuyên giáo walked (as the system) up to `state`."""
    _no_registration_rule(world)
    proposal = _p().do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị khen thưởng năm 2025", "year": 2025})
    _p().do_add_item(actor=None, proposal=proposal, data={"unit": world.tuyen_giao, "award": "BK_TINH"})
    proposal.refresh_from_db()
    steps = {"SUBMITTED": ["submit"], "APPRAISING": ["submit", "receive", "appraise"], "PRESENTED": ["submit", "receive", "appraise", "present"]}
    for event in steps.get(state, []):
        if event == "present":
            for item in proposal.items.all():
                _p().do_appraise_item(actor=None, item=item, appraisal="APPROVED", note="", expected_version=item.version)
        proposal = _p().do_transition(actor=None, proposal=proposal, event=event, expected_version=proposal.version)
    return proposal


def _held_item(world):
    from thidua.history import actions as history

    _no_registration_rule(world)
    person = _person(world)
    history.do_set_task_rating(None, person, 2025, "GOOD")
    history.do_record_investigation(None, person, opened_on=dt.date(2025, 11, 1))
    proposal = _p().do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Đề nghị LĐTT 2025", "year": 2025, "level": "UNIT"})
    return _p().do_add_item(actor=None, proposal=proposal, data={"person": person, "award": "LDTT"})


def _rated_staff_proposal(world):
    """A unit-level draft of Ban Tuyên giáo with one staff member rated "hoàn thành tốt" in 2025."""
    from thidua.history import actions as history

    _no_registration_rule(world)
    history.do_set_task_rating(None, _person(world), 2025, "GOOD")
    return _p().do_create_proposal(actor=None, proposer_unit=world.tuyen_giao, data={"title": "Bình xét LĐTT 2025", "year": 2025, "level": "UNIT"})


def _poll_with_result(world):
    """A closed CSTĐCS poll of Ban Tuyên giáo's own council (recorded from a paper meeting) selecting one person."""
    cached = getattr(world, "_proposal_poll_sample", None)
    if cached is not None:
        return cached
    from thidua.voting import actions as voting

    _no_registration_rule(world)
    council = voting.do_create_council(actor=None, province=world.an_giang, data={"name": "Hội đồng TĐKT Ban Tuyên giáo", "level": "UNIT", "unit": world.tuyen_giao})
    person = _person(world)
    poll = voting.do_create_poll(
        actor=None,
        data={"title": "Bình xét CSTĐCS năm 2025", "council": council, "electorate": "COUNCIL", "subject": "AWARD", "award_code": "CSTDCS",
              "award_year": 2025, "method": "APPROVE_EACH", "mode": "EXTERNAL", "held_on": dt.date(2026, 1, 5)},
        candidates=[{"person": person}],
    )
    voting.do_record_result(actor=None, poll=poll, counts={"council_size": 5, "present": 5, "yes": {poll.candidates.get().pk: 5}},
                            source="EXTERNAL", expected_version=poll.version)
    poll.refresh_from_db()
    world._proposal_poll_sample = poll
    return poll


DECISION = {"number": "7", "symbol": "QĐ-BTGTU", "issued_on": dt.date(2026, 1, 10), "level": "UNIT"}


def register(matrix):
    S, A = matrix.Sample, matrix.ActionEntry
    seen = matrix.UNIT_SEEN_BY
    proposal = lambda w: {"uid": _proposal(w).uid}  # noqa: E731
    item = lambda w: {"uid": _item(w).uid}  # noqa: E731
    decision = lambda w: {"uid": _external(w).uid}  # noqa: E731
    matrix.SAMPLES.update({
        "proposals:proposal_detail": S(proposal, seen),
        "proposals:proposal_edit": S(proposal, seen),
        "proposals:item_add": S(proposal, seen),
        "proposals:proposal_check": S(proposal, seen),
        "proposals:item_add_eligible": S(proposal, seen),
        # The poll of Ban Tuyên giáo's council: its officer and the province see it.
        "proposals:proposal_from_poll": S(lambda w: {"uid": _poll_with_result(w).uid}, seen),
        "proposals:proposal_approve_unblocked": S(proposal, seen),
        "proposals:proposal_transition": S(proposal, seen),
        "proposals:attachment_add": S(proposal, seen),
        "proposals:document_generate": S(proposal, seen),
        "proposals:decision_issue": S(proposal, seen),
        "proposals:item_edit": S(item, seen),
        "proposals:item_remove": S(item, seen),
        "proposals:item_vote": S(item, seen),
        "proposals:item_appraise": S(item, seen),
        "proposals:item_override_hold": S(item, seen),
        "proposals:attachment_download": S(lambda w: {"uid": _attachment(w).uid}, seen),
        # The decision awards Ban Tuyên giáo: its officer sees it, as the province does.
        "proposals:decision_detail": S(decision, seen),
        "proposals:decision_document": S(decision, seen),
        "proposals:decision_revoke": S(decision, seen),
        "proposals:recipient_amount": S(lambda w: {"uid": _external(w).recipients.get().uid}, seen),
    })
    name = "thidua.proposals.actions."
    matrix.ACTIONS.update({
        name + "do_create_proposal": A(
            "proposal.edit", lambda w, a: _p().do_create_proposal(actor=a, proposer_unit=w.tuyen_giao, data={"title": "Đề nghị khen thưởng", "year": 2025})),
        name + "do_update_proposal": A(
            "proposal.edit", lambda w, a, p: _p().do_update_proposal(actor=a, proposal=p, data={"reasons": "Thành tích xuất sắc"}, expected_version=p.version),
            setup=_proposal),
        name + "do_add_item": A(
            "proposal.edit", lambda w, a, p: _p().do_add_item(actor=a, proposal=p, data={"unit": w.tuyen_giao, "award": "GIAY_KHEN"}), setup=_proposal),
        name + "do_update_item": A(
            "proposal.edit", lambda w, a, i: _p().do_update_item(actor=a, item=i, data={"achievements": "Dẫn đầu khối"}, expected_version=i.version),
            setup=_item),
        name + "do_remove_item": A("proposal.edit", lambda w, a, i: _p().do_remove_item(actor=a, item=i), setup=_item),
        name + "do_record_vote": A(
            "proposal.edit",
            lambda w, a, i: _p().do_record_vote(actor=a, item=i, members_total=9, present=9, yes=9, held_on=dt.date(2025, 12, 20), expected_version=i.version),
            setup=_item),
        name + "do_check_proposal": A("proposal.edit", lambda w, a, p: _p().do_check_proposal(actor=a, proposal=p), setup=_proposal),
        name + "do_transition": A(
            "proposal.review",
            lambda w, a, p: _p().do_transition(actor=a, proposal=p, event="receive", expected_version=p.version),
            setup=lambda w: _transition_to(w, "SUBMITTED")),
        name + "do_appraise_item": A(
            "proposal.review",
            lambda w, a, p: _p().do_appraise_item(actor=a, item=p.items.get(), appraisal="NOT_APPROVED", note="Chưa đủ hồ sơ", expected_version=p.items.get().version),
            setup=lambda w: _transition_to(w, "APPRAISING")),
        name + "do_create_proposal_from_poll": A(
            "proposal.edit", lambda w, a, poll: _p().do_create_proposal_from_poll(actor=a, poll=poll), setup=_poll_with_result),
        name + "do_add_eligible_people": A(
            "proposal.edit", lambda w, a, p: _p().do_add_eligible_people(actor=a, proposal=p, award="LDTT"), setup=_rated_staff_proposal),
        name + "do_approve_unblocked": A(
            "proposal.review", lambda w, a, p: _p().do_approve_unblocked(actor=a, proposal=p, expected_version=p.version),
            setup=lambda w: _transition_to(w, "APPRAISING")),
        name + "do_override_hold": A(
            "decision.issue",
            lambda w, a, i: _p().do_override_hold(actor=a, item=i, reason="Đã có kết luận không vi phạm", expected_version=i.version),
            setup=_held_item),
        name + "do_add_attachment": A(
            "proposal.edit",
            lambda w, a, p: _p().do_add_attachment(actor=a, proposal=p, upload=SimpleUploadedFile("to-trinh.pdf", b"%PDF-1.4 to trinh"), kind="SUBMISSION"),
            setup=_proposal),
        name + "do_issue_decision": A(
            "decision.issue",
            lambda w, a, p: _p().do_issue_decision(actor=a, proposal=p, data={**DECISION, "issuer_unit": w.tuyen_giao}, expected_version=p.version),
            setup=lambda w: _transition_to(w, "PRESENTED")),
        name + "do_record_external_decision": A(
            "decision.issue",
            lambda w, a: _p().do_record_external_decision(
                actor=a, province=w.an_giang,
                data={"number": "770", "symbol": "QĐ-TTg", "issued_on": dt.date(2023, 6, 29), "level": "CENTRAL", "issuer_name": "Thủ tướng Chính phủ"},
                recipients=[{"unit": w.tuyen_giao, "award": "CO_CP", "year": 2022}]),
        ),
        name + "do_revoke_decision": A(
            "decision.issue",
            lambda w, a, d: _p().do_revoke_decision(actor=a, decision=d, reason="Sai đối tượng", revoked_on=dt.date(2026, 2, 1), expected_version=d.version),
            setup=_external),
        name + "do_set_recipient_amount": A(
            "decision.issue",
            lambda w, a, r: _p().do_set_recipient_amount(actor=a, recipient=r, amount_vnd=25_000_000, note="Điều 2 Quyết định", expected_version=r.version),
            setup=_unknown_amount_recipient),
    })
