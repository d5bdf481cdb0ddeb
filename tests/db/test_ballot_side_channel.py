"""No answer of the voting flow depends on what the voter chose (docs/ballot-secrecy.md).

An access log records each response's status, size and redirect. Every combination of marks for
one, two and three candidates (and every choice of a choose-one poll, blank included) goes through
the whole page flow — form, review, back to editing, review, confirm, the page after — and through
the API; each step answers with the same status, the same byte length and the same Location."""

from __future__ import annotations

import itertools
import json

import pytest
from django.test import Client
from django.urls import reverse

from thidua.voting.forms import BLANK_CHOICE
from thidua.voting.models import Ballot, Method, Participation
from tests.db.test_voting import make_council, make_poll, open_poll

pytestmark = pytest.mark.sqlite

# Candidate names of different lengths, so a page that printed only the approved names would show.
NAMES = ("Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Cường")


def _seen(response) -> tuple:
    """What an access log or an eavesdropper on the encrypted connection sees of one response."""
    return response.status_code, len(response.content), response.headers.get("Location"), tuple(sorted(response.headers))


def _page_flow(user, poll, marks: dict[str, str]) -> list[tuple]:
    client = Client()
    client.force_login(user)
    url = reverse("voting:ballot", args=[poll.uid])
    steps = [client.get(url)]
    steps.append(client.post(url, {"step": "review", **marks}))
    assert "Xác nhận gửi phiếu" in steps[-1].content.decode()
    steps.append(client.post(url, {"step": "edit", **marks}))
    steps.append(client.post(url, {"step": "review", **marks}))
    steps.append(client.post(url, {"step": "confirm", **marks}))
    steps.append(client.get(steps[-1].headers["Location"]))
    assert "Bạn đã bỏ phiếu." in steps[-1].content.decode()
    return [_seen(r) for r in steps]


def _assert_same_for_every_choice(flows: dict) -> None:
    first_choice, first = next(iter(flows.items()))
    for choice, flow in flows.items():
        for step, (seen, expected) in enumerate(zip(flow, first)):
            assert seen == expected, f"step {step}: {choice} answered {seen[:3]}, {first_choice} answered {expected[:3]}"


@pytest.mark.parametrize("size", [1, 2, 3])
def test_every_combination_of_marks_gets_answers_of_one_size_status_and_redirect(world, size):
    council, members, users = make_council(world, 2 ** size)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=NAMES[:size])
    open_poll(world, poll)
    candidates = list(poll.candidates.all())
    flows = {}
    for user, combo in zip(users, itertools.product("YN", repeat=size)):
        marks = {f"c{c.pk}": mark for c, mark in zip(candidates, combo)}
        flows["".join(combo)] = _page_flow(user, poll, marks)
    _assert_same_for_every_choice(flows)
    # The flow recorded each combination once, so the sizes above are of real, accepted votes.
    assert Participation.objects.filter(poll=poll).count() == Ballot.objects.filter(poll=poll).count() == 2 ** size
    approvals = sorted(sum(1 for mark in b.choices.values() if mark == "YES") for b in Ballot.objects.filter(poll=poll))
    assert approvals == sorted(sum(combo) for combo in itertools.product((1, 0), repeat=size))
    # Before the fix the review page was 5 bytes shorter per "Đồng ý"; and the choices never
    # travel in a URL: the only redirect is back to the ballot page itself.
    assert {flow[4][2] for flow in flows.values()} == {reverse("voting:ballot", args=[poll.uid])}


def test_every_choice_of_a_choose_one_poll_including_blank_gets_the_same_answers(world):
    council, members, users = make_council(world, 4)
    poll = make_poll(world, council, award="LDTT", threshold=50, method=Method.CHOOSE_ONE, labels=NAMES)
    open_poll(world, poll)
    options = [str(c.uid) for c in poll.candidates.all()] + [BLANK_CHOICE]
    flows = {option: _page_flow(user, poll, {"choice": option}) for user, option in zip(users, options)}
    _assert_same_for_every_choice(flows)
    chosen = sorted(len(b.choices) for b in Ballot.objects.filter(poll=poll))
    assert chosen == [0, 1, 1, 1]


def test_choices_in_a_query_string_are_ignored(world):
    council, members, users = make_council(world, 1)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=NAMES[:1])
    open_poll(world, poll)
    client = Client()
    client.force_login(users[0])
    url = reverse("voting:ballot", args=[poll.uid])
    cid = poll.candidates.get().pk
    response = client.get(url, {"step": "confirm", f"c{cid}": "Y"})
    assert response.status_code == 200 and "Xem lại phiếu" in response.content.decode()
    assert not Participation.objects.filter(poll=poll).exists()


@pytest.mark.parametrize("size", [1, 3])
def test_api_answers_every_ballot_with_the_same_status_and_size(world, size):
    council, members, users = make_council(world, 2 ** size)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=None, labels=NAMES[:size])
    open_poll(world, poll)
    cids = [c.pk for c in poll.candidates.all()]
    seen = set()
    for user, combo in zip(users, itertools.product((True, False), repeat=size)):
        client = Client()
        client.force_login(user)
        approved = [cid for cid, take in zip(cids, combo) if take]
        response = client.post(f"/api/v1/polls/{poll.uid}/ballot", json.dumps({"approved": approved}), content_type="application/json")
        assert response.status_code == 201, response.content
        seen.add(_seen(response))
    assert len(seen) == 1
    assert Ballot.objects.filter(poll=poll).count() == 2 ** size


def test_a_ballot_over_the_quota_is_refused_with_words_that_do_not_count_the_marks(world):
    council, members, users = make_council(world, 2)
    poll = make_poll(world, council, award="LDTT", threshold=50, quota=1, labels=NAMES)
    open_poll(world, poll)
    candidates = list(poll.candidates.all())
    url = reverse("voting:ballot", args=[poll.uid])
    answers = []
    for user, marks in zip(users, ("YYN", "YYY")):
        client = Client()
        client.force_login(user)
        answers.append(client.post(url, {"step": "review", **{f"c{c.pk}": m for c, m in zip(candidates, marks)}}))
    assert [_seen(a) for a in answers][0] == _seen(answers[1])
    assert "quá chỉ tiêu 1 người, đơn vị" in answers[0].content.decode()
    assert not Participation.objects.filter(poll=poll).exists()


def test_the_api_ballot_operation_takes_the_choices_in_its_body_only(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/polls/{uid}/ballot"]["post"]
    assert [(p["name"], p["in"]) for p in operation.get("parameters", [])] == [("uid", "path")]
    assert "application/json" in operation["requestBody"]["content"]
