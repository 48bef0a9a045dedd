"""Copies of gold lines that teach the model text unlike the gold's own: lower-cased, without
punctuation, paragraphs of several sentences; and the forms of a dev set that measure it there.

Each picks its lines by a low-discrepancy sequence, so a rebuild picks the same lines; the copies
follow their originals, so they fall in the same lexicon fold.
"""

from __future__ import annotations

from collections.abc import Sequence

from tachtu.syllables import is_mark

__all__ = [
    "case_augmented",
    "paragraph_augmented",
    "punctuation_stripped",
    "robustness_forms",
    "without_marks",
]


def paragraph_augmented(lines: Sequence[str], fraction: float) -> list[str]:
    """Lines with, after some of them, a copy run on into the next line.

    >>> paragraph_augmented(["Mưa .", "Gió .", "Rét ."], 0.7)
    ['Mưa .', 'Mưa . Gió .', 'Gió .', 'Rét .']
    """
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        # The same low-discrepancy picks as the case copies, shifted so the two do not coincide.
        if ((i + 0.5) * 0.6180339887498949) % 1.0 < fraction and i + 1 < len(lines):
            out.append(f"{line} {lines[i + 1]}")
    return out


def punctuation_stripped(lines: Sequence[str], fraction: float) -> list[str]:
    """Lines with, after some of them, a copy without its marks (words of no letter or digit),
    as text typed or transcribed without punctuation comes.

    >>> punctuation_stripped(["Mưa , gió .", "Hà_Nội ( 2017 ) .", "Huế"], 1.0)
    ['Mưa , gió .', 'Mưa gió', 'Hà_Nội ( 2017 ) .', 'Hà_Nội 2017', 'Huế']
    """
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        # Low-discrepancy picks of their own (the plastic number's), the same on every run.
        if ((i + 0.25) * 0.7548776662466927) % 1.0 < fraction:
            stripped = without_marks(line)
            if stripped and stripped != line:
                out.append(stripped)
    return out


def robustness_forms(name: str, gold: Sequence[str]) -> dict[str, list[str]]:
    """Gold lines ``name`` lower-cased and without their marks (input and gold alike), by label.

    >>> robustness_forms("dev.txt", ["Hà_Nội , mưa ."])
    {'dev.txt lower-cased': ['hà_nội , mưa .'], 'dev.txt without marks': ['Hà_Nội mưa']}
    """
    unmarked = (without_marks(line) for line in gold)
    return {
        f"{name} lower-cased": [line.lower() for line in gold],
        f"{name} without marks": [line for line in unmarked if line],
    }


def without_marks(line: str) -> str:
    """A gold line without its words of no letter or digit (its punctuation).

    >>> without_marks("Hà_Nội ( 2017 ) : mưa .")
    'Hà_Nội 2017 mưa'
    """
    return " ".join(word for word in line.split() if not is_mark(word))


def case_augmented(lines: Sequence[str], fraction: float) -> list[str]:
    """Lines with case-changed copies right after their originals (so in the same fold).

    >>> case_augmented(["Hà_Nội", "Huế", "Đà_Nẵng", "Vinh"], 0.5)
    ['Hà_Nội', 'hà_nội', 'HÀ_NỘI', 'Huế', 'Đà_Nẵng', 'đà_nẵng', 'Vinh']
    """
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        # Evenly spread picks (a low-discrepancy sequence), the same on every run.
        pick = (i * 0.6180339887498949) % 1.0
        if pick < fraction:
            out.append(line.lower())
            if pick < fraction / 4:
                out.append(line.upper())
    return out
