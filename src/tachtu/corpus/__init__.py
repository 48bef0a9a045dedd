"""Corpus processing: readers, writers, the runner (local processes or Dask), manifest, stats.

Whole corpora: :func:`run` segments files and folders into a mirrored output tree, in parallel,
resumable after any kill. Python pipelines: :func:`read_documents`, :func:`segment_documents`,
:func:`count_documents` are steps over iterators of :class:`~tachtu.document.Document`.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> from tachtu.document import Document
>>> from tachtu.corpus import segment_documents
>>> raw = [Document("d1", "Hà Nội mưa.", ())]
>>> [d.title.words()[0].form() for d in segment_documents(raw, segmenter=Segmenter(LongestMatchModel(["hà nội"])))]
['Hà_Nội']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Where each name lives, imported on first use: the command line's segment and normalize import
# the readers and decoders of this package, and should not pay for the worker pool and the
# runner (multiprocessing, concurrent.futures), about a tenth of their start.
_HOMES = {
    "CorpusStats": "stats",
    "Engine": "engines",
    "InputError": "readers",
    "ReadOptions": "readers",
    "RunConflictError": "manifest",
    "RunProgress": "runner",
    "RunSummary": "runner",
    "UsageError": "runner",
    "WriteOptions": "writers",
    "count_documents": "stats",
    "read_documents": "readers",
    "render_documents": "writers",
    "run": "runner",
    "segment_documents": "steps",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
