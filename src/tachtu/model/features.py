"""Syllable shapes and the pure-Python twin of the compiled decoder in ``_core.c``.

The perceptron model scores each boundary between two syllable units with hashed features; the
compiled core computes them at millions of syllables a second. This module computes exactly the
same hashes, features and decisions one syllable at a time, so the model still works (slowly)
where the extension could not be built, and tests can hold the two to identical output. Any change
here must be mirrored in ``_core.c`` and the other way round.

>>> syllable_shape("Hà"), syllable_shape("hà"), syllable_shape("TP."), syllable_shape("1.000")
(1, 0, 7, 3)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tachtu.normalize import is_vietnamese_syllable
from tachtu.sentences import break_at_sentences, split_units
from tachtu.syllables import glued_quotes, is_mark, word_form

__all__ = [
    "N_TEMPLATES",
    "PythonCore",
    "glued_candidates",
    "glued_name",
    "join_units",
    "span_hash",
    "syllable_shape",
]

# Shapes: three bits stored with every syllable code.
SHAPE_LOWER = 0  # lower-case Vietnamese syllable
SHAPE_TITLE = 1  # capitalized Vietnamese syllable, or one capital letter
SHAPE_UPPER = 2  # two or more letters, all capitals
SHAPE_NUMBER = 3  # anything with a digit
SHAPE_PUNCT = 4  # no letter or digit
SHAPE_FOREIGN = 5  # lower-case letters that spell no Vietnamese syllable, or other lower-case units
SHAPE_NAME = 6  # capitalized foreign word or mixed case (Putin, iPhone)
SHAPE_DOTTED = 7  # capitalized unit with inner punctuation (TP., N.V., Mác-Lênin)
_CAPITALIZED = frozenset({SHAPE_TITLE, SHAPE_UPPER, SHAPE_NAME, SHAPE_DOTTED})
# Two letters that end a sentence before a dot: a syllable (Hạ Vi.), capitals (EU.).
_NOT_ABBREVIATIONS = frozenset({SHAPE_LOWER, SHAPE_TITLE, SHAPE_UPPER})

N_TEMPLATES = 32
_MASK = (1 << 64) - 1
_SPAN_SEED = 0x5BD1E9955BD1E995
_GOLDEN = 0x9E3779B97F4A7C15
_MAX_SPAN = 12
_CAP_SPAN = 8
_SHAPE_PAD = 8
_FID_BOS = 8
_FID_EOS = 9
_LEX_WORD = 1
_PHRASE_END = 0x80000000
_REGISTER_XOR = 0x9E3779B97F4A7C15


# A place or a title glued to the name after it: a city, a town (TP.Hà of TP.Hà Nội, TX., TT.),
# a district, a county, a ward (Q.Gò of Q.Gò Vấp, H., P.), a doctor or a professor (TS.Nguyễn).
# Not any other capital: an initial glued to a given name (N.Tùng, X.La) is a person's name the
# gold writes as one word. The compiled core has the same list (glued_name_start).
_GLUED_PREFIXES = r"(?:[QHP]|TP|Tp|TX|TT|PGS|GS|TS|ThS|BS)\."
_GLUED_PREFIX = re.compile(_GLUED_PREFIXES)
_GLUED_LINE = re.compile(rf"^{_GLUED_PREFIXES}.+$", re.MULTILINE)


def glued_candidates(lines: str) -> list[str]:
    """The lines of a text (one unit a line) that start with a glued prefix: one scan, for the
    model's tens of thousands of surfaces at load."""
    return _GLUED_LINE.findall(lines)


def glued_name(unit: str) -> str:
    """The name of a unit that is a prefix glued to a capitalized Vietnamese syllable; any other
    unit as it is.

    >>> glued_name("TP.Hà"), glued_name("Q.Gò"), glued_name("TP.HCM"), glued_name("N.Tùng")
    ('Hà', 'Gò', 'TP.HCM', 'N.Tùng')
    """
    prefix = _GLUED_PREFIX.match(unit)
    if prefix is None:
        return unit
    name = unit[prefix.end() :]
    if (
        len(name) > 1
        and name.isalpha()
        and name[0].isupper()
        and name[1:].islower()
        and is_vietnamese_syllable(name)
    ):
        return name
    return unit


