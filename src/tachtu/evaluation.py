"""Word-segmentation scores: precision, recall and F1 over word spans.

A predicted word is correct when both of its boundaries match the gold. Words are compared as
character spans of the line with spaces and ``_`` removed, so a system that splits punctuation
or numbers differently is scored on what it did. This is the metric of the VLSP 2013 shared task
as the reference scorer computes it, to the last digit.

>>> str(score(["Hà_Nội là thủ_đô"], ["Hà_Nội là thủ đô"]))
'P=50.00 R=66.67 F1=57.14 lines=1 misaligned=0'

:func:`disagreements` says where the two differ, and how each wrote it; :func:`by_length`,
how well words of each length in syllables are found.
"""

from __future__ import annotations

import bisect
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "LengthScore",
    "Score",
    "by_length",
    "conllu_lines",
    "disagreements",
    "is_conll",
    "score",
    "word_spans",
]


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    lines: int
    misaligned_lines: tuple[int, ...] = ()  # lines whose characters differ, numbered from 1

    @property
    def misaligned(self) -> int:
        """How many lines hold other characters in the gold and the prediction."""
        return len(self.misaligned_lines)

    def __str__(self) -> str:
        return (
            f"P={self.precision * 100:.2f} R={self.recall * 100:.2f} F1={self.f1 * 100:.2f} "
            f"lines={self.lines} misaligned={self.misaligned}"
        )


def word_spans(line: str) -> tuple[set[tuple[int, int]], int]:
    """Character spans of the words of a segmented line, and the line's length without separators."""
    words, length = _located_words(line)
    return {span for span, _ in words}, length


def _located_words(line: str) -> tuple[list[tuple[tuple[int, int], str]], int]:
    """Each word of a segmented line with its character span, and the line's length."""
    words = []
    position = 0
    for word in line.split():
        length = len(unicodedata.normalize("NFC", word).replace("_", ""))
        words.append(((position, position + length), word))
        position += length
    return words, position


def disagreements(
    gold_lines: Iterable[str], predicted_lines: Iterable[str]
) -> Counter[tuple[str, str]]:
    """The places where the prediction segments otherwise than the gold, each as (the gold's
    words, the predicted words) between the nearest boundaries the two share; lines whose
    characters differ are left out (they have no spans in common to compare).

    >>> disagreements(["Hà_Nội là thủ_đô", "thủ_đô ."], ["Hà_Nội là_thủ đô", "thủ đô ."])
    Counter({('là thủ_đô', 'là_thủ đô'): 1, ('thủ_đô', 'thủ đô'): 1})
    """
    places: Counter[tuple[str, str]] = Counter()
    for gold, predicted in zip(gold_lines, predicted_lines, strict=True):
        gold_words, gold_length = _located_words(gold)
        predicted_words, predicted_length = _located_words(predicted)
        if gold_length != predicted_length:
            continue
        shared = sorted({end for (_, end), _ in gold_words} & {e for (_, e), _ in predicted_words})
        # each word goes with the first boundary both sides share at or after its end
        gold_groups = _grouped(gold_words, shared)
        predicted_groups = _grouped(predicted_words, shared)
        for boundary in shared:
            gold_part = gold_groups.get(boundary, [])
            predicted_part = predicted_groups.get(boundary, [])
            # compared by their spans: a word the two spell apart (Gía, Giá) is still the same
            if [span for span, _ in gold_part] != [span for span, _ in predicted_part]:
                places[_written(gold_part), _written(predicted_part)] += 1
    return places


def _grouped(
    words: list[tuple[tuple[int, int], str]], boundaries: list[int]
) -> dict[int, list[tuple[tuple[int, int], str]]]:
    groups: dict[int, list[tuple[tuple[int, int], str]]] = {}
    for span, word in words:
        boundary = boundaries[bisect.bisect_left(boundaries, span[1])]
        groups.setdefault(boundary, []).append((span, word))
    return groups


def _written(words: list[tuple[tuple[int, int], str]]) -> str:
    return " ".join(word for _, word in words)


def score(gold_lines: Iterable[str], predicted_lines: Iterable[str]) -> Score:
    """Score predicted segmented lines against gold ones, line by line."""
    correct = gold_words = predicted_words = lines = 0
    misaligned: list[int] = []
    for gold, predicted in zip(gold_lines, predicted_lines, strict=True):
        gold_spans, gold_length = word_spans(gold)
        predicted_spans, predicted_length = word_spans(predicted)
        if gold_length != predicted_length:
            misaligned.append(lines + 1)
        correct += len(gold_spans & predicted_spans)
        gold_words += len(gold_spans)
        predicted_words += len(predicted_spans)
        lines += 1
    precision = correct / predicted_words if predicted_words else 0.0
    recall = correct / gold_words if gold_words else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, lines, tuple(misaligned))


