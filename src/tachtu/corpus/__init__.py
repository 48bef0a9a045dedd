"""Corpus processing: readers, writers, the runner (local processes or Dask), manifest, stats.

Whole corpora: :func:`run` segments files and folders into a mirrored output tree, in parallel,
resumable after any kill. Python pipelines: :func:`read_documents`, :func:`segment_documents`,
:func:`count_documents` are steps over iterators of :class:`~tachtu.document.Document`.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> from tachtu.document import Document
>>> raw = [Document("d1", "Hà Nội mưa.", ())]
>>> [d.title.words()[0].form() for d in segment_documents(raw, segmenter=Segmenter(LongestMatchModel(["hà nội"])))]
['Hà_Nội']
"""

from tachtu.corpus.engines import Engine
from tachtu.corpus.manifest import RunConflictError
from tachtu.corpus.readers import InputError, ReadOptions, read_documents
from tachtu.corpus.runner import RunProgress, RunSummary, UsageError, run
from tachtu.corpus.stats import CorpusStats, count_documents
from tachtu.corpus.steps import segment_documents
from tachtu.corpus.writers import WriteOptions, render_documents

__all__ = [
    "CorpusStats",
    "Engine",
    "InputError",
    "ReadOptions",
    "RunConflictError",
    "RunProgress",
    "RunSummary",
    "UsageError",
    "WriteOptions",
    "count_documents",
    "read_documents",
    "render_documents",
    "run",
    "segment_documents",
]