def syllable_shape(unit: str) -> int:
    """The shape class (0-7) of one syllable unit, as the model sees it next to its key.

    >>> [syllable_shape(u) for u in ["nội", "Nội", "UBND", "Putin", "(", "email", "H5N1"]]
    [0, 1, 2, 6, 4, 5, 3]
    """
    # No letter is a digit, so units of letters only (most of them) skip the two scans below.
    if not unit.isalpha() and any(map(str.isdigit, unit)):
        return SHAPE_NUMBER
    if not unit.isalpha() and is_mark(unit):
        return SHAPE_PUNCT
    if unit.isalpha():
        if unit.islower():
            return SHAPE_LOWER if is_vietnamese_syllable(unit) else SHAPE_FOREIGN
        if unit.isupper():
            return SHAPE_UPPER if len(unit) > 1 else SHAPE_TITLE
        if unit[0].isupper() and (len(unit) == 1 or unit[1:].islower()):
            return SHAPE_TITLE if is_vietnamese_syllable(unit) else SHAPE_NAME
        return SHAPE_NAME
    return SHAPE_DOTTED if unit[0].isupper() else SHAPE_FOREIGN


def join_units(units: Sequence[str], joins: Sequence[bool], sep: str) -> str:
    """Units as text: ``sep`` before a unit that continues a word (nothing before a mark that
    does, as :func:`~tachtu.syllables.word_form` writes it), one space before any other.

    >>> join_units(["Hà", "Nội", "đẹp", "Ng", "."], [False, True, False, False, True], "_")
    'Hà_Nội đẹp Ng.'
    """
    parts = []
    for i, (unit, joined) in enumerate(zip(units, joins, strict=True)):
        if i:
            parts.append(" " if not joined else "" if is_mark(unit) else sep)
        parts.append(unit)
    return "".join(parts)


def join_sentences(
    units: Sequence[str], joins: Sequence[bool], spans: Sequence[tuple[int, int]], sep: str
) -> str:
    """:func:`join_units` with a newline between sentences instead of a space (``joins`` must
    start a word at each sentence start, as :func:`~tachtu.sentences.break_at_sentences` makes
    them).

    >>> join_sentences(["Mưa", "to", ".", "Gió", "."], [False, False, False, False, False], [(0, 3), (3, 5)], "_")
    'Mưa to .\\nGió .'
    """
    return "\n".join(join_units(units[a:b], joins[a:b], sep) for a, b in spans)


def join_masked(
    units: Sequence[str],
    masks: str,
    joins: Sequence[bool],
    spans: Sequence[tuple[int, int]],
    sep: str,
) -> str:
    """The masked format of one line: a word of one unit whose class in ``masks`` is not
    ``" "`` written as the class (``1`` a number, ``6`` a bracket, ``7`` other marks), one ``7``
    for a run of them even across a sentence break; `` . `` between sentences, ``.`` at the end
    (``joins`` start a word at each sentence start, as for :func:`join_sentences`); ``""`` for
    no units.

    >>> join_masked(["Giá", "5%", ".", "(", "Mưa", ")"], " 176 6", [False] * 6, [(0, 3), (3, 6)], "_")
    'Giá 1 7 . 6 Mưa 6.'
    """
    if not units:
        return ""
    pieces: list[str] = []
    for number, (first, last) in enumerate(spans):
        if number:
            pieces.append(_SENTENCE_BREAK)
        start = first
        while start < last:
            end = start + 1
            while end < last and joins[end]:
                end += 1
            piece = masks[start].strip() if end - start == 1 else ""
            if not (piece == "7" and _ends_mark_run(pieces)):
                pieces.append(piece or word_form(units[start:end], sep))
            start = end
    return " ".join(pieces) + "."


