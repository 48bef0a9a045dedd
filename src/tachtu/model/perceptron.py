"""The statistical word model: an averaged perceptron over syllable boundaries.

For each boundary between two syllable units it sums hashed feature weights (syllable n-grams in a
±2 window, shapes, longest-match lexicon spans of up to 12 syllables, runs of capitalized
syllables, and the decisions already taken) and joins when the sum is positive, left to right.
In a line of formal (legal, political) writing, told by its syllables' register scores, every
feature also fires a second copy, whose weights carry that register's convention.
Training lives in :mod:`tachtu.model.training`; this module loads a model file and runs it, in the
compiled core when it is built, else in the pure-Python twin (:mod:`tachtu.model.features`).

A model file is an ``.npz`` of plain arrays (no pickled Python): the syllable vocabulary, the
surface forms that map to it, the lexicon table, the register scores and the non-zero weights.

>>> model = PerceptronModel.load()
>>> [list(j) for j in model.joins_batch([["Hà", "Nội", "là", "thủ", "đô"]])]
[[False, True, False, False, True]]
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tachtu.model.features import PythonCore, glued_candidates, glued_name, syllable_shape
from tachtu.normalize import clean_characters, is_vietnamese_syllable, place_tone, tone_key
from tachtu.syllables import split_syllables

if TYPE_CHECKING:
    from tachtu.model._core import Core

_CompiledCore: type[Core] | None
_find_slot: Callable[[np.ndarray, np.ndarray], tuple[int, int]] | None
_insert_spans: Callable[[np.ndarray, np.ndarray, np.ndarray], int] | None
try:
    from tachtu.model._core import Core as _CompiledCore
    from tachtu.model._core import find_slot as _find_slot
    from tachtu.model._core import insert_spans as _insert_spans
except ImportError:  # pragma: no cover - exercised only where the C extension is not built
    _CompiledCore = None
    _find_slot = None
    _insert_spans = None

__all__ = ["FORMAT_VERSION", "SHIPPED_MODEL", "PerceptronModel", "parse_user_dictionary"]

# 2: register scores (optional arrays). A reader of format 1 would ignore them and run formal
# lines with half their features, so it must refuse the file; format 1 files still load here.
# 3: feature_hash 2, features hashed by one multiplication (the compiled core's feature_mix); a
# reader of format 2 would look their weights up at other slots. Files of 1 and 2 (feature hash
# 1, mix64) still load and segment as they did.
FORMAT_VERSION = 3
SHIPPED_MODEL = "words.npz"
_PHRASE_END = 0x80000000
_NO_TABLE = np.zeros(1, dtype=np.uint64)
# Surface strings not in the model file are looked up once and remembered, up to this many; the
# bound keeps memory flat on endless streams of new names and numbers.
_CACHE_LIMIT = 200_000


def compiled_core_available() -> bool:
    """Whether the C extension is built (else the model runs in pure Python, ~100x slower)."""
    return _CompiledCore is not None


class PerceptronModel:
    """A trained word model: ``joins(syllables)`` tells which units continue the previous word.

    ``user_dictionary`` holds segmented phrases (``"hà_nội"``, ``"phạt trực_tiếp"``) whose inner
    boundaries are forced wherever the phrase's syllables occur (any case, either tone style).
    A unit is matched as the model codes it: a place glued to its abbreviation as its name
    (:meth:`_as_glued_name`), so ``"TP.Hà_Nội"`` also forces ``Hà_Nội`` where it stands alone.
    """

    def __init__(
        self,
        arrays: Mapping[str, np.ndarray],
        *,
        user_dictionary: Iterable[str] = (),
        pure_python: bool = False,
    ) -> None:
        # Any: the arrays go back to np.savez_compressed as keywords
        self._arrays: dict[str, Any] = dict(arrays)
        # The digest of the shipped model's file when load() read it: a worker process can then
        # load the model itself (see __reduce__).
        self._shipped: str | None = None
        version = int(arrays["format_version"])
        if not 1 <= version <= FORMAT_VERSION:
            raise ValueError(f"model format {version}; this tachtu reads 1 to {FORMAT_VERSION}")
        self.templates = int(arrays["templates"])
        self.keys: list[str] = _decode_lines(arrays["keys"])
        self._key_ids = {key: i + 1 for i, key in enumerate(self.keys)}
        weights = np.zeros(1 << int(arrays["weight_bits"]), dtype=np.float32)
        weights[arrays["weight_index"]] = quantized(arrays["weight_value"])
        self._weights = weights
        surfaces = _decode_lines(arrays["surface_text"])
        self._surfaces = dict(zip(surfaces, arrays["surface_code"].tolist(), strict=True))
        self._featmap = arrays["featmap"]
        self._cache: dict[str, int] = {}
        for surface in glued_candidates("\n".join(surfaces)):
            self._surfaces[surface] = self._as_glued_name(surface, self._surfaces[surface])
        self.user_phrases = parse_user_dictionary(user_dictionary)
        user_keys, user_masks = self._user_tables(self.user_phrases)
        core_type: type[Core | PythonCore] = (
            PythonCore if pure_python or _CompiledCore is None else _CompiledCore
        )
        self.pure_python = core_type is PythonCore
        self._core = core_type(
            weights,
            np.ascontiguousarray(arrays["lexicon"], dtype=np.uint64),
            np.ascontiguousarray(arrays.get("mined", _NO_TABLE), dtype=np.uint64),
            np.ascontiguousarray(arrays["featmap"], dtype=np.int32),
            user_keys,
            user_masks,
            self._surfaces,
            self._code,
            self.templates,
            **_register_arguments(arrays),
            feature_hash=int(arrays.get("feature_hash", 1)),
            # What the compiled core needs to code the units the surfaces lack as _code does,
            # without a call into Python for each (a test holds the two to the same codes).
            unknown=(self._key_ids, place_tone, is_vietnamese_syllable),
        )

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        user_dictionary: Iterable[str] = (),
        pure_python: bool = False,
    ) -> PerceptronModel:
        """Read a model file; ``None``: the model shipped with tachtu."""
        if path is None:
            data = resources.files("tachtu.model").joinpath("data", SHIPPED_MODEL).read_bytes()
        else:
            data = Path(path).read_bytes()
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (ValueError, EOFError, zipfile.BadZipFile):
            # (numpy's own message for a file that is no archive suggests unpickling it)
            raise ValueError(f"{path}: not a tachtu model file (no .npz archive)") from None
        try:
            model = cls(arrays, user_dictionary=user_dictionary, pure_python=pure_python)
        except KeyError as error:
            raise ValueError(f"{path}: not a tachtu model file (no array {error})") from None
        if path is None:
            model._shipped = hashlib.sha256(data).hexdigest()
        return model

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model file (user phrases are not part of it)."""
        np.savez_compressed(path, **self._arrays)

    def with_user_dictionary(self, phrases: Iterable[str]) -> PerceptronModel:
        """A copy of this model that also forces ``phrases`` (added to the ones it has)."""
        model = PerceptronModel(
            self._arrays,
            user_dictionary=[*self.user_phrases, *phrases],
            pure_python=self.pure_python,
        )
        model._shipped = self._shipped
        return model

    def __reduce__(self) -> tuple[Callable[..., PerceptronModel], tuple[Any, ...]]:
        if self._shipped is not None:
            # The shipped model is loaded again from the package: a few hundred bytes to send
            # instead of 5 MB of arrays. A worker process is sent its model through a pipe as
            # it starts, and the main process waited, blocked, until each worker had imported
            # tachtu and read it all: 0.3 s a worker, one worker after the other. The digest
            # makes sure that a worker elsewhere (a Dask cluster) has the same model.
            return (_load_shipped, (self._shipped, self.user_phrases, self.pure_python))
        return (_rebuild, (self._arrays, self.user_phrases, self.pure_python))

    def joins(self, syllables: Sequence[str]) -> list[bool]:
        """Element ``i`` is True when unit ``i`` continues the word of unit ``i - 1``."""
        return self._core.joins(syllables)

    def joins_batch(self, batch: Sequence[Sequence[str]]) -> list[list[bool]]:
        """:meth:`joins` for many sentences or lines in one call into the core."""
        return self._core.joins_batch(batch)

    def segment_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        count: bool = False,
    ) -> Any:
        """Segmented lines, raw text in and text out in one call into the core.

        Each line's whitespace-separated chunks (as ``str.split()`` cuts them) become units by
        ``split_chunk``, which the core calls once per distinct chunk and remembers, so it must
        be a pure function; units of a word are joined by ``sep``, words by one space. Same text
        as :meth:`joins` over the units, joined.

        With ``count``: ``(lines, paragraphs, sentences, words, units)``, summed over the lines
        that have units, sentences as :func:`tachtu.sentences.split_units` finds them.

        >>> model = PerceptronModel.load()
        >>> model.segment_lines(["Hà Nội là thủ đô"], "_", str.split)
        ['Hà_Nội là thủ_đô']
        >>> model.segment_lines(["Mưa to . Gió lớn !", ""], "_", str.split, True)
        (['Mưa to . Gió lớn !', ''], 1, 2, 6, 6)
        """
        return self._core.segment_lines(lines, sep, split_chunk, count)

    def write_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        groups: Sequence[int] | None,
        end: bytes,
        sentence_lines: bool = False,
        masks_of: Callable[[str], str] | None = None,
    ) -> tuple[bytes, int, int, int, int]:
        """:meth:`segment_lines`, counted, as UTF-8 bytes written by the core itself: each line
        that has units followed by a newline, and ``end`` after each group of lines
        (``groups``: how many lines each group has; ``None``: each item of ``lines`` is a whole
        text, which the core cuts into lines at ``"\\n"`` as ``str.split("\\n")`` does).
        Returns ``(data, paragraphs, sentences, words, units)``. With ``sentence_lines``, a
        newline between sentences instead of a space: one sentence a line. With ``masks_of``,
        the masked format (:func:`~tachtu.model.features.join_masked`): ``masks_of(chunk)``
        gives the class of each unit of a chunk, asked only of chunks the core does not split
        itself, once, and remembered with the chunk's units (so it must give the same classes
        for a chunk whatever the call, as :func:`tachtu.formats.masked_encoded`'s does).

        A corpus writes UTF-8: made here, the output skips a str for each line, joining them and
        encoding the result; given whole texts, the input skips a str for each line too.

        >>> model = PerceptronModel.load()
        >>> data, *counts = model.write_lines(["Hà Nội là thủ đô", "", "Mưa ."], "_", str.split, [2, 1], b"")
        >>> data.decode(), counts
        ('Hà_Nội là thủ_đô\\nMưa .\\n', [2, 2, 5, 7])
        >>> model.write_lines(["Hà Nội là thủ đô\\n", "Mưa ."], "_", str.split, None, b"")[0] == data
        True
        """
        return self._core.write_lines(
            lines, sep, split_chunk, groups, end, sentence_lines, masks_of
        )

    def paragraphs_json(
        self,
        text: str,
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        kinds_of: Callable[[str], str],
        kind_names: tuple[str, ...],
    ) -> tuple[bytes, int, int, int, int] | None:
        """The paragraphs of normalized ``text`` as the jsonl format writes them, and the counts
        ``(paragraphs, sentences, words, units)``, by the compiled core (``None`` from the pure
        Python one, whose callers take the Python way): ``kinds_of(chunk)`` gives each unit's
        kind as ``chr(ord("a") + k)`` for ``kind_names[k]``, asked once for each distinct chunk
        and remembered with it."""
        write = getattr(self._core, "paragraphs_json", None)
        if write is None:
            return None
        return write(text, sep, split_chunk, kinds_of, kind_names)

    def paragraphs_conllu(
        self, text: str, id: str, split_chunk: Callable[[str], Sequence[str]]
    ) -> tuple[bytes, int, int, int, int] | None:
        """The sentences of normalized ``text`` as the conllu format writes them (``id`` in
        each sentence's ``sent_id``), and the counts, by the compiled core (``None`` from the
        pure-Python one)."""
        write = getattr(self._core, "paragraphs_conllu", None)
        if write is None:
            return None
        return write(text, id, split_chunk)

    def syllable_id(self, unit: str) -> int:
        """The vocabulary id of a unit's key (0: unknown)."""
        return self._key_ids.get(tone_key(unit), 0)

    def _code(self, unit: str) -> int:
        """Code of a surface string the model file does not list: ``id << 3 | shape``."""
        code = self._cache.get(unit)
        if code is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            code = self._cache[unit] = self._as_glued_name(unit, self._key_code(unit))
        return code

    def _key_code(self, unit: str) -> int:
        """``id << 3 | shape`` of a unit by its own key (``key_code`` in the compiled core)."""
        return self.syllable_id(unit) << 3 | syllable_shape(unit)

    def _as_glued_name(self, unit: str, code: int) -> int:
        """The code of a unit the model has no features for that is a prefix glued to a name the
        model knows (``TP.Hà``, ``Q.Gò``: :func:`~tachtu.model.features.glued_name`): the name's.

        The gold seldom writes such a unit (14 times in the training files, ``Q.Gò_Vấp``), so the
        model knew ``TP.Hà`` as a rare capitalized unit and cut the name it starts apart
        (``TP.Hà Nội``). Coded as ``Hà``, it joins as ``Hà Nội`` does, into ``TP.Hà_Nội``, as
        the gold writes ``Q.Gò_Vấp``. Only units without features of their own are coded so, at
        segmentation alone: the training data keeps its units as they are.
        """
        syllable_id = code >> 3
        if syllable_id < len(self._featmap) and self._featmap[syllable_id] >= 0:
            return code
        name = glued_name(unit)
        if name is unit:
            return code
        named = self._surfaces.get(name)
        if named is None:
            named = self._key_code(name)
        return named if named >> 3 else code

    def _user_tables(self, phrases: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Open-addressing tables of the phrases' span hashes and their forced join masks."""
        spans: list[tuple[list[int], int]] = []
        for phrase in phrases:
            units: list[str] = []
            mask = 0
            for word in phrase.split():
                word_units = split_syllables(word.replace("_", " "))
                for k in range(len(word_units)):
                    if units and k:
                        mask |= 1 << (len(units) - 1)
                    units.append(word_units[k])
            if 2 <= len(units) <= 31:
                spans.append(([self._user_syllable_id(u) for u in units], mask))
        size = 1
        while size < 4 * sum(len(ids) for ids, _ in spans):
            size *= 2
        keys = np.zeros(size, dtype=np.uint64)
        masks = np.zeros(size, dtype=np.uint32)
        for ids, mask in spans:
            flat = np.array(ids, dtype=np.uint32)
            _table_insert(keys, flat, np.array([len(ids)], dtype=np.int64))
            slot = _table_slot(keys, flat)
            masks[slot] = mask | _PHRASE_END
        return keys, masks

    def _user_syllable_id(self, unit: str) -> int:
        """Vocabulary id of a unit as segmentation codes it (``TP.Hà`` as ``Hà``), adding
        syllables the model never saw so phrases can still match them."""
        code = self._surfaces.get(unit)
        syllable_id = (self._code(unit) if code is None else code) >> 3
        if not syllable_id:
            syllable_id = self._key_ids[tone_key(unit)] = len(self._key_ids) + 1
            self._cache.pop(unit, None)  # coded before its syllable was added
        return syllable_id


def quantized(values: np.ndarray) -> np.ndarray:
    """Weights as integers of 16 bits (the largest one at 32767), held as float32.

    A boundary's decision is the sign of a sum of weights, which any positive scale leaves
    alone, so the model segments with its weights so scaled and rounded: the compiled core then
    keeps them as 16-bit integers, half the memory, and more of them stay in cache. Rounding
    moves each by at most 1/65534 of the largest, which on the shipped model changes no F1 on
    the dev sets.

    >>> quantized(np.array([0.5, -1.0, 0.25, 0.0], dtype=np.float32)).tolist()
    [16384.0, -32767.0, 8192.0, 0.0]
    """
    values = np.asarray(values, dtype=np.float32)
    largest = float(np.abs(values).max()) if values.size else 0.0
    if not largest:
        return values.copy()
    return np.rint(values.astype(np.float64) * (32767 / largest)).astype(np.float32)


def _register_arguments(arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """Register scores by syllable id, threshold and templates; none in models without them."""
    if "register_scores" not in arrays:
        return {}
    return {
        "register_scores": np.ascontiguousarray(arrays["register_scores"], dtype=np.int8),
        "register_threshold": int(arrays["register_threshold"]),
        "register_templates": int(arrays["register_templates"]),
    }


def _load_shipped(digest: str, user_phrases: Sequence[str], pure_python: bool) -> PerceptronModel:
    model = PerceptronModel.load(user_dictionary=user_phrases, pure_python=pure_python)
    if model._shipped != digest:
        shipped = model._shipped or ""
        raise RuntimeError(
            f"this process's tachtu ships another model (sha256 {shipped[:16]}…) than "
            f"the one it was sent ({digest[:16]}…): install the same tachtu everywhere"
        )
    return model


def _rebuild(
    arrays: Mapping[str, np.ndarray], user_phrases: Sequence[str], pure_python: bool
) -> PerceptronModel:
    return PerceptronModel(arrays, user_dictionary=user_phrases, pure_python=pure_python)


def parse_user_dictionary(entries: Iterable[str]) -> list[str]:
    """Phrases from dictionary lines: one segmented phrase a line, ``#`` starts a comment.
    Each is cleaned as input text is (NFC, ``Ð`` as ``Đ``, invisible characters out, a
    byte-order mark among them), so that a file saved decomposed or by Notepad still matches.

    >>> parse_user_dictionary(["hà_nội  # the city", "", "phạt trực_tiếp", "Ðà_La\u0323t"])
    ['hà_nội', 'phạt trực_tiếp', 'Đà_Lạt']
    """
    phrases = []
    for line in entries:
        phrase = clean_characters(line).split("#", 1)[0].strip()
        if phrase:
            phrases.append(" ".join(phrase.split()))
    return phrases


def _decode_lines(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def encode_lines(lines: Sequence[str]) -> np.ndarray:
    """Strings as one uint8 array (newline-separated UTF-8), the way model files store them."""
    return np.frombuffer("\n".join(lines).encode("utf-8"), dtype=np.uint8).copy()


def _table_insert(table: np.ndarray, ids: np.ndarray, lengths: np.ndarray) -> None:
    if _insert_spans is not None:
        _insert_spans(table, ids, lengths)
        return
    from tachtu.model.features import insert_spans_python

    insert_spans_python(table, ids, lengths)


def _table_slot(table: np.ndarray, ids: np.ndarray) -> int:
    if _find_slot is not None:
        return _find_slot(table, ids)[0]
    from tachtu.model.features import find_slot_python

    return find_slot_python(table, ids)
