"""Longest matching against a lexicon of multi-syllable words: the baseline word model.

At each unit it joins the longest run of following units that spells a known word, else leaves
the unit alone. It knows nothing of context, so it over-joins ambiguous runs (``học sinh học``);
it is the yardstick a statistical model has to beat.

>>> model = LongestMatchModel(["hà nội", "thủ đô"])
>>> list(model.joins(["Hà", "Nội", "là", "thủ", "đô"]))
[False, True, False, False, True]
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from tachtu.normalize import tone_key

__all__ = ["LongestMatchModel"]

_SHIPPED = "lexicon.txt.gz"


class LongestMatchModel:
    """Forward longest matching; ``words`` are syllables separated by spaces, any case or tone style."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(" ".join(tone_key(s) for s in w.split()) for w in words)
        self._longest = max((w.count(" ") + 1 for w in self._words), default=1)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> LongestMatchModel:
        """Read a lexicon file (gzip or plain text, one word a line); ``None``: the shipped one."""
        if path is None:
            data = resources.files("tachtu.model").joinpath("data", _SHIPPED).read_bytes()
        else:
            data = Path(path).read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return cls(line for line in data.decode("utf-8").splitlines() if " " in line.strip())

    def __len__(self) -> int:
        return len(self._words)

    def joins(self, syllables: Sequence[str]) -> list[bool]:
        keys = [tone_key(s) for s in syllables]
        flags = [False] * len(keys)
        i = 0
        while i < len(keys):
            for n in range(min(self._longest, len(keys) - i), 1, -1):
                if " ".join(keys[i : i + n]) in self._words:
                    flags[i + 1 : i + n] = [True] * (n - 1)
                    i += n
                    break
            else:
                i += 1
        return flags

    def joins_batch(self, batch: Sequence[Sequence[str]]) -> list[Sequence[bool]]:
        return [self.joins(syllables) for syllables in batch]
