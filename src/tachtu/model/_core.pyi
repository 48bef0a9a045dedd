# The compiled core (_core.c) as type checkers see it. PythonCore in features.py is its
# pure-Python twin for the Core class; the other functions have Python fallbacks where they are
# imported. The C argument parsers are the authority: keep this file in step with them.
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

import numpy as np

# The counts a writer returns beside its text: paragraphs, sentences, words, units.
_Written = tuple[bytes, int, int, int, int]

class Core:
    def __init__(
        self,
        weights: np.ndarray,
        lexicon: np.ndarray,
        mined: np.ndarray,
        featmap: np.ndarray,
        user_keys: np.ndarray,
        user_masks: np.ndarray,
        surfaces: dict[str, int],
        fallback: Callable[[str], int],
        templates: int,
        register_scores: np.ndarray | None = None,
        register_threshold: int = 0,
        register_templates: int = 0,
        feature_hash: int = 1,
        unknown: tuple[Any, ...] | None = None,
    ) -> None: ...
    def code(self, unit: str, /) -> int: ...
    def joins(self, syllables: Sequence[str], /) -> list[bool]: ...
    def joins_batch(self, sentences: Sequence[Sequence[str]], /) -> list[list[bool]]: ...
    @overload
    def segment_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        count: Literal[False] = False,
        /,
    ) -> list[str]: ...
    @overload
    def segment_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        count: Literal[True],
        /,
    ) -> tuple[list[str], int, int, int, int]: ...
    @overload
    def segment_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        count: bool,
        /,
    ) -> list[str] | tuple[list[str], int, int, int, int]: ...
    def paragraphs_conllu(
        self, text: str, id: str, split_chunk: Callable[[str], Sequence[str]], /
    ) -> _Written | None: ...
    def paragraphs_json(
        self,
        text: str,
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        kinds_of: Callable[[str], str],
        kind_names: Sequence[str],
        /,
    ) -> _Written | None: ...
    def write_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        groups: Sequence[int] | None,
        end: bytes,
        sentence_lines: bool = False,
        masks_of: Callable[[str], str] | None = None,
        /,
    ) -> _Written: ...

def place_tone(word: str, style: str, /) -> str | None: ...
def is_syllable(word: str, /) -> bool | None: ...
def json_object(line: bytes, /) -> dict[str, Any] | None: ...
def is_clean_text(text: str, /) -> bool: ...
def mojibake_signs(text: str, classes: bytes, /) -> int: ...
def insert_spans(
    table: np.ndarray,
    ids: bytes | np.ndarray,
    lengths: bytes | np.ndarray,
    with_prefixes: bool = True,
    /,
) -> int: ...
def find_slot(table: np.ndarray, span_ids: bytes | np.ndarray, /) -> tuple[int, int]: ...
def train_epoch(
    weights: np.ndarray,
    totals: np.ndarray,
    counter: float,
    ids: np.ndarray,
    fids: np.ndarray,
    shapes: np.ndarray,
    labels: np.ndarray,
    starts: np.ndarray,
    order: np.ndarray,
    folds: np.ndarray,
    lexicons: Sequence[np.ndarray],
    mined: Sequence[np.ndarray],
    templates: int,
    register_scores: bytes | np.ndarray = b"",
    register_threshold: int = 0,
    register_templates: int = 0,
    feature_hash: int = 1,
    /,
) -> tuple[float, int]: ...