_SENTENCE_BREAK = "."


def _ends_mark_run(pieces: list[str]) -> bool:
    """Whether a 7 would continue a run of marks: after a 7, or a sentence break after one."""
    if pieces and pieces[-1] == _SENTENCE_BREAK:
        return len(pieces) > 1 and pieces[-2] == "7"
    return bool(pieces) and pieces[-1] == "7"


def joined_lines(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """The lines of many texts in one list, and how many lines each text has: the lines and
    groups of :func:`written_lines`.

    >>> joined_lines(["Hà Nội\\nmưa", ""])
    (['Hà Nội', 'mưa', ''], [2, 1])
    """
    # Each text split on its own: joining them to split the whole would copy every text once
    # more, and counting each one's lines would scan it once more (1% of a corpus run).
    lines: list[str] = []
    groups: list[int] = []
    for text in texts:
        text_lines = text.split("\n")
        lines += text_lines
        groups.append(len(text_lines))
    return lines, groups


def written_lines(segmented: Sequence[str], groups: Sequence[int], end: bytes) -> bytes:
    """Segmented lines in groups (``groups[g]`` lines in group ``g``) as UTF-8: each line that
    is not empty followed by a newline, and ``end`` after each group.

    >>> written_lines(["Hà_Nội", "", "mưa"], [2, 1], b"\\n").decode()
    'Hà_Nội\\n\\nmưa\\n\\n'
    """
    if sum(groups) != len(segmented) or any(count < 0 for count in groups):
        raise ValueError(f"line counts {sum(groups)} for {len(segmented)} lines")
    closing = end.decode("utf-8")
    pieces: list[str] = []
    first = 0
    for count in groups:
        pieces += [line + "\n" for line in segmented[first : first + count] if line]
        pieces.append(closing)
        first += count
    return "".join(pieces).encode("utf-8")


def _mix64(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _span_step(h: int, syllable_id: int) -> int:
    return _mix64(h ^ ((syllable_id * _GOLDEN + 0x632BE59BD9B4E019) & _MASK))


def span_hash(ids: Sequence[int]) -> int:
    """Hash of a span of syllable ids, as the lexicon and user-dictionary tables store it.

    >>> span_hash([5, 7]) == span_hash([5, 7]) != span_hash([7, 5])
    True
    """
    h = _span_step(_SPAN_SEED, ids[0])
    for i in ids[1:]:
        h = _span_step(h, i)
    return h


def _slot_key(h: int) -> int:
    return (h & ~3 & _MASK) or 4


def _table_find(table: np.ndarray, h: int) -> tuple[int, int]:
    """(flags, slot) of hash ``h`` in an open-addressing table; flags 0 when absent."""
    mask = len(table) - 1
    key = _slot_key(h)
    i = (h >> 20) & mask
    while True:
        s = int(table[i])
        if not s:
            return 0, i
        if s & ~3 == key:
            return s & 3, i
        i = (i + 1) & mask


def _multiply(x: int) -> int:
    """Feature hash 2's mix: one multiplication (``feature_mix`` in the compiled core)."""
    return (x * _GOLDEN) & _MASK


def _feature_hashes(mix: Callable[[int], int]) -> tuple[Callable[..., int], ...]:
    """The hashes of features of one, two and three arguments, the template number in the top
    bits, under one mix: mix64 (feature hash 1) or :func:`_multiply` (feature hash 2)."""

    def feat1(t: int, a: int) -> int:
        return mix(((t << 56) ^ a) & _MASK)

    def feat2(t: int, a: int, b: int) -> int:
        return mix(((t << 56) ^ (a << 28) ^ b) & _MASK)

    def feat3(t: int, a: int, b: int, c: int) -> int:
        return mix(feat2(t, a, b) ^ ((c * _GOLDEN) & _MASK))

    return feat1, feat2, feat3


_FEATURE_HASHES = {1: _feature_hashes(_mix64), 2: _feature_hashes(_multiply)}


def _checked_masks(masks_of: Callable[[str], str], chunk: str, units: int) -> str:
    """``masks_of(chunk)``, checked as the compiled core checks it."""
    masks = masks_of(chunk)
    if not isinstance(masks, str) or len(masks) != units or masks.strip(" 167"):
        raise ValueError(
            f"masks_of must give one of ' 167' for each of the {units} units of a chunk"
        )
    return masks


# Per boundary of a line: the longest word covering it, ending before it and starting after it,
# and the joins of forward and backward maximum matching (see PythonCore._span_matches).
SpanMatches = tuple[list[int], list[int], list[int], list[int], list[int]]


class PythonCore:
    """Same constructor and methods as the compiled ``_core.Core``, in plain Python (slow)."""

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
        unknown: tuple | None = None,  # how the compiled core codes units itself; here: fallback
    ) -> None:
        self._weights = weights
        self._shift = 64 - (len(weights).bit_length() - 1)
        self._lexicon = lexicon
        self._mined = mined
        self._featmap = featmap.tolist()
        self._user_keys = user_keys
        self._user_masks = user_masks
        self._surfaces = surfaces
        self._full_stop = surfaces.get(".", 0) >> 3 or -1
        self._slash = surfaces.get("/", 0) >> 3 or -1
        # Of two letters, only those that spell no Vietnamese syllable take the dot (Ng., tp.,
        # not the full stop of Hạ Vi.), as in the compiled core. The units of an id differ in
        # case only (vi, Vi, VI): the id is short by the units that qualify.
        self._short_units = {
            code >> 3
            for unit, code in surfaces.items()
            if unit.isalpha()
            and (len(unit) == 1 or (len(unit) == 2 and code & 7 not in _NOT_ABBREVIATIONS))
        } - {0}
        self._fallback = fallback
        self._templates = templates
        self._register_scores = [] if register_scores is None else register_scores.tolist()
        self._register_threshold = register_threshold
        self._register_templates = register_templates if self._register_scores else 0
        self._register_xor = _REGISTER_XOR >> self._shift
        if feature_hash not in _FEATURE_HASHES:
            raise ValueError(f"feature_hash {feature_hash}: this core knows 1 and 2")
        self._features = _FEATURE_HASHES[feature_hash]

    def joins_batch(self, batch: Sequence[Sequence[str]]) -> list[list[bool]]:
        return [self.joins(sentence) for sentence in batch]

    def segment_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        count: bool = False,
    ) -> Any:
        """Each line's whitespace-separated chunks split into units by ``split_chunk``, decided
        (a sentence start always starts a word), and written back: ``sep`` inside a word, one
        space between words. With ``count``:
        ``(lines, paragraphs, sentences, words, units)`` over the lines that have units."""
        return self._segment_lines(lines, sep, split_chunk, count, sentence_lines=False)

    def _segment_lines(
        self,
        lines: Sequence[str],
        sep: str,
        split_chunk: Callable[[str], Sequence[str]],
        count: bool,
        *,
        sentence_lines: bool,
        masks_of: Callable[[str], str] | None = None,
    ) -> Any:
        segmented = []
        paragraphs = sentences = words = total = 0
        for line in lines:
            units: list[str] = []
            masks: list[str] = []
            quotes: set[int] = set()
            for chunk in line.split():
                parts = split_chunk(chunk)
                quotes.update(glued_quotes(parts, len(units)))
                units.extend(parts)
                if masks_of is not None:
                    masks.append(_checked_masks(masks_of, chunk, len(parts)))
            spans = split_units(units, quotes)
            joins = break_at_sentences(self.joins(units), spans)
            if masks_of is not None:
                segmented.append(join_masked(units, "".join(masks), joins, spans, sep))
            elif sentence_lines:
                segmented.append(join_sentences(units, joins, spans, sep))
            else:
                segmented.append(join_units(units, joins, sep))
            if units:
                paragraphs += 1
                sentences += len(spans)
                words += len(units) - sum(joins[1:])
                total += len(units)
        return (segmented, paragraphs, sentences, words, total) if count else segmented

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
        """:meth:`segment_lines` (counted) written as UTF-8: see :func:`written_lines`. With
        ``sentence_lines``, a newline between sentences instead of a space; with ``masks_of``
        (a chunk -> the classes of its units, see :func:`join_masked`), the masked format.
        ``groups`` None: each item of ``lines`` is a whole text, cut into lines at ``"\\n"``."""
        if masks_of is not None and sentence_lines:
            raise ValueError("the masked format has no sentence lines")
        if groups is None:
            lines, groups = joined_lines(lines)
        segmented, *totals = self._segment_lines(
            lines, sep, split_chunk, True, sentence_lines=sentence_lines, masks_of=masks_of
        )
        return (written_lines(segmented, groups, end), *totals)

    def code(self, unit: str) -> int:
        """The unit's vocabulary id << 3 | its shape."""
        code = self._surfaces.get(unit)
        if code is None:
            if not isinstance(unit, str):  # as the compiled core says it
                raise TypeError(f"syllables must be str, not {type(unit).__name__}")
            code = self._fallback(unit)
        return code

    def joins(self, syllables: Sequence[str]) -> list[bool]:
        ids, fids, shapes = [], [], []
        for unit in syllables:
            code = self.code(unit)
            syllable_id, shape = code >> 3, code & 7
            fid = self._featmap[syllable_id] if syllable_id < len(self._featmap) else -1
            ids.append(syllable_id)
            shapes.append(shape)
            fids.append(shape if fid < 0 else fid)
        return [bool(x) for x in self._decode(ids, fids, shapes)]

    def _formal(self, ids: list[int]) -> bool:
        """Whether a line is in the formal register (``line_register`` in the compiled core)."""
        if not self._register_templates or not ids:
            return False
        scores = self._register_scores
        total = sum(scores[i] for i in ids if i < len(scores))
        return total * 100 >= self._register_threshold * len(ids)

    def _lexicon_get(self, h: int) -> int:
        return _table_find(self._lexicon, h)[0] if len(self._lexicon) > 1 else 0

    @staticmethod
    def _span_matches(table: np.ndarray, ids: list[int]) -> SpanMatches:
        """Per boundary: longest word covering it, ending before it, starting after it, and the
        joins of forward and backward maximum matching."""
        n = len(ids)
        cover = [0] * n
        longest_from = [1] * n
        longest_to = [1] * n
        fmm = [0] * n
        bmm = [0] * n
        if len(table) > 1:
            for a in range(n - 1):
                if not ids[a]:
                    continue
                h = _span_step(_SPAN_SEED, ids[a])
                for length in range(2, min(n - a, _MAX_SPAN) + 1):
                    syllable_id = ids[a + length - 1]
                    if not syllable_id:
                        break
                    h = _span_step(h, syllable_id)
                    flags = _table_find(table, h)[0]
                    if not flags:
                        break
                    if flags & _LEX_WORD:
                        longest_from[a] = length
                        end = a + length - 1
                        longest_to[end] = max(longest_to[end], length)
                        c = min(length, _CAP_SPAN)
                        for b in range(a + 1, a + length):
                            cover[b] = max(cover[b], c)
            a = 0
            while a < n:
                for b in range(a + 1, a + longest_from[a]):
                    fmm[b] = 1
                a += longest_from[a]
            e = n - 1
            while e >= 0:
                for b in range(e - longest_to[e] + 2, e + 1):
                    bmm[b] = 1
                e -= longest_to[e]
        end_left = [0] + [min(longest_to[i - 1], _CAP_SPAN) for i in range(1, n)]
        start_right = [0] + [min(longest_from[i], _CAP_SPAN) for i in range(1, n)]
        return cover, end_left, start_right, fmm, bmm

    def _mark_splits(self, ids: list[int], shapes: list[int], i: int) -> bool:
        """Whether a mark keeps units ``i - 1`` and ``i`` apart: nothing joins a mark before it,
        nor a mark the unit before it but a dot after one letter, or two that spell no syllable,
        that do not follow a slash (see the compiled core)."""
        if shapes[i - 1] == SHAPE_PUNCT:
            return True
        if shapes[i] != SHAPE_PUNCT:
            return False
        abbreviation_dot = (
            ids[i] == self._full_stop
            and ids[i - 1] in self._short_units
            and shapes[i - 1] != SHAPE_UPPER
            and not (i >= 2 and ids[i - 2] == self._slash)
        )
        return not abbreviation_dot

    def _forced(self, ids: list[int], shapes: list[int]) -> list[int]:
        n = len(ids)
        forced = [0] + [2 if self._mark_splits(ids, shapes, i) else 0 for i in range(1, n)]
        if len(self._user_keys) <= 1:
            return forced
        a = 0
        while a + 1 < n:
            h = _span_step(_SPAN_SEED, ids[a])
            best, best_mask = 0, 0
            for length in range(2, min(n - a, 31) + 1):
                if not ids[a + length - 1]:
                    break
                h = _span_step(h, ids[a + length - 1])
                flags, slot = _table_find(self._user_keys, h)
                if not flags:
                    break
                if int(self._user_masks[slot]) & _PHRASE_END:
                    best, best_mask = length, int(self._user_masks[slot])
            if not best:
                a += 1
                continue
            for j in range(best - 1):
                forced[a + j + 1] = 1 if (best_mask >> j) & 1 else 2
            a += best
        return forced

    def _lexicon_features(
        self, ids: list[int], shapes: list[int]
    ) -> tuple[
        list[int], list[int], list[int], list[int], list[int], list[int], list[int], SpanMatches
    ]:
        """:meth:`_span_matches` of the lexicon, then the length of the run of capitalized units
        each unit is in and its place in it (both at most 6), then the mined lexicon's matches."""
        n = len(ids)
        cover, end_left, start_right, fmm, bmm = self._span_matches(self._lexicon, ids)
        mined = self._span_matches(self._mined, ids)
        run_len = [0] * n
        run_pos = [0] * n
        a = 0
        while a < n:
            if shapes[a] not in _CAPITALIZED:
                a += 1
                continue
            e = a
            while e < n and shapes[e] in _CAPITALIZED:
                e += 1
            for k in range(a, e):
                run_len[k] = min(e - a, 6)
                run_pos[k] = min(k - a, 6)
            a = e
        return cover, end_left, start_right, fmm, bmm, run_len, run_pos, mined

    def _decode(self, ids: list[int], fids: list[int], shapes: list[int]) -> list[int]:
        n = len(ids)
        if not n:
            return []
        cover, end_left, start_right, fmm, bmm, run_len, run_pos, mined = self._lexicon_features(
            ids, shapes
        )
        m_cover, m_end_left, m_start_right, m_fmm, m_bmm = mined
        forced = self._forced(ids, shapes)
        labels = [0] * n
        word_start = 0
        word_flags = 0
        word_hash = _span_step(_SPAN_SEED, ids[0])
        used = self._templates
        feat1, feat2, feat3 = self._features
        copies = self._register_templates if self._formal(ids) else 0
        xor = self._register_xor
        weights = self._weights
        for i in range(1, n):
            prev_label = 2 if i == 1 else labels[i - 1]
            word_len = min(i - word_start, 5)
            extended = _span_step(word_hash, ids[i])
            extension = self._lexicon_get(extended) if ids[i] and ids[word_start] else 0
            fm2 = fids[i - 2] if i >= 2 else _FID_BOS
            fm1, f0 = fids[i - 1], fids[i]
            fp1 = fids[i + 1] if i + 1 < n else _FID_EOS
            fp2 = fids[i + 2] if i + 2 < n else _FID_EOS
            cm2 = shapes[i - 2] if i >= 2 else _SHAPE_PAD
            cm1, c0 = shapes[i - 1], shapes[i]
            cp1 = shapes[i + 1] if i + 1 < n else _SHAPE_PAD
            lex = cover[i] << 8 | end_left[i] << 4 | start_right[i]
            mm = fmm[i] << 1 | bmm[i]
            candidates: list[tuple[int, int]] = [
                (0, feat1(0, 0)),
                (1, feat1(1, fm1)),
                (2, feat1(2, f0)),
                (3, feat1(3, fm2)),
                (4, feat1(4, fp1)),
                (5, feat2(5, fm1, f0)),
                (6, feat2(6, fm2, fm1)),
                (7, feat2(7, f0, fp1)),
                (8, feat3(8, fm2, fm1, f0)),
                (9, feat3(9, fm1, f0, fp1)),
                (10, feat2(10, fm1, fp1)),
                (11, feat1(11, cm2 << 12 | cm1 << 8 | c0 << 4 | cp1)),
                (12, feat1(12, cm1 << 8 | c0 << 4 | int(i == 1))),
                (13, feat1(13, lex)),
                (14, feat1(14, cover[i])),
                (15, feat1(15, mm)),
                (16, feat1(16, prev_label << 4 | word_len)),
                (17, feat1(17, extension << 4 | word_len)),
                (18, feat1(18, extension << 8 | cover[i] << 4 | mm)),
            ]
            if run_len[i - 1] and run_len[i] and run_pos[i] > run_pos[i - 1]:
                run = run_len[i] << 4 | run_pos[i]
                candidates.append((19, feat1(19, run)))
                candidates.append((20, feat2(20, run, lex)))
            candidates += [
                (21, feat3(21, prev_label, fm1, f0)),
                (22, feat2(22, fp1, fp2)),
                (23, feat1(23, fp2)),
                (24, feat3(24, lex, fm1, f0)),
                (25, feat2(25, extension << 4 | word_len, f0)),
                (26, feat2(26, lex, cm1 << 4 | c0)),
            ]
            mined_lex = m_cover[i] << 8 | m_end_left[i] << 4 | m_start_right[i]
            mined_mm = m_fmm[i] << 1 | m_bmm[i]
            candidates += [
                (27, feat1(27, mined_lex)),
                (28, feat1(28, mined_mm << 4 | mm)),
                (29, feat1(29, cover[i] << 4 | m_cover[i])),
                (30, feat1(30, word_flags << 8 | extension << 4 | word_len)),
                (31, feat2(31, m_cover[i], cm1 << 4 | c0)),
            ]
            if forced[i]:
                label = int(forced[i] == 1)
            else:
                score = np.float32(0.0)
                for t, h in candidates:
                    if used >> t & 1:
                        score += weights[h >> self._shift]
                        # the feature's copy for the formal register, right after it
                        if copies >> t & 1:
                            score += weights[(h >> self._shift) ^ xor]
                label = int(score > 0)
            labels[i] = label
            if label:
                word_hash = extended
                word_flags = extension
            else:
                word_start = i
                word_flags = 0
                word_hash = _span_step(_SPAN_SEED, ids[i])
        return labels


def insert_spans_python(table: np.ndarray, ids: np.ndarray, lengths: np.ndarray) -> None:
    """Add spans (and their prefixes of two or more syllables) to a table, like ``insert_spans``."""
    pos = 0
    for length in lengths.tolist():
        span = ids[pos : pos + length].tolist()
        pos += length
        h = _span_step(_SPAN_SEED, span[0]) if span else 0
        for k in range(1, length):
            h = _span_step(h, span[k])
            flag = _LEX_WORD if k + 1 == length else 2
            old, slot = _table_find(table, h)
            if 2 * (int(np.count_nonzero(table)) + 1) > len(table) and not old:
                raise ValueError("table more than half full")
            table[slot] = _slot_key(h) | old | flag


def find_slot_python(table: np.ndarray, ids: np.ndarray) -> int:
    """Slot of a span's hash in a table, like ``find_slot``."""
    return _table_find(table, span_hash(ids.tolist()))[1]
