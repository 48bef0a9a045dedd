"""Counts over a corpus: what ``stats.json`` holds and the progress bar shows.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> segmenter = Segmenter(LongestMatchModel(["hà nội"]))
>>> stats = CorpusStats()
>>> documents = [read_document("Hà Nội mưa. Gió to.", segmenter=segmenter)]
>>> _ = list(count_documents(documents, stats))
>>> stats.documents, stats.sentences, stats.words, stats.syllables
(1, 2, 6, 7)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields

from tachtu.document import Document, read_document
from tachtu.words import TextCounts

__all__ = ["CorpusStats", "count_documents", "read_document"]


@dataclass(slots=True)
class CorpusStats:
    """Documents, paragraphs, sentences, words and syllables (every unit: punctuation too)."""

    documents: int = 0
    paragraphs: int = 0
    sentences: int = 0
    words: int = 0
    syllables: int = 0
    errors: int = 0

    def add(self, document: Document) -> None:
        self.documents += 1
        for paragraph in document.paragraphs:
            self.paragraphs += 1
            for sentence in paragraph.sentences:
                self.sentences += 1
                self.words += len(sentence.words)
                self.syllables += sum(len(word.syllables) for word in sentence.words)

    def add_counts(self, counts: TextCounts, documents: int = 1) -> None:
        """Add ``documents`` texts that hold ``counts``, as the paths without Documents find."""
        self.documents += documents
        self.paragraphs += counts.paragraphs
        self.sentences += counts.sentences
        self.words += counts.words
        self.syllables += counts.syllables

    def merge(self, other: CorpusStats) -> None:
        for name in _NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, counts: Mapping[str, int]) -> CorpusStats:
        return cls(**{name: int(counts.get(name, 0)) for name in _NAMES})


_NAMES = [f.name for f in fields(CorpusStats)]


def count_documents(documents: Iterable[Document], stats: CorpusStats) -> Iterator[Document]:
    """Pass segmented documents through unchanged, counting them into ``stats``."""
    for document in documents:
        stats.add(document)
        yield document
