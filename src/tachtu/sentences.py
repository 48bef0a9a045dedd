"""Sentences: the syllable units of one paragraph -> sentence spans.

A sentence ends at ``.``, ``!``, ``?``, ``…`` or ``...`` (and at ``v.v.``, ``v.v…`` or ``etc.``)
together with the closing quotes and brackets after it, when the next unit can open a sentence: a
capital letter, a digit, an opening quote or bracket, a dash. Abbreviations (``TP.``, ``N.V.``)
are single units, so their dots never end a sentence, and nor does the dot of a list item's number
(one or two digits that start a sentence: ``1. Lexus RX. 2. Acura MDX.``). A letter and a dot
after a word that takes a letter for a label (``độ C.``, ``bảng A.``, ``vitamin C.``) is that
label and a full stop, not an initial. Straight double quotes
alternate between opening and closing within a paragraph, which is how news writes them.

>>> sentences('Ông nói: "Tôi đồng ý. Họ cũng vậy". Sau đó, TP. HCM họp lúc 10.30.')
['Ông nói: "Tôi đồng ý.', 'Họ cũng vậy".', 'Sau đó, TP. HCM họp lúc 10.30.']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set

from tachtu.syllables import Syllable, split_syllable_runs, syllables

__all__ = [
    "break_at_sentences",
    "count_sentences",
    "iter_sentences",
    "sentence_spans",
    "sentences",
    "split_units",
]

# Sentence-final marks, and the abbreviations that end a list ("v.v." is always one unit).
_TERMINAL_TEXTS = frozenset({".", "!", "?", "…", "v.v.", "v.v...", "v.v…", "etc."})
_ALWAYS_CLOSING = frozenset({"”", "’", "»", "›", ")", "]", "}"})
_OPENERS = frozenset({"“", "‘", "«", "‹", "(", "[", "{", "-", "–", "—", "*", "•", "'", '"'})
# Words that take a letter for a label: the tokenizer reads a letter and its dot as an initial
# (Nguyễn Văn C.), whose dot ends nothing, and "30 độ C. Ngày mai" was one sentence (about 900
# times in the news; "bảng A.", "vitamin C.", "khối A.", "Serie A." some 250 more). After these
# words the letter is a label, a temperature's scale, a group, and its dot a full stop. As
# written, not in any case: "Độ" is also the end of "Ấn Độ", before the initial of a name ("nhà
# thơ Ấn Độ R. Tagore"). The compiled core has the same list (label_heads).
_LABEL_HEADS = frozenset(
    {"độ", "bảng", "Bảng", "vitamin", "Vitamin", "Serie", "khối", "Khối", "chữ", "quý", "Quý"}
    | {"hạng", "gan", "tia", "type", "Type", "loại"}
    # the degree sign, and the letter o typed for it, before the scale: "30° C.", "30 o C."
    | {"°", "o"}
)
# A photo's credit in initials ends the caption's sentence: "Ảnh: N.D. Hai ngày qua, …" (126
# times in the news). Initials alone are not enough (one letter is an initial before a name,
# "Ảnh: P. Hùng"; "M.U." ends a sentence or not). The compiled core has the same test.
_CREDIT_WORDS = frozenset({"Ảnh", "ảnh", "ẢNH"})


def sentence_spans(units: Sequence[Syllable]) -> list[tuple[int, int]]:
    """Split one paragraph's units into sentences: ``[(first, last + 1), ...]`` unit indexes.

    >>> sentence_spans(syllables("Mưa to. Gió lớn!"))
    [(0, 3), (3, 6)]
    """
    texts = [u.text for u in units]
    glued_quotes = {
        i for i, u in enumerate(units) if u.text == "'" and i and units[i - 1].end == u.start
    }
    return split_units(texts, glued_quotes)


def count_sentences(paragraph: str) -> int:
    """How many sentences one line of text holds: ``len(sentence_spans(syllables(paragraph)))``
    without building the units, for counting over a corpus.

    >>> count_sentences("Mưa to. Gió lớn! Sao vậy?")
    3
    """
    return len(split_units(*split_syllable_runs(paragraph)))


def split_units(texts: Sequence[str], glued_quotes: Set[int]) -> list[tuple[int, int]]:
    """:func:`sentence_spans` over unit strings; ``glued_quotes``: the ``'`` units with no space
    before them."""
    n = len(texts)
    # Only terminal marks can end a sentence: find them first, then look around each one. (The
    # tests after the first run on few units: those that start with two dots or end in one.)
    # The first two are _is_terminal written out: a call for every unit made this function a
    # fifth slower.
    terminals = [
        i
        for i, t in enumerate(texts)
        if t in _TERMINAL_TEXTS
        or (t[:2] == ".." and not t.strip("."))
        or (t[-1:] == "." and _ends_with_label(texts, i))
    ]
    if not terminals:
        return [(0, n)] if n else []
    closing = _closing_quotes(texts, glued_quotes)
    spans: list[tuple[int, int]] = []
    start = 0
    reached = 0
    for i in terminals:
        if i < reached:
            continue
        if i == start + 1 and texts[i] == "." and _is_enumerator(texts[start]):
            continue  # "1. Lexus RX. 2. Acura MDX.": a list item's number
        end = i + 1
        while end < n and (
            end in closing or texts[end] in _ALWAYS_CLOSING or _is_terminal(texts[end])
        ):
            end += 1
        if end < n and _opens_sentence(texts[end], end in closing):
            spans.append((start, end))
            start = end
        reached = end
    if start < n:
        spans.append((start, n))
    return spans


def break_at_sentences(joins: Sequence[bool], spans: Sequence[tuple[int, int]]) -> list[bool]:
    """Join flags of a line's units with a word break where each sentence starts: a sentence
    start always starts a word, whatever the model said.

    >>> break_at_sentences([False, True, True, True], [(0, 2), (2, 4)])
    [False, True, False, True]
    """
    joins = list(joins)
    for start, _ in spans[1:]:
        joins[start] = False
    return joins


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


def _is_terminal(text: str) -> bool:
    # A run of dots ("...") is one punctuation unit; other units starting with ".." are not marks.
    return text in _TERMINAL_TEXTS or (text[:2] == ".." and not text.strip("."))


def _ends_with_label(texts: Sequence[str], i: int) -> bool:
    """Whether unit ``i`` is a label that holds the full stop: a letter after a label word
    (``độ C.``), initials after a photo's credit (``Ảnh: N.D.``)."""
    text = texts[i]
    return (_is_letter_and_dot(text) and _after_label_head(texts, i)) or (
        _is_initials(text) and _after_credit(texts, i)
    )


