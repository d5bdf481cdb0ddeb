import itertools

import pytest

from thidua.rules.workflows import (
    MOVEMENT_ACTIONS,
    MOVEMENT_STATES,
    MOVEMENT_TRANSITIONS,
    REGISTRATION_ACTIONS,
    REGISTRATION_STATES,
    REGISTRATION_TRANSITIONS,
    TransitionRefused,
    movement_next,
    registration_next,
)

MOVEMENT_EXPECTED = {
    ("PLANNED", "launch"): "LAUNCHED",
    ("LAUNCHED", "implement"): "RUNNING",
    ("RUNNING", "inspect"): "INSPECTED",
    ("RUNNING", "interim_review"): "INTERIM_REVIEWED",
    ("INSPECTED", "interim_review"): "INTERIM_REVIEWED",
    ("INSPECTED", "resume"): "RUNNING",
    ("INTERIM_REVIEWED", "resume"): "RUNNING",
    ("RUNNING", "sum_up"): "SUMMED_UP",
    ("INSPECTED", "sum_up"): "SUMMED_UP",
    ("INTERIM_REVIEWED", "sum_up"): "SUMMED_UP",
    ("SUMMED_UP", "award"): "AWARDED",
    ("SUMMED_UP", "archive"): "ARCHIVED",
    ("AWARDED", "archive"): "ARCHIVED",
}
REGISTRATION_EXPECTED = {
    ("DRAFT", "submit"): "SUBMITTED",
    ("RETURNED", "submit"): "SUBMITTED",
    ("SUBMITTED", "approve"): "APPROVED",
    ("SUBMITTED", "return"): "RETURNED",
    ("APPROVED", "reopen"): "RETURNED",
}


@pytest.mark.parametrize("state,action", list(itertools.product(MOVEMENT_STATES, MOVEMENT_ACTIONS)))
def test_every_movement_state_and_action(state, action):
    expected = MOVEMENT_EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(TransitionRefused) as info:
            movement_next(state, action)
        assert MOVEMENT_STATES[state] in info.value.message
    else:
        assert movement_next(state, action) == expected


@pytest.mark.parametrize("state,action", list(itertools.product(REGISTRATION_STATES, REGISTRATION_ACTIONS)))
def test_every_registration_state_and_action(state, action):
    expected = REGISTRATION_EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(TransitionRefused):
            registration_next(state, action)
    else:
        assert registration_next(state, action) == expected


def test_tables_match_the_documented_lifecycle_exactly():
    assert MOVEMENT_TRANSITIONS == MOVEMENT_EXPECTED
    assert REGISTRATION_TRANSITIONS == REGISTRATION_EXPECTED


def test_archived_is_final_and_every_state_reaches_it():
    assert not [k for k in MOVEMENT_TRANSITIONS if k[0] == "ARCHIVED"]
    for start in MOVEMENT_STATES:
        seen, frontier = {start}, [start]
        while frontier:
            state = frontier.pop()
            for (from_state, _), to_state in MOVEMENT_TRANSITIONS.items():
                if from_state == state and to_state not in seen:
                    seen.add(to_state)
                    frontier.append(to_state)
        assert "ARCHIVED" in seen, start
