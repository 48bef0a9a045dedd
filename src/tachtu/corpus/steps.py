"""Corpus steps for Python pipelines: generators from documents to documents.

Like datatrove's pipeline steps, each takes an iterable of :class:`~tachtu.document.Document`
and yields documents, so steps chain and the stream never has to fit in memory. Unsegmented
documents have no paragraphs yet; :func:`segment_documents` fills them in.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> segmenter = Segmenter(LongestMatchModel(["hà nội", "thủ đô"]))
>>> raw = [Document("a1", "Hà Nội là thủ đô.", (), {"url": "https://example.vn/a1"})]
>>> stats = CorpusStats()
>>> for document in count_documents(segment_documents(raw, segmenter=segmenter), stats):
...     print(document.id, render(document, "text"), end="")
a1 Hà_Nội là thủ_đô .
>>> stats.words
4
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tachtu.corpus.stats import CorpusStats, count_documents
from tachtu.document import Document, read_document
from tachtu.formats import render
from tachtu.words import Segmenter

__all__ = ["CorpusStats", "count_documents", "render", "segment_documents"]


def segment_documents(
    documents: Iterable[Document], *, segmenter: Segmenter | None = None
) -> Iterator[Document]:
    """Segment each document's ``text``; its id and metadata are kept.

    ``segmenter``: ``None`` loads the shipped model, once per call.
    """
    segmenter = segmenter or Segmenter.load()
    for document in documents:
        yield read_document(
            document.text, segmenter=segmenter, id=document.id, metadata=document.metadata
        )
