"""The bad-input catalogue as a whole: its size and its coverage of every class of mistake.

The cases themselves live in tests/bad_inputs/ (arguments, data, callbacks,
files and the command, faults); each runs in a fresh world and must raise
the expected error, with the expected words, changing no weight and no file.
"""

from __future__ import annotations

from collections import Counter

from bad_inputs import test_arguments, test_callbacks, test_data, test_files

ALL_CASES = [*test_arguments.CASES, *test_data.CASES, *test_callbacks.CASES, *test_files.CASES]


def test_the_catalogue_holds_at_least_200_distinct_cases():
    names = [case.id for case in ALL_CASES]
    assert len(names) == len(set(names)) >= 200


def test_every_class_of_the_request_is_covered():
    kinds = Counter(case.kind for case in ALL_CASES)
    # silent before, too late before (weights changed first), unhelpful messages, the command.
    assert kinds["silent"] >= 10 and kinds["too-late"] >= 15
    assert kinds["message"] >= 8 and kinds["command"] >= 10


def test_every_case_names_words_its_message_must_hold():
    assert all(case.words for case in ALL_CASES)
