"""tachtu: Vietnamese text to clean, normalized, word-segmented corpus text.

>>> import tachtu
>>> tachtu.segment("Hà Nội là thủ đô của Việt Nam.")
'Hà_Nội là thủ_đô của Việt_Nam .'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from tachtu.document import Document, Paragraph, Sentence, read_document
from tachtu.formats import OutputFormat, render
from tachtu.normalize import Normalized, ToneStyle, normalize, normalize_with_report
from tachtu.sentences import iter_sentences, sentences
from tachtu.syllables import Syllable, SyllableKind, split_syllables, syllables
from tachtu.words import Segmenter, Word

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Normalized",
    "OutputFormat",
    "Paragraph",
    "Segmenter",
    "Sentence",
    "Syllable",
    "SyllableKind",
    "ToneStyle",
    "Word",
    "iter_segment",
    "iter_sentences",
    "normalize",
    "normalize_with_report",
    "read_document",
    "render",
    "segment",
    "segment_sentences",
    "sentences",
    "split_syllables",
    "syllables",
]


@cache
def _default_segmenter() -> Segmenter:
    # Loaded on first use, once per process: importing tachtu stays cheap.
    return Segmenter.load()


def segment(text: str, *, sep: str = "_") -> str:
    """Word-segment ``text`` with the shipped model; lines stay lines."""
    return _default_segmenter().segment(text, sep=sep)


def segment_sentences(text: str, *, sep: str = "_") -> list[str]:
    """Each sentence of ``text`` word-segmented with the shipped model, a string each.

    >>> segment_sentences("Hà Nội là thủ đô. Đà Nẵng ở miền Trung.")
    ['Hà_Nội là thủ_đô .', 'Đà_Nẵng ở miền Trung .']
    """
    return _default_segmenter().segment_sentences(text, sep=sep)


def iter_segment(texts: Iterable[str], *, sep: str = "_", batch_size: int = 256) -> Iterator[str]:
    """Segment a stream of texts, ``batch_size`` at a time through the model."""
    if isinstance(texts, str | bytes):
        raise TypeError("iter_segment takes an iterable of texts, not one text: see segment()")
    segmenter = _default_segmenter()
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == batch_size:
            yield from segmenter.segment_batch(batch, sep=sep)
            batch = []
    if batch:
        yield from segmenter.segment_batch(batch, sep=sep)
