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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tachtu.normalize import normalize
from tachtu.sentences import sentence_spans
from tachtu.syllables import Syllable, syllables
from tachtu.words import Segmenter, Word

__all__ = ["Document", "Paragraph", "Sentence", "Word", "read_document"]


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


def read_document(
    text: str,
    *,
    segmenter: Segmenter,
    id: str = "",
    metadata: Mapping[str, Any] | None = None,
) -> Document:
    """Normalize, split and segment ``text`` (one paragraph a line) into a :class:`Document`."""
    text = normalize(text, tone_style=segmenter.tone_style)
    lines = list(_paragraph_units(text, syllables(text)))
    # The model sees whole paragraphs, as Segmenter.segment does, so a document's words are the
    # words of the fast text path; a sentence start always starts a word.
    flags = segmenter.model.joins_batch([[u.text for u in units] for units in lines])
    paragraphs = []
    for units, joins in zip(lines, flags, strict=True):
        sentences = []
        for a, b in sentence_spans(units):
            words = segmenter.group(units[a:b], [False, *joins[a + 1 : b]])
            sentences.append(Sentence(units[a].start, units[b - 1].end, tuple(words)))
        paragraphs.append(Paragraph(units[0].start, units[-1].end, tuple(sentences)))
    return Document(id, text, tuple(paragraphs), MappingProxyType(dict(metadata or {})))


def _paragraph_units(text: str, units: list[Syllable]) -> Iterator[list[Syllable]]:
    """Group units by the line they stand on; lines without units yield nothing."""
    line: list[Syllable] = []
    for unit in units:
        if line and "\n" in text[line[-1].end : unit.start]:
            yield line
            line = []
        line.append(unit)
    if line:
        yield line
