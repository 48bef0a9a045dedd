"""Word models: decide, for each syllable unit, whether it continues the word before it.

Every model answers the same question so the segmenter never needs to know which one it holds.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["WordModel", "load_model"]


@runtime_checkable
class WordModel(Protocol):
    def joins(self, syllables: Sequence[str]) -> Sequence[bool]:
        """Element ``i`` is True when unit ``i`` continues the word of unit ``i - 1``."""
        ...

    def joins_batch(self, batch: Sequence[Sequence[str]]) -> list[Sequence[bool]]:
        """:meth:`joins` for many paragraphs at once."""
        ...


def load_model(path: str | os.PathLike[str] | None = None) -> WordModel:
    """Load a word model; ``None`` loads the one shipped with tachtu."""
    from tachtu.model.lexicon import LongestMatchModel

    return LongestMatchModel.load(path)
