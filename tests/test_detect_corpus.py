"""The recognisers' targets on the labelled corpus (issue 3): exact, not timed."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

from conformance.detect.evaluate import load, ours, overall, score
from conformance.detect.scan import RECOGNISERS

CORPUS = FIXTURES / "pii-corpus" / "corpus.jsonl"
FULL_RECALL = (
    "bsn",
    "onderwijsnummer",
    "eckid",
    "stampseudoniem",
    "idschool",
    "email",
    "iban",
    "postcode",
)


@pytest.fixture(scope="module")
def scores():
    examples = load(CORPUS)
    assert len(examples) >= 2000
    return score(examples, ours(examples), RECOGNISERS)


@pytest.mark.parametrize("kind", FULL_RECALL)
def test_identifiers_are_all_found(scores, kind: str) -> None:
    s = scores[kind]
    assert s.labelled > 0
    assert s.recall == 1.0, s.misses[:10]


@pytest.mark.parametrize("kind", ["name", "address"])
def test_names_and_addresses_in_free_text(scores, kind: str) -> None:
    s = scores[kind]
    assert s.labelled >= 200
    assert s.recall >= 0.95, s.misses[:20]


def test_overall_precision(scores) -> None:
    total = overall(scores)
    false_alarms = {k: s.false_alarms[:5] for k, s in scores.items() if s.false_alarms}
    assert total.precision >= 0.99, false_alarms
