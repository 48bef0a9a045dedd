"""Words: syllable units -> words, by the word model behind :class:`Segmenter`.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> segmenter = Segmenter(LongestMatchModel(["hà nội", "thủ đô"]))
>>> segmenter.segment("Hà Nội là thủ đô.")
'Hà_Nội là thủ_đô .'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Literal

from tachtu.model import WordModel, load_model
from tachtu.model.features import (
    join_masked,
    join_sentences,
    join_units,
    joined_lines,
    written_lines,
)
from tachtu.normalize import (
    ToneStyle,
    check_tone_style,
    clean_characters,
    normalize,
    place_tone,
    place_tones,
)
from tachtu.sentences import break_at_sentences, sentence_spans, split_units
from tachtu.syllables import (
    ABBREVIATIONS_WITH_A_DOT,
    PLAIN_NUMBER,
    Syllable,
    SyllableKind,
    chunk_units,
    split_syllable_runs,
    split_syllables,
    word_form,
)

__all__ = ["LinePer", "Segmenter", "TextCounts", "Word"]

# What one line of segmented output holds: a paragraph (the input's lines kept) or a sentence.
LinePer = Literal["paragraph", "sentence"]


@dataclass(frozen=True, slots=True)
class Word:
    """One word: its syllable units and where it stands in the (normalized) text."""

    syllables: tuple[str, ...]
    start: int
    end: int
    kind: SyllableKind

    def form(self, sep: str = "_") -> str:
        """The word as corpus text: ``Hà_Nội``, ``Ng.`` (see :func:`~tachtu.syllables.word_form`)."""
        return word_form(self.syllables, sep)


@dataclass(frozen=True, slots=True)
class TextCounts:
    """What one text holds: its lines with units (paragraphs), sentences, words and units."""

    paragraphs: int = 0
    sentences: int = 0
    words: int = 0
    syllables: int = 0


class Segmenter:
    """A loaded word model and the text handling around it.

    Load it once per process and reuse it: it holds no per-call state, so one instance serves
    threads, and it pickles as its model.
    """

    def __init__(self, model: WordModel, *, tone_style: ToneStyle = "keep") -> None:
        self.model = model
        self.tone_style: ToneStyle = check_tone_style(tone_style)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        # shadows the builtin: the documented name
        dict: str | os.PathLike[str] | Iterable[str] | None = None,
        tone_style: ToneStyle = "keep",
    ) -> Segmenter:
        """The shipped model, or the model file at ``path``.

        ``dict`` is a user dictionary: a file, or lines, of segmented phrases whose inner
        boundaries are forced (``Hà_Nội`` joins, ``phạt trực_tiếp`` splits before ``trực``).
        """
        if isinstance(dict, str | os.PathLike):
            dict = Path(dict).read_text(encoding="utf-8").splitlines()
        return cls(load_model(path, user_dictionary=dict or ()), tone_style=tone_style)

    def __call__(self, text: str) -> list[Word]:
        """The words of ``text``, those of :func:`~tachtu.document.read_document` (no word
        crosses a line break or a sentence start); offsets index ``normalize(text)`` (the text
        itself when clean)."""
        from tachtu.document import paragraph_spans  # it builds on this module

        clean = normalize(text, tone_style=self.tone_style)
        return [
            Word(*word)
            for _, _, sentences in paragraph_spans(clean, self)
            for _, _, words in sentences
            for word in words
        ]

    def words(self, units: Sequence[Syllable]) -> list[Word]:
        """Group already-tokenized units of one paragraph into words; a sentence start always
        starts a word, as in a document."""
        joins = self.model.joins([u.text for u in units])
        words: list[Word] = []
        for start, end in sentence_spans(units):
            words += self.group(units[start:end], [False, *joins[start + 1 : end]])
        return words

    @staticmethod
    def group(units: Sequence[Syllable], joins: Sequence[bool]) -> list[Word]:
        """Words from units and the model's join flags for them."""
        words: list[Word] = []
        first = 0
        for i in range(1, len(units) + 1):
            if i == len(units) or not joins[i]:
                run = units[first:i]
                words.append(
                    Word(tuple(u.text for u in run), run[0].start, run[-1].end, run[0].kind)
                )
                first = i
        return words

    def segment(self, text: str, *, sep: str = "_") -> str:
        """Segmented text: words joined by ``sep`` inside, one space between; lines kept."""
        _check_line_sep(sep)
        return "\n".join(self._segment_lines(clean_characters(text).split("\n"), sep))

    def segment_sentences(self, text: str, *, sep: str = "_") -> list[str]:
        """Each sentence of ``text`` segmented, a string each, in order: the input of
        PhoBERT-style models, as VnCoreNLP's ``word_segment`` gives it. Paragraphs and lines
        are not kept (:meth:`segment` keeps them).

        >>> from tachtu.model.lexicon import LongestMatchModel
        >>> segmenter = Segmenter(LongestMatchModel(["hà nội"]))
        >>> segmenter.segment_sentences("Hà Nội mưa. Gió to.\\n\\nNắng.")
        ['Hà_Nội mưa .', 'Gió to .', 'Nắng .']
        """
        data, _ = self.segment_encoded([text], sep=sep, line_per="sentence")
        # every sentence line ends in a newline, and no line is blank
        return data.decode("utf-8").split("\n")[:-1]

    def segment_counted(self, text: str, *, sep: str = "_") -> tuple[list[str], TextCounts]:
        """The lines of :meth:`segment`, and what the text holds.

        The counts are those of :func:`tachtu.document.read_document` when ``sep`` holds no
        whitespace (a test holds this).

        >>> from tachtu.model.lexicon import LongestMatchModel
        >>> Segmenter(LongestMatchModel(["hà nội"])).segment_counted("Hà Nội mưa. Gió to.\\n")
        (['Hà_Nội mưa . Gió to .', ''], TextCounts(paragraphs=1, sentences=2, words=6, syllables=7))
        """
        lines, counts = self.segment_counted_batch([text], sep=sep)
        return lines[0], counts

    def segment_counted_batch(
        self, texts: Sequence[str], *, sep: str = "_"
    ) -> tuple[list[list[str]], TextCounts]:
        """:meth:`segment_counted` for many texts, run through the model as one batch: the lines
        of each text, and what the texts hold together.
        """
        _check_line_sep(sep)
        lines, groups = _batch_lines(texts)
        segmented, counts = self._segment_counted_lines(lines, sep)
        return _per_text(segmented, groups), counts

    def _segment_counted_lines(self, lines: list[str], sep: str) -> tuple[list[str], TextCounts]:
        """Cleaned lines segmented, and what they hold. The compiled model counts as it
        segments; otherwise the units and sentences are found again."""
        segment_lines = getattr(self.model, "segment_lines", None)
        if segment_lines is not None:
            segmented, *totals = segment_lines(lines, sep, _split_chunk(self.tone_style), True)
            return segmented, TextCounts(*totals)
        segmented = self._segment_lines(lines, sep)
        return segmented, _counts(lines, segmented)

    def segment_encoded(
        self,
        texts: Sequence[str],
        *,
        sep: str = "_",
        end: str = "",
        line_per: LinePer = "paragraph",
        masks_of: Callable[[str], str] | None = None,
    ) -> tuple[bytes, TextCounts]:
        """The texts segmented as UTF-8 corpus text, and what they hold together: each line that
        has units, followed by a newline, and ``end`` after each text. ``line_per="sentence"``
        writes each sentence on a line of its own instead (a newline where a space would
        separate two sentences), as language-model corpora are laid out. ``masks_of`` (a chunk
        -> the masked class of each of its units) writes the masked format instead
        (:func:`tachtu.formats.masked_encoded`).

        The same bytes as :meth:`segment_counted_batch`'s lines joined and encoded (a test holds
        this); the compiled model writes them itself, without a str of each line in between.

        >>> from tachtu.model.lexicon import LongestMatchModel
        >>> segmenter = Segmenter(LongestMatchModel(["hà nội"]))
        >>> data, counts = segmenter.segment_encoded(["Hà Nội mưa.\\n\\nGió to.", "Nắng."], end="\\n")
        >>> data.decode()
        'Hà_Nội mưa .\\nGió to .\\n\\nNắng .\\n\\n'
        >>> counts
        TextCounts(paragraphs=3, sentences=3, words=8, syllables=9)
        >>> segmenter.segment_encoded(["Hà Nội mưa. Gió to."], line_per="sentence")[0].decode()
        'Hà_Nội mưa .\\nGió to .\\n'
        """
        _check_line_sep(sep)
        if line_per not in ("paragraph", "sentence"):
            raise ValueError(f"line_per is 'paragraph' or 'sentence', not {line_per!r}")
        by_sentence = line_per == "sentence"
        if masks_of is not None and by_sentence:
            raise ValueError("the masked format has no sentence lines")
        if not texts:
            return b"", TextCounts()
        closing = end.encode("utf-8")
        write_lines = getattr(self.model, "write_lines", None)
        if write_lines is None:
            lines, groups = _batch_lines(texts)
            if masks_of is not None:
                segmented, counts = self._masked_lines(lines, sep, masks_of)
            elif by_sentence:
                segmented = self._segment_sentence_lines(lines, sep)
                counts = _counts(lines, segmented)
            else:
                segmented, counts = self._segment_counted_lines(lines, sep)
            return written_lines(segmented, groups, closing), counts
        # Whole texts: the model cuts them into lines itself, without a str for each line.
        cleaned = [clean_characters(text) for text in texts]
        split = _split_chunk(self.tone_style)
        data, *totals = write_lines(cleaned, sep, split, None, closing, by_sentence, masks_of)
        return data, TextCounts(*totals)

    def paragraphs_json(self, text: str, *, sep: str = "_") -> tuple[bytes, TextCounts] | None:
        """The paragraphs of normalized ``text`` as the ``jsonl`` format writes them (each
        object with its sentences, words and offsets, joined by ``", "``) in UTF-8, and what
        the text holds, written by a model that does it itself; ``None`` for other models.

        >>> data, counts = Segmenter.load().paragraphs_json("Hà Nội mưa.")
        >>> data.decode()
        '{"start": 0, "end": 11, "sentences": [{"start": 0, "end": 11, "words": [{"form": "Hà_Nội", "start": 0, "end": 6, "kind": "vietnamese"}, {"form": "mưa", "start": 7, "end": 10, "kind": "vietnamese"}, {"form": ".", "start": 10, "end": 11, "kind": "punctuation"}]}]}'
        >>> counts
        TextCounts(paragraphs=1, sentences=1, words=3, syllables=4)
        """
        paragraphs_json = getattr(self.model, "paragraphs_json", None)
        if paragraphs_json is None:
            return None
        split = _split_chunk(self.tone_style)
        written = paragraphs_json(
            text, sep, split, unit_codes(self.tone_style, _KIND_CODES), _KIND_NAMES
        )
        if written is None:
            return None
        data, *totals = written
        return data, TextCounts(*totals)

    def paragraphs_conllu(self, text: str, *, id: str = "") -> tuple[bytes, TextCounts] | None:
        """The sentences of normalized ``text`` as the ``conllu`` format writes them, in UTF-8,
        and what the text holds, written by a model that does it itself; ``None`` for other
        models.

        >>> data, counts = Segmenter.load().paragraphs_conllu("Hà Nội mưa.", id="d")
        >>> print(data.decode().replace(chr(9), " | "), end="")  # tabs between the columns
        # newpar
        # sent_id = d-1-1
        # text = Hà Nội mưa.
        1 | Hà Nội | _ | _ | _ | _ | _ | _ | _ | _
        2 | mưa | _ | _ | _ | _ | _ | _ | _ | SpaceAfter=No
        3 | . | _ | _ | _ | _ | _ | _ | _ | _
        <BLANKLINE>
        """
        paragraphs_conllu = getattr(self.model, "paragraphs_conllu", None)
        if paragraphs_conllu is None:
            return None
        written = paragraphs_conllu(text, id, _split_chunk(self.tone_style))
        if written is None:
            return None
        data, *totals = written
        return data, TextCounts(*totals)

    def segment_batch(self, texts: Iterable[str], *, sep: str = "_") -> list[str]:
        """:meth:`segment` for many texts, run through the model as one batch."""
        if isinstance(texts, str | bytes):  # else each character would be a text
            raise TypeError("segment_batch takes an iterable of texts, not one text: see segment()")
        _check_line_sep(sep)
        cleaned = [clean_characters(text) for text in texts]
        if not any("\n" in text for text in cleaned):  # one line each: nothing to regroup
            return self._segment_lines(cleaned, sep)
        lines, groups = joined_lines(cleaned)
        return ["\n".join(text) for text in _per_text(self._segment_lines(lines, sep), groups)]

    def _segment_lines(self, lines: list[str], sep: str) -> list[str]:
        """Segmented lines from lines that :func:`clean_characters` has cleaned.

        Tone placement, the last step of :func:`normalize`, happens here, chunk by chunk: a
        model that segments raw lines in one call (the perceptron, compiled) then splits and
        places each distinct whitespace-separated chunk once, not every time it recurs.
        """
        segment_lines = getattr(self.model, "segment_lines", None)
        if segment_lines is not None:
            return segment_lines(lines, sep, _split_chunk(self.tone_style))
        return [join_units(units, joins, sep) for units, joins, _ in self._decided(lines)]

    def _segment_sentence_lines(self, lines: list[str], sep: str) -> list[str]:
        """:meth:`_segment_lines` with a newline between sentences, for a model that has no
        ``write_lines`` of its own."""
        return [join_sentences(u, joins, spans, sep) for u, joins, spans in self._decided(lines)]

    def _masked_lines(
        self, lines: list[str], sep: str, masks_of: Callable[[str], str]
    ) -> tuple[list[str], TextCounts]:
        """Cleaned lines in the masked format, and what they hold, through any model."""
        segmented = []
        paragraphs = sentences = words = syllables = 0
        for line, (units, joins, spans) in zip(lines, self._decided(lines), strict=True):
            # units never cross whitespace: the line's are its chunks' units, in order
            masks = "".join(masks_of(chunk) for chunk in line.split())
            if len(masks) != len(units) or masks.strip(" 167"):
                raise ValueError(
                    f"masks_of must give one of ' 167' for each unit: {len(masks)} classes "
                    f"for the {len(units)} units of a line"
                )
            segmented.append(join_masked(units, masks, joins, spans, sep))
            if units:
                paragraphs += 1
                sentences += len(spans)
                words += len(units) - sum(joins[1:])
                syllables += len(units)
        return segmented, TextCounts(paragraphs, sentences, words, syllables)

    def _decided(
        self, lines: list[str]
    ) -> Iterator[tuple[list[str], list[bool], list[tuple[int, int]]]]:
        """Each cleaned line's units, their join flags and its sentences, through any model."""
        runs = [split_syllable_runs(place_tones(line, self.tone_style)) for line in lines]
        flags = self.model.joins_batch([units for units, _ in runs])
        for (units, glued_quotes), joins in zip(runs, flags, strict=True):
            spans = split_units(units, glued_quotes)
            yield units, break_at_sentences(joins, spans), spans