def _is_letter_and_dot(text: str) -> bool:
    return len(text) == 2 and text[1] == "." and text[0].isalpha()


def _after_label_head(texts: Sequence[str], i: int) -> bool:
    return i > 0 and texts[i - 1] in _LABEL_HEADS


def _is_initials(text: str) -> bool:
    return (
        len(text) >= 4
        and not len(text) % 2
        and all(c.isupper() for c in text[::2])
        and text[1::2] == "." * (len(text) // 2)
    )


def _after_credit(texts: Sequence[str], i: int) -> bool:
    return i > 1 and texts[i - 1] == ":" and texts[i - 2] in _CREDIT_WORDS


def _is_enumerator(text: str) -> bool:
    return len(text) <= 2 and text.isascii() and text.isdigit()


def _opens_sentence(text: str, is_closing_quote: bool) -> bool:
    first = text[0]
    if first.isupper() or first.isdigit():
        return True
    return text in _OPENERS and not is_closing_quote


def _closing_quotes(texts: Sequence[str], glued_quotes: Set[int]) -> set[int]:
    """Indexes of straight quotes that close: every second ``"``, and ``'`` glued to the unit before."""
    closing = set(glued_quotes)
    open_double = False
    for i in [i for i, text in enumerate(texts) if text == '"']:
        if open_double:
            closing.add(i)
        open_double = not open_double
    return closing
