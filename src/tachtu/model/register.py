"""The formal register: a genre test computed from a line's syllables alone, learnt from the
legal and political essays of the training data, which are annotated to another convention than
its news (long institution names are one word). Formal lines fire a second copy of every
feature (:mod:`tachtu.model.training`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tachtu.model.gold import gold_lines, labeled_units, located, text_key
from tachtu.normalize import tone_key

__all__ = ["compute_register_scores", "read_register_scores", "read_register_text"]


def compute_register_scores(
    lines: Sequence[str],
    register_text: Sequence[str],
    *,
    min_count: int = 5,
    scale: int = 4,
    limit: int = 12,
) -> dict[str, int]:
    """Score of each syllable key for the formal register: the log odds of meeting it in the
    lines of ``lines`` that are also in ``register_text`` rather than in the other lines, times
    ``scale``, rounded and kept within ``limit``; keys seen fewer than ``min_count`` times and
    scores of 0 are left out. A naive-Bayes test of genre that needs only the line itself.

    >>> scores = compute_register_scores(
    ...     ["Luật hiến_pháp ."] * 5 + ["Mưa to ."] * 5, ["Luật hiến_pháp ."], min_count=1
    ... )
    >>> scores["hiến"] > 0 > scores["mưa"]
    True
    """
    formal_keys = {text_key(line) for line in register_text}
    formal: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for line in lines:
        units = labeled_units(line)[0]
        (formal if text_key(line) in formal_keys else other).update(tone_key(u) for u in units)
    n_formal, n_other = sum(formal.values()), sum(other.values())
    if not n_formal or not n_other:
        return {}
    scores = {}
    for key in sorted(formal.keys() | other.keys()):
        if formal[key] + other[key] < min_count:
            continue
        odds = math.log((formal[key] + 0.5) / n_formal) - math.log((other[key] + 0.5) / n_other)
        value = max(-limit, min(limit, round(scale * odds)))
        if value:
            scores[key] = value
    return scores


def read_register_text(data: Path, spec: str) -> list[str]:
    """Gold lines named ``FILE`` or ``FILE:START-END`` (gold_lines indices, END excluded), the
    file found as :func:`~tachtu.model.gold.located` finds it."""
    name, _, span = spec.partition(":")
    lines = gold_lines(located(data, name))
    if span:
        start, end = (int(x) for x in span.split("-"))
        lines = lines[start:end]
    return lines


def read_register_scores(path: str | Path) -> dict[str, int]:
    """Register scores from a file of ``syllable score`` lines (score 1 when missing)."""
    scores = {}
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        parts = line.split()
        if parts:
            scores[parts[0]] = int(parts[1]) if len(parts) > 1 else 1
    return scores
