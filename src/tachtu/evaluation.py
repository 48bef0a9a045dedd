"""Word-segmentation scores: precision, recall and F1 over word spans.

A predicted word is correct when both of its boundaries match the gold. Words are compared as
character spans of the line with spaces and ``_`` removed, so a system that splits punctuation
or numbers differently is scored on what it did. This is the metric of the VLSP 2013 shared task
as the reference scorer computes it, to the last digit.

>>> str(score(["Hà_Nội là thủ_đô"], ["Hà_Nội là thủ đô"]))
'P=50.00 R=66.67 F1=57.14 lines=1 misaligned=0'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Score", "score", "word_spans"]


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    lines: int
    misaligned: int  # lines whose characters differ between gold and prediction

    def __str__(self) -> str:
        return (
            f"P={self.precision * 100:.2f} R={self.recall * 100:.2f} F1={self.f1 * 100:.2f} "
            f"lines={self.lines} misaligned={self.misaligned}"
        )


def word_spans(line: str) -> tuple[set[tuple[int, int]], int]:
    """Character spans of the words of a segmented line, and the line's length without separators."""
    spans = set()
    position = 0
    for word in line.split():
        length = len(unicodedata.normalize("NFC", word).replace("_", ""))
        spans.add((position, position + length))
        position += length
    return spans, position


def score(gold_lines: Iterable[str], predicted_lines: Iterable[str]) -> Score:
    """Score predicted segmented lines against gold ones, line by line."""
    correct = gold_words = predicted_words = misaligned = lines = 0
    for gold, predicted in zip(gold_lines, predicted_lines, strict=True):
        gold_spans, gold_length = word_spans(gold)
        predicted_spans, predicted_length = word_spans(predicted)
        misaligned += gold_length != predicted_length
        correct += len(gold_spans & predicted_spans)
        gold_words += len(gold_spans)
        predicted_words += len(predicted_spans)
        lines += 1
    precision = correct / predicted_words if predicted_words else 0.0
    recall = correct / gold_words if gold_words else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, lines, misaligned)
