"""Sentences: the syllable units of one paragraph -> sentence spans.

A sentence ends at ``.``, ``!``, ``?``, ``…`` or ``...`` (and at ``v.v.`` or ``etc.``) together with
the closing quotes and brackets after it, when the next unit can open a sentence: a capital letter,
a digit, an opening quote or bracket, a dash. Abbreviations (``TP.``, ``N.V.``) are single units, so
their dots never end a sentence. Straight double quotes alternate between opening and closing
within a paragraph, which is how news writes them.

>>> sentences('Ông nói: "Tôi đồng ý. Họ cũng vậy". Sau đó, TP. HCM họp lúc 10.30.')
['Ông nói: "Tôi đồng ý.', 'Họ cũng vậy".', 'Sau đó, TP. HCM họp lúc 10.30.']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tachtu.syllables import Syllable, SyllableKind, syllables

__all__ = ["iter_sentences", "sentence_spans", "sentences"]

_TERMINALS = frozenset({".", "!", "?", "…"})
_TERMINAL_ABBREVIATIONS = frozenset({"v.v.", "v.v...", "etc."})
_ALWAYS_CLOSING = frozenset({"”", "’", "»", "›", ")", "]", "}"})
_OPENERS = frozenset({"“", "‘", "«", "‹", "(", "[", "{", "-", "–", "—", "*", "•", "'", '"'})


def sentence_spans(units: Sequence[Syllable]) -> list[tuple[int, int]]:
    """Split one paragraph's units into sentences: ``[(first, last + 1), ...]`` unit indexes.

    >>> sentence_spans(syllables("Mưa to. Gió lớn!"))
    [(0, 3), (3, 6)]
    """
    closing = _closing_quotes(units)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(units)
    while i < n:
        if not _is_terminal(units[i]):
            i += 1
            continue
        end = i + 1
        while end < n and (
            end in closing or units[end].text in _ALWAYS_CLOSING or _is_terminal(units[end])
        ):
            end += 1
        if end < n and _opens_sentence(units[end], end in closing):
            spans.append((start, end))
            start = end
        i = end
    if start < n:
        spans.append((start, n))
    return spans


def iter_sentences(text: str) -> Iterator[str]:
    """Yield the sentences of ``text``, line by line, as slices of it (each line is a paragraph)."""
    offset = 0
    for line in text.split("\n"):
        units = syllables(line)
        for first, last in sentence_spans(units):
            yield text[offset + units[first].start : offset + units[last - 1].end]
        offset += len(line) + 1


def sentences(text: str) -> list[str]:
    """The sentences of ``text``; see :func:`iter_sentences`."""
    return list(iter_sentences(text))


def _is_terminal(unit: Syllable) -> bool:
    if unit.kind is SyllableKind.PUNCTUATION:
        return unit.text in _TERMINALS or unit.text.startswith("..")
    return unit.kind is SyllableKind.ABBREVIATION and unit.text in _TERMINAL_ABBREVIATIONS


def _opens_sentence(unit: Syllable, is_closing_quote: bool) -> bool:
    first = unit.text[0]
    if first.isupper() or first.isdigit():
        return True
    return unit.text in _OPENERS and not is_closing_quote


def _closing_quotes(units: Sequence[Syllable]) -> set[int]:
    """Indexes of straight quotes that close: every second ``"``, and ``'`` glued to the unit before."""
    closing: set[int] = set()
    open_double = False
    for i, unit in enumerate(units):
        if unit.text == '"':
            if open_double:
                closing.add(i)
            open_double = not open_double
        elif unit.text == "'" and i and units[i - 1].end == unit.start:
            closing.add(i)
    return closing
