"""Precision and recall of value recognisers on a labelled corpus (fixtures/pii-corpus).

A prediction is right when it overlaps a labelled span of the same type; a labelled span is
found when some prediction of its type overlaps it. Shared by the test that holds the targets
and by ``nox -s detect-eval``, which also scores Presidio on the same corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.detect.fieldnames import classify_path
from conformance.detect.scan import scan
from conformance.detect.spans import Hint

Span = tuple[str, int, int]  # (type, start, end)


@dataclass(frozen=True, slots=True)
class Example:
    field: str
    value: str
    entities: tuple[Span, ...]
    note: str = ""


@dataclass
class Score:
    predicted: int = 0
    predicted_right: int = 0
    labelled: int = 0
    labelled_found: int = 0
    misses: list[str] = field(default_factory=list)  # notes of missed examples
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.labelled_found / self.labelled if self.labelled else 1.0


def load(path: Path) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw: dict[str, Any] = json.loads(line)
        entities = tuple((e["type"], e["start"], e["end"]) for e in raw["entities"])
        examples.append(Example(raw["field"], raw["value"], entities, raw.get("note", "")))
    return examples


def ours(examples: Sequence[Example]) -> list[list[Span]]:
    """Our recognisers, with the field's name and classified category as the hint."""
    results = []
    for example in examples:
        rule = classify_path(example.field)
        hint = Hint(example.field, rule.category if rule else None)
        results.append([(d.recogniser, d.start, d.end) for d in scan(example.value, hint)])
    return results


def score(
    examples: Sequence[Example], predictions: Sequence[Iterable[Span]], types: Iterable[str]
) -> dict[str, Score]:
    """A Score per type, for the given types only."""
    scores = {t: Score() for t in types}
    for example, predicted in zip(examples, predictions, strict=True):
        spans = list(predicted)
        for span in spans:
            if span[0] in scores:
                _count_prediction(scores[span[0]], example, span)
        for label in example.entities:
            if label[0] in scores:
                _count_label(scores[label[0]], spans, example, label)
    return scores


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    kind, start, end = span
    return any(k == kind and a < end and start < b for k, a, b in others)


def _count_prediction(s: Score, example: Example, span: Span) -> None:
    s.predicted += 1
    if _overlaps(span, example.entities):
        s.predicted_right += 1
    else:
        s.false_alarms.append(example.note or example.field)


def _count_label(s: Score, spans: list[Span], example: Example, label: Span) -> None:
    s.labelled += 1
    if _overlaps(label, spans):
        s.labelled_found += 1
    else:
        s.misses.append(example.note or example.field)


def overall(scores: dict[str, Score]) -> Score:
    total = Score()
    for s in scores.values():
        total.predicted += s.predicted
        total.predicted_right += s.predicted_right
        total.labelled += s.labelled
        total.labelled_found += s.labelled_found
    return total
