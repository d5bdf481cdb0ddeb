"""The demo reproduces seeds 004 (the An Giang block's proposals) and 001 (QĐ 770/QĐ-TTg)."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.history.models import AwardRecord
from thidua.proposals.models import Decision, Proposal

pytestmark = pytest.mark.django_db


def test_demo_records_the_block_proposal_and_the_external_decision_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from thidua.org.demo import load_demo

    load_demo()
    proposal = Proposal.objects.get()
    assert proposal.bloc_year.year == 2023 and proposal.meeting.held_on == dt.date(2023, 12, 29) and proposal.state == "DRAFT"
    assert {(i.subject_name, i.award) for i in proposal.items.all()} == {
        ("Ban Dân vận Tỉnh ủy", "BK_TINH"), ("Ban Tổ chức Tỉnh ủy", "BK_TINH"), ("Ban Tuyên giáo Tỉnh ủy", "CO_CP"),
    }
    decision = Decision.objects.get()
    assert decision.reference == "770/QĐ-TTg ngày 29/06/2023" and decision.kind == "EXTERNAL"
    recipient = decision.recipients.get()
    assert recipient.subject_name == "Báo Bắc Kạn" and recipient.award == "CO_CP" and recipient.year == 2022
    # The history demo wrote the award already: the decision links to it, nothing is recorded twice.
    records = AwardRecord.objects.filter(unit=recipient.unit, award_code="CO_CP", year=2022)
    assert records.count() == 1 and recipient.history_ref == str(records.get().uid)
    assert records.get().decision_uid == decision.uid
    load_demo()
    assert Proposal.objects.count() == 1 and Decision.objects.count() == 1 and records.count() == 1