def holds_line_break(sep: str) -> bool:
    """Whether ``sep`` holds a character that ends a line (``\\n``, ``\\r``, U+2028, …).

    >>> holds_line_break("_"), holds_line_break("\\u2028")
    (False, True)
    """
    return ("x" + sep).splitlines() != ["x" + sep]


def _check_line_sep(sep: str) -> None:
    # Lines out are lines in (and sentence lines are told apart by line breaks), so a word may
    # not be cut over two lines; the jsonl format, which escapes a line break, does not come here.
    if holds_line_break(sep):
        raise ValueError(f"sep may not hold a line break: {sep!r} would cut a word over two lines")


def _batch_lines(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """The cleaned lines of many texts in one list, for one call into the model, and how many
    lines each text has."""
    return joined_lines([clean_characters(text) for text in texts])


def _per_text(lines: list[str], groups: Sequence[int]) -> list[list[str]]:
    """``lines`` cut back into the texts they came from, ``groups[i]`` lines for text ``i``."""
    per_text = []
    first = 0
    for count in groups:
        per_text.append(lines[first : first + count])
        first += count
    return per_text


def _counts(lines: Sequence[str], segmented: Sequence[str]) -> TextCounts:
    """What cleaned ``lines`` hold, ``segmented`` being their segmented lines (sep without
    whitespace): the units and sentences are found again."""
    paragraphs = sentences = syllables = 0
    for line in lines:
        # The units of the line as segmented, tone marks placed: placing one can join units (a
        # mark that NFC left beside a consonant, "H\u0300ô", is a unit of its own until it is
        # moved onto the vowel, "Hồ"). Where a style puts the mark does not change the units.
        units, glued_quotes = split_syllable_runs(place_tones(line))
        if units:
            paragraphs += 1
            syllables += len(units)
            sentences += len(split_units(units, glued_quotes))
    # one more word after each space, and after each newline between two sentences
    words = sum(line.count(" ") + line.count("\n") + 1 for line in segmented if line)
    return TextCounts(paragraphs, sentences, words, syllables)


@cache
def _split_chunk(style: ToneStyle) -> Callable[[str], list[str]]:
    # One callable per style for the life of the process: the compiled core remembers the units
    # of each chunk per callable, so a new one each call would start from nothing every time.
    split = partial(_chunk_units, style)
    # What the compiled core needs to split the commonest chunks the way _chunk_units does,
    # without a call into Python for each new one (a test holds the two to the same units), and
    # the regexes for the others, which the core has found to be of no quick kind.
    split.quick = (  # type: ignore[attr-defined]
        place_tone,
        style,
        _DOTTED_WORDS,
        "".join(sorted(_LEADING_MARKS)),
        "".join(sorted(_TRAILING_MARKS)),
        partial(_regex_units, style),
    )
    return split


# Marks that stand as units of their own before or after a word of letters (“Nội, (Hà, Nội”),
# whatever the word: checked against the regexes on every distinct chunk of the news set.
# Not "-" or "#" and "@" (handles). A "." after the word is one too, and so are dots, unless
# the word and its dot are one unit: an abbreviation (TP., v.v.), an initial (A.), "www.".
_LEADING_MARKS = frozenset("“\"('‘[")
_TRAILING_MARKS = frozenset(",:;)]”\"'’?!….")
# The units of the marks after the word: a run of dots is one (an ellipsis written "..."), any
# other mark its own.
_CLOSING_MARK_UNITS = re.compile(r"\.+|.")
# Words that make one unit with a "." after them, and so are left to the regexes.
_DOTTED_WORDS = ABBREVIATIONS_WITH_A_DOT | {"www"}


# The kinds as the compiled model's structured writer names them: kind k is chr(ord("a") + k).
_KIND_NAMES = tuple(kind.value for kind in SyllableKind)
_KIND_CODES = tuple(chr(ord("a") + k) for k in range(len(SyllableKind)))


@cache
def unit_codes(style: ToneStyle, codes: tuple[str, ...]) -> Callable[[str], str]:
    """``chunk -> one character a unit of it``: ``codes[k]`` for a unit of the k-th
    :class:`SyllableKind`. What the compiled model asks of the chunks it does not split itself,
    for their kinds (``_KIND_CODES``) or their masked classes (:mod:`tachtu.formats`)."""
    return partial(_chunk_codes, style, dict(zip(SyllableKind, codes, strict=True)))


def _chunk_codes(style: ToneStyle, code_of: dict[SyllableKind, str], chunk: str) -> str:
    return "".join([code_of[kind] for kind in chunk_units(chunk, style)[1]])


def _chunk_units(style: ToneStyle, chunk: str) -> list[str]:
    """The units of one whitespace-free chunk of cleaned text, tone marks placed."""
    # Letters only, a plain number or ASCII letters and digits, with a mark before and marks
    # after (the commonest chunks): one letter run for tone placement and the units the regexes
    # of place_tones and split_syllables would find, at a fraction of their cost (tests hold
    # the two ways to the same units).
    start = 1 if chunk[0] in _LEADING_MARKS else 0
    end = len(chunk)
    while end > start and chunk[end - 1] in _TRAILING_MARKS:
        end -= 1
    word = chunk[start:end]
    if word and (chunk[end : end + 1] != "." or (len(word) > 1 and word not in _DOTTED_WORDS)):
        if word.isalpha():
            placed = place_tone(word, style)
            if placed.isalpha():
                return [*chunk[:start], placed, *_trailing_units(chunk, end)]
        elif PLAIN_NUMBER.fullmatch(word) or (word.isascii() and word.isalnum()):
            # a number, or ASCII letters and digits (VTV1, U23, 250m): no tone mark to place
            return [*chunk[:start], word, *_trailing_units(chunk, end)]
    return _regex_units(style, chunk)


def _regex_units(style: ToneStyle, chunk: str) -> list[str]:
    """The units of one chunk by the regexes, which :func:`_chunk_units` stands for."""
    return split_syllables(place_tones(chunk, style))


def _trailing_units(chunk: str, end: int) -> list[str]:
    """The units of the marks that close ``chunk`` from ``end``."""
    return _CLOSING_MARK_UNITS.findall(chunk, end)
