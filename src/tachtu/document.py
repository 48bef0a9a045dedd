"""Documents: a news article as title, lead and body paragraphs of sentences of words.

One line of text is one paragraph; blank lines separate nothing and are dropped. Offsets index
the document's normalized ``text``.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> segmenter = Segmenter(LongestMatchModel(["hà nội", "thủ đô"]))
>>> doc = read_document("Hà Nội\\nHà Nội là thủ đô. Trời mưa.", segmenter=segmenter, id="d1")
>>> [len(p.sentences) for p in doc.paragraphs], doc.title.words()[0].form()
([1, 2], 'Hà_Nội')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tachtu.normalize import normalize
from tachtu.sentences import break_at_sentences, split_units
from tachtu.syllables import SyllableKind, chunk_units, glued_quotes
from tachtu.words import Segmenter, Word

__all__ = [
    "Document",
    "Paragraph",
    "ParagraphSpan",
    "Sentence",
    "SentenceSpan",
    "Word",
    "WordSpan",
    "paragraph_spans",
    "read_document",
]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    sentences: tuple[Sentence, ...]

    def words(self) -> list[Word]:
        return [word for sentence in self.sentences for word in sentence.words]


@dataclass(frozen=True, slots=True)
class Document:
    """A segmented document; ``metadata`` carries the fields of its source record untouched."""

    id: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def title(self) -> Paragraph | None:
        return self.paragraphs[0] if self.paragraphs else None

    @property
    def lead(self) -> Paragraph | None:
        return self.paragraphs[1] if len(self.paragraphs) > 1 else None

    @property
    def body(self) -> tuple[Paragraph, ...]:
        return self.paragraphs[2:]

    def sentences(self) -> Iterator[Sentence]:
        for paragraph in self.paragraphs:
            yield from paragraph.sentences

    def words(self) -> Iterator[Word]:
        for sentence in self.sentences():
            yield from sentence.words


# A document as plain values, without its objects: what output formats read, at a fraction of
# the cost of building a Word for each of a corpus's millions of words.
WordSpan = tuple[tuple[str, ...], int, int, SyllableKind]  # units, start, end, first unit's kind
SentenceSpan = tuple[int, int, list[WordSpan]]
ParagraphSpan = tuple[int, int, list[SentenceSpan]]

_CHUNK = re.compile(r"\S+")


def read_document(
    text: str,
    *,
    segmenter: Segmenter,
    id: str = "",
    metadata: Mapping[str, Any] | None = None,
) -> Document:
    """Normalize, split and segment ``text`` (one paragraph a line) into a :class:`Document`."""
    text = normalize(text, tone_style=segmenter.tone_style)
    paragraphs = tuple(
        Paragraph(
            start,
            end,
            tuple(
                Sentence(a, b, tuple(Word(*word) for word in words)) for a, b, words in sentences
            ),
        )
        for start, end, sentences in paragraph_spans(text, segmenter)
    )
    return Document(id, text, paragraphs, MappingProxyType(dict(metadata or {})))


def paragraph_spans(text: str, segmenter: Segmenter) -> list[ParagraphSpan]:
    """The paragraphs of clean ``text`` (:func:`tachtu.normalize.clean_characters`) as spans:
    :func:`read_document`'s structure, with the same offsets, as tuples and lists. Tone marks
    are placed in the segmenter's style chunk by chunk (a no-op on normalized text).

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> paragraph_spans("Hà Nội mưa.\\n\\nGió!", Segmenter(LongestMatchModel(["hà nội"])))
    [(0, 11, [(0, 11, [(('Hà', 'Nội'), 0, 6, <SyllableKind.VIETNAMESE: 'vietnamese'>), \
(('mưa',), 7, 10, <SyllableKind.VIETNAMESE: 'vietnamese'>), \
(('.',), 10, 11, <SyllableKind.PUNCTUATION: 'punctuation'>)])]), \
(13, 17, [(13, 17, [(('Gió',), 13, 16, <SyllableKind.VIETNAMESE: 'vietnamese'>), \
(('!',), 16, 17, <SyllableKind.PUNCTUATION: 'punctuation'>)])])]
    """
    # Each line's units, from the units of its chunks, each chunk split once (chunk_units).
    lines = []
    offset = 0
    for line in text.split("\n"):
        texts: list[str] = []
        kinds: list[SyllableKind] = []
        starts: list[int] = []
        ends: list[int] = []
        quotes: set[int] = set()
        for match in _CHUNK.finditer(line):
            chunk_texts, chunk_kinds, chunk_starts, chunk_ends = chunk_units(
                match.group(), segmenter.tone_style
            )
            base = offset + match.start()
            if len(chunk_texts) == 1:  # most chunks: one unit, the whole chunk
                starts.append(base)
                ends.append(base + chunk_ends[0])
            else:
                if "'" in chunk_texts:
                    quotes.update(glued_quotes(chunk_texts, len(texts)))
                starts += [base + start for start in chunk_starts]
                ends += [base + end for end in chunk_ends]
            texts += chunk_texts
            kinds += chunk_kinds
        if texts:
            lines.append((texts, kinds, starts, ends, quotes))
        offset += len(line) + 1
    # The model sees whole paragraphs, as Segmenter.segment does, so a document's words are the
    # words of the fast text path; a sentence start always starts a word.
    flags = segmenter.model.joins_batch([units[0] for units in lines])
    paragraphs: list[ParagraphSpan] = []
    for (texts, kinds, starts, ends, quotes), joins in zip(lines, flags, strict=True):
        spans = split_units(texts, quotes)
        # Where words start: where the model does not join, and at every sentence start.
        firsts = [i for i, joined in enumerate(break_at_sentences(joins, spans)) if not joined]
        if not firsts or firsts[0]:
            firsts.insert(0, 0)
        firsts.append(len(texts))
        sentences: list[SentenceSpan] = []
        word = 0  # the next word's index in firsts
        for first, last in spans:
            words: list[WordSpan] = []
            while firsts[word] < last:
                a, b = firsts[word], firsts[word + 1]
                words.append((tuple(texts[a:b]), starts[a], ends[b - 1], kinds[a]))
                word += 1
            sentences.append((starts[first], ends[last - 1], words))
        paragraphs.append((starts[0], ends[-1], sentences))
    return paragraphs