@dataclass(frozen=True, slots=True)
class LengthScore:
    """Words of one length in syllables (the last length: that many or more)."""

    syllables: int
    gold: int  # gold words of this length
    found: int  # of those, predicted with both boundaries
    predicted: int  # predicted words of this length
    correct: int  # of those, gold words

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0


def by_length(
    gold_lines: Iterable[str], predicted_lines: Iterable[str], longest: int = 5
) -> list[LengthScore]:
    """Recall of the gold words and precision of the predicted ones, by a word's length in
    syllables (``_``-joined parts), from 1 to ``longest`` (that many or more). Long words are
    few and hard: out of the news, in legal writing, they are where most errors are. Spans are
    matched as :func:`score` matches them, so the counts add up to its figures.

    >>> [(r.syllables, r.gold, r.found, r.predicted, r.correct)
    ...  for r in by_length(["Hà_Nội là thủ_đô"], ["Hà_Nội là thủ đô"], longest=2)]
    [(1, 1, 1, 3, 1), (2, 2, 1, 1, 1)]
    """
    gold_counts = [0] * (longest + 1)
    found = [0] * (longest + 1)
    predicted_counts = [0] * (longest + 1)
    correct = [0] * (longest + 1)
    for gold, predicted in zip(gold_lines, predicted_lines, strict=True):
        gold_words = _syllable_counts(gold, longest)
        predicted_words = _syllable_counts(predicted, longest)
        for span, length in gold_words.items():
            gold_counts[length] += 1
            found[length] += span in predicted_words
        for span, length in predicted_words.items():
            predicted_counts[length] += 1
            correct[length] += span in gold_words
    return [
        LengthScore(n, gold_counts[n], found[n], predicted_counts[n], correct[n])
        for n in range(1, longest + 1)
    ]


def _syllable_counts(line: str, longest: int) -> dict[tuple[int, int], int]:
    """Each word's span, with its length in syllables capped at ``longest``."""
    words, _ = _located_words(line)
    return {span: min(_syllables(word), longest) for span, word in words}


def _syllables(word: str) -> int:
    """How many syllables a ``_``-joined word has; a rule of underscores is one unit."""
    return sum(1 for part in word.split("_") if part) or 1


# CoNLL-U (UD Vietnamese: "Hà Nội") and CoNLL-X (VnDT: "Hà_Nội"), by how their files are named.
CONLL_SUFFIXES = (".conllu", ".conll", ".conllx")
# A token row: its number (a range "3-4" or an empty node "5.1" too), a tab, the form, a tab.
_CONLL_ROW = re.compile(r"\d+(?:[-.]\d+)?\t[^\t]*\t")


def is_conll(name: str, text: str) -> bool:
    """Whether a segmented file is CoNLL-U or CoNLL-X: by its name (``name``, any compression
    suffix taken off, ends in one of :data:`CONLL_SUFFIXES`), or else by its first row that is
    neither blank nor a comment, which is a token row. Segmented text has no tabs, so a file of
    either kind is told under any name, and never scored as text.

    >>> is_conll("test.conll", ""), is_conll("gold.txt", "# sent_id = 1\\n1\\tHà_Nội\\tNp\\n")
    (True, True)
    >>> is_conll("gold.txt", "Hà_Nội là thủ_đô .\\n")
    False
    """
    if name.lower().endswith(CONLL_SUFFIXES):
        return True
    for row in io.StringIO(text):
        row = row.strip(" \r\n")
        if row and not row.startswith("#"):
            return _CONLL_ROW.match(row) is not None
    return False


def conllu_lines(text: str) -> list[str]:
    """The sentences of a CoNLL-U or CoNLL-X text as segmented lines: a word's syllables joined
    by ``_``, whether its form separates them by spaces (UD) or by ``_`` already (VnDT).

    >>> conllu_lines("# text = Hà Nội đẹp\\n1\\tHà Nội\\t_\\n2\\tđẹp\\t_\\n\\n")
    ['Hà_Nội đẹp']
    >>> conllu_lines("1\\tHà_Nội\\tHà_Nội\\tNp\\n2\\tđẹp\\tđẹp\\tA\\n")
    ['Hà_Nội đẹp']
    """
    lines: list[str] = []
    words: list[str] = []
    for row in text.split("\n"):
        row = row.strip()
        if not row:
            if words:
                lines.append(" ".join(words))
                words = []
            continue
        if row.startswith("#"):
            continue
        columns = row.split("\t")
        # Multi-word token ranges ("3-4") and empty nodes ("5.1") are not surface words.
        if len(columns) > 1 and columns[0].isdigit():
            words.append("_".join(columns[1].split()))
    if words:
        lines.append(" ".join(words))
    return lines
