"""Word models: decide, for each syllable unit, whether it continues the word before it.

Every model answers the same question so the segmenter never needs to know which one it holds.
The shipped model is the averaged perceptron of :mod:`tachtu.model.perceptron`; the longest-match
lexicon of :mod:`tachtu.model.lexicon` is the baseline it is measured against.

>>> model = load_model()
>>> list(model.joins(["hà", "nội", "là", "thủ", "đô"]))
[False, True, False, False, True]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = ["WordModel", "load_model"]


@runtime_checkable
class WordModel(Protocol):
    def joins(self, syllables: Sequence[str]) -> Sequence[bool]:
        """Element ``i`` is True when unit ``i`` continues the word of unit ``i - 1``."""
        ...

    def joins_batch(self, batch: Sequence[Sequence[str]]) -> Sequence[Sequence[bool]]:
        """:meth:`joins` for many paragraphs at once."""
        ...


def load_model(
    path: str | os.PathLike[str] | None = None, *, user_dictionary: Iterable[str] = ()
) -> WordModel:
    """Load a word model; ``None`` loads the one shipped with tachtu.

    A ``.npz`` file is a perceptron model (``tachtu train`` writes one); any other file is a
    lexicon for the longest-match baseline, one word a line. ``user_dictionary`` lines are
    segmented phrases (``hà_nội``, ``phạt trực_tiếp``) whose inner boundaries are forced.
    """
    from tachtu.model.perceptron import PerceptronModel

    if path is None or Path(path).suffix == ".npz":
        return PerceptronModel.load(path, user_dictionary=user_dictionary)
    from tachtu.model.lexicon import LongestMatchModel

    if user_dictionary:
        raise ValueError("a user dictionary needs a perceptron model (.npz)")
    return LongestMatchModel.load(path)
