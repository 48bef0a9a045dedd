"""Syllables: normalized text -> the units a segmenter joins into words, with character offsets.

A unit is a Vietnamese syllable (tiếng), a foreign word, a number (``1.000``, ``3,5``, ``50%``,
``1/8/2014``, ``10:30``, and the numbers of documents and vehicles: ``67/2014/NĐ-CP``,
``29A-123.45``), a URL (or a site by its name: ``Zing.vn``), an e-mail address, a hashtag or
mention, an abbreviation (``TP.HCM``, ``v.v.``, ``PGS.TS``, ``GD&ĐT``), or one punctuation
mark, bracket, quote or symbol (``...`` and ``…`` are one unit). Units never contain or cross
whitespace, so deleting the spaces between them gives back the text.

Every quantifier that could run away on a long line without whitespace is either bounded or
consumes what it scanned, so tokenizing is linear in the length of the text.

>>> split_syllables("TP.HCM có 1.000 người, tăng 50%...")
['TP.HCM', 'có', '1.000', 'người', ',', 'tăng', '50%', '...']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from tachtu.normalize import EMOJI, KEYCAP, ToneStyle, is_vietnamese_syllable, place_tones

__all__ = [
    "ABBREVIATIONS_WITH_A_DOT",
    "PLAIN_NUMBER",
    "ChunkUnits",
    "Syllable",
    "SyllableKind",
    "chunk_units",
    "glued_quotes",
    "is_mark",
    "iter_syllables",
    "split_syllable_runs",
    "split_syllables",
    "syllables",
    "word_form",
]


class SyllableKind(StrEnum):
    VIETNAMESE = "vietnamese"
    FOREIGN = "foreign"  # letters that are no Vietnamese syllable, and letter-digit mixes (H5N1)
    NUMBER = "number"
    URL = "url"
    EMAIL = "email"
    HANDLE = "handle"  # hashtag or mention
    ABBREVIATION = "abbreviation"
    PUNCTUATION = "punctuation"
    BRACKET = "bracket"
    QUOTE = "quote"
    SYMBOL = "symbol"


@dataclass(frozen=True, slots=True)
class Syllable:
    """One unit of text; ``start``/``end`` index the text it was read from."""

    text: str
    start: int
    end: int
    kind: SyllableKind


_LETTER = r"[^\W\d_]"
_ALNUM = r"[^\W_]"


def _combining_marks() -> str:
    """A character class of the combining marks (categories Mn, Mc and Me) of the Basic
    Multilingual Plane, less the variation selectors, which belong to an emoji (see EMOJI).

    Python's regular expressions have no class for them, and ``\\w`` leaves them out. The blocks
    of CJK ideographs, Hangul syllables, surrogates and private use hold none and are skipped:
    about 2 ms at import.
    """
    windows = ((0x300, 0x3400), (0xA000, 0xAC00), (0xF900, 0xFE00), (0xFE10, 0x10000))
    category = unicodedata.category
    marks = [c for a, b in windows for c in range(a, b) if category(chr(c))[0] == "M"]
    ranges: list[list[int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]"


# The marks stay on the letter before them. Most text has none after NFC; where one is left
# (a Vietnamese mark typed twice over a letter, "đôí̀", a stress mark, "Москва́", the vowel
# signs of Thai and Devanagari, "ที่", "हिन्दी"), it was a unit of its own that cut the word
# apart, and the text put back from the units carried the mark on a space.
_MARKS = _combining_marks()
# Letters (or letters and digits) and their marks; possessive, so linear however long.
_MARKED_LETTERS = rf"(?:{_LETTER}++{_MARKS}*+)++"
_MARKED_ALNUM = rf"(?:{_ALNUM}++{_MARKS}*+)++"
# Abbreviations that end in a dot, written before a name or number: "TP. HCM", "PGS. Nguyễn".
_KNOWN_ABBREVIATIONS = [
    "TP",
    "Tp",
    "TX",
    "TT",
    "Th",
    "ThS",
    "TS",
    "GS",
    "PGS",
    "BS",
    "KS",
    "CN",
    "Ph",
    "Kh",
    "Ch",
    "Tr",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "St",
    "Jr",
    "Sr",
    "Co",
    "Ltd",
    "Inc",
    "No",
    "vs",
    "etc",
    "tr",
    "sp",
]
# The abbreviations that make one unit with the dot after them ("TP.", "Mr."): the segmenter's
# quick split of a chunk leaves them to the regexes, as it does single letters (initials) and
# "www.".
ABBREVIATIONS_WITH_A_DOT = frozenset(_KNOWN_ABBREVIATIONS)

# A number that is one unit whatever follows it but letters: 2017, 71,527, 1.179, 16,8%. At most
# 21 groups, so that a number followed by a letter is not read again from each of its groups
# ("1,1,1,…,1a" took time quadratic in its length).
_PLAIN_NUMBER = r"\d+(?:[.,]\d+){0,20}%?"
PLAIN_NUMBER = re.compile(_PLAIN_NUMBER)

# Order matters: the first alternative that matches at a position wins.
_PARTS: list[tuple[SyllableKind, str]] = [
    # Before numbers, which would take the digit of 1️⃣ and leave its marks as units of their own.
    (SyllableKind.SYMBOL, KEYCAP),
    (
        SyllableKind.URL,
        r"""(?:https?://|www\.)[^\s<>"“”]*[^\s<>"“”.,;:!?'’)\]}]"""
        # A site by its name alone (Zing.vn, dantri.com.vn, VOV.VN), as the gold writes it.
        # Atomic, and bounded in labels and their lengths: linear on long lines.
        r"|(?>[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,4}"
        r"\.(?i:vn|com|net|org|gov|edu|info|biz|tv|asia)(?![\w@-]|\.\w))",
    ),
    (SyllableKind.EMAIL, r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"),
    (SyllableKind.HANDLE, rf"(?<!\w)[#@]{_LETTER}\w{{0,99}}"),
    (
        SyllableKind.ABBREVIATION,
        # "etc." with its dot, or with an ellipsis for the dot, as the gold writes "v.v…": read
        # the common way, that came out as "v_. v …".
        r"v\.v(?:\.(?:\.\.)?|…)"
        rf"|(?:[A-ZĐ]\.){{2,6}}(?!{_LETTER})"  # initials: N.V., U.S.A.
        rf"|(?:[A-ZĐ]{{1,4}}|Tp|Th|Ph|Kh|Ch|Tr|Gs|Ts|Pgs|Ths|ThS)"
        rf"(?:\.{_LETTER}{{1,12}}){{1,5}}(?!\w)"  # dotted: TP.HCM, PGS.TS, N.ẨN, C.C.Chen
        # A team by its age (U.23, U.19) is one unit, as U23 is: read as the abbreviation U.
        # and a number, it came out as "U. 23" (588 times in the news).
        r"|(?>U\.\d{2})(?!\w|[.,]\d)"
        # TP., Q., H.; before a digit too, as the gold writes "Q. 1" and as "Q.1" means it: read
        # as Q, a full stop and 1, the dot of Q.1 or P.4 ended the sentence.
        rf"|(?:{'|'.join(_KNOWN_ABBREVIATIONS)}|[A-ZĐ])\.(?!{_LETTER}|\.)"
        # A title glued to the name after it is the same unit as before a space: its dot is
        # no full stop (Mr.Bull, Dr.No).
        r"|(?:Mr|Mrs|Ms|Dr)\.(?=[A-ZĐ])"
        # Capitals, a dot and a number name one thing: a road, a quarter, a project, a part of
        # a text (QL.1A, ĐT.741, KP.18, KC.08.30, III.2.b), as the gold writes KC.08.30. Read
        # the common way, their dot ended the sentence. One capital and a number (Q.1, P.4) is
        # an abbreviation and a number, as above. Atomic: linear on long lines.
        r"|(?>[A-ZĐ]{2,4}(?:\.\d{1,4}[A-Z]?){1,4}(?:\.[a-zđ])?)(?!\w|\.\d)"
        # A dotted abbreviation at the end of a hyphenated name: VOV-TP.HCM.
        r"|(?>[A-ZĐ]{2,8}(?:-[A-ZĐ]{1,8}){0,3}-[A-ZĐ]{1,4}(?:\.[A-ZĐ]{1,12}){1,3})(?!\w)"
        rf"|[A-ZĐ]{{1,8}}(?:&[A-ZĐ]{{1,8}}){{1,3}}(?!{_ALNUM})",  # joined by "and": GD&ĐT, R&D
    ),
    (
        SyllableKind.NUMBER,
        # The numbers of legal documents and standards (67/2014/NĐ-CP, 1234/QĐ-UBND,
        # 83/2015/QH13, 01:2009/BYT) and of vehicles (29A-123.45, 57K-2240) are one identifier
        # each. Read the common way, a document number became a number, a slash and a word, and
        # the dot of a number plate ended the sentence. Atomic, so that a near miss fails at
        # once (linear on long lines).
        r"(?>\d{1,6}(?:[/:]\d{1,4}){0,3}+/[A-ZĐ]{2}[A-ZĐa-z0-9]{0,15}+"
        r"(?:[-/][A-ZĐ][A-ZĐa-z0-9]{0,15}+){0,6}+)(?![\w/-])"
        r"|(?>\d{2}[A-ZĐ]{1,2}\d?-(?:\d{3}\.\d{2}|\d{4,5}))(?!\w|[.,]\d)"
        r"|\d{1,2}/\d{1,2}/\d{2,4}(?!\d)|\d{1,2}-\d{1,2}-\d{2,4}(?!\d)"  # dates: 1/8/2014, 30-4-1975
        r"|\d{1,2}-\d{1,2}\.\d{1,2}(?:\.\d{4})?(?![\d.,]\d|\w)"  # days of a month: 14-18.5, 4-8.6.2017
        r"|\d{4}-\d{1,2}-\d{1,2}(?!\d)"  # dates the ISO way: 2017-05-22
        # Day-month, month-year, ranges: 30-4, 6-2004, 20-25; not the start of a range to a
        # decimal (1-1,5), which is read as 1, a dash and 1,5, as 1,5-3 is.
        r"|\d{1,2}[/-]\d{1,4}(?![\d/-]|[.,]\d)"
        r"|\d+/\d+(?!\d)"  # fractions, ratios: 1/3
        r"|\d{1,2}:\d{2}(?::\d{2})?(?!\d)"  # clock times
        # Atomic, so that "80km" is not read as "8" followed by "0km".
        rf"|(?>{_PLAIN_NUMBER})(?!{_LETTER})",
    ),
    # A word: letters (and digits, for H5N1 or 80km), with inner apostrophes (M'Ga) and hyphens
    # (Co-op, Mác-Lênin, COVID-19) that writers put inside one syllable unit. A number with
    # its unit glued on is one unit as 80km is, whatever the number's points and commas
    # (4.000km, 1,5m, 2.500.000đ, 1.342,8ha, 3,5tỷ): read the common way, 4.000km became 4, a
    # full stop that ended the sentence, and 000km. Bounded: linear on long lines.
    (
        SyllableKind.VIETNAMESE,
        rf"(?>\d{{1,3}}(?:[.,]\d{{3}}){{1,6}}(?:[.,]\d{{1,3}})?|\d+[.,]\d{{1,3}})"
        rf"{_LETTER}{{1,5}}\d{{0,4}}(?!\w)"
        # Versions, f-numbers and the like, whose dot is no full stop: v3.0, F1.7, PM2.5,
        # iOS10.3, FM99.9MHz.
        r"|[A-Za-z]{1,4}\d{1,4}(?:\.\d{1,4}){1,3}[A-Za-z]{0,5}(?![\w.]\w)"
        rf"|{_MARKED_ALNUM}(?:['’]{_MARKED_LETTERS})*(?:-{_MARKED_ALNUM})*",
    ),
    # A rule drawn with underscores is one unit, as one of dashes is: split, it came out as a
    # row of "_" words, each the separator.
    (SyllableKind.PUNCTUATION, r"\.{2,}|…|-{2,}|_{2,}|[.,;:!?]"),
    (SyllableKind.BRACKET, r"[()\[\]{}]"),
    (SyllableKind.QUOTE, r"""["“”„‘’'«»‹›`]"""),
    # An emoji is one unit however many characters it is made of (👍🏻, 🇻🇳, 👨‍👩‍👧, ™️). One
    # character a unit, they were cut apart.
    (SyllableKind.SYMBOL, rf"{EMOJI}|\S"),
]

# A group for each part, as a kind can have more than one (the keycap is a symbol).
_NAMED = re.compile("|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern) in enumerate(_PARTS)))
_KIND_OF_GROUP = {f"p{i}": kind for i, (kind, _) in enumerate(_PARTS)}
_PLAIN = re.compile("|".join(f"(?:{pattern})" for _, pattern in _PARTS))


def split_syllables(text: str) -> list[str]:
    """The units of ``text`` as strings: the fast path the segmenter uses.

    >>> split_syllables("Ông Vladimir Putin (Nga) phát biểu: “Xin chào”.")
    ['Ông', 'Vladimir', 'Putin', '(', 'Nga', ')', 'phát', 'biểu', ':', '“', 'Xin', 'chào', '”', '.']
    """
    # Units never cross whitespace, and most whitespace-separated chunks of Vietnamese are one
    # plain syllable: those skip the regex, which then only sees chunks with marks or digits in
    # them. Same units as ``_PLAIN.findall(text)`` (a test holds this), five times faster.
    units: list[str] = []
    for chunk in text.split():
        if chunk.isalpha():
            units.append(chunk)
        else:
            units.extend(_PLAIN.findall(chunk))
    return units


def is_mark(unit: str) -> bool:
    """Whether a unit holds no letter or digit: punctuation, a bracket, a symbol.

    >>> is_mark("."), is_mark("..."), is_mark("Ng"), is_mark("5%")
    (True, True, False, False)
    """
    return not any(map(str.isalnum, unit))


def word_form(units: Sequence[str], sep: str) -> str:
    """The units of one word as corpus text: ``sep`` between them, but a mark is glued to the
    unit before it as the text writes it (the dot of an initial or an abbreviation, ``Ng.``,
    ``tp.``), which the gold too writes as one token, not as a syllable of its own.

    >>> word_form(["Hà", "Nội"], "_"), word_form(["Nguyễn", "Thị", "Ng", "."], "_")
    ('Hà_Nội', 'Nguyễn_Thị_Ng.')
    """
    if len(units) == 1:
        return units[0]
    return "".join(unit if not k or is_mark(unit) else sep + unit for k, unit in enumerate(units))


def glued_quotes(units: Sequence[str], offset: int = 0) -> Iterator[int]:
    """Indexes (plus ``offset``) of the ``'`` units of one whitespace-free chunk that follow
    another unit of it: a ``'`` with no space before it closes a quote (see tachtu.sentences).

    >>> list(glued_quotes(["'", "chào", "'"], 10))
    [12]
    """
    return (offset + k for k, unit in enumerate(units) if k and unit == "'")


def split_syllable_runs(text: str) -> tuple[list[str], set[int]]:
    """:func:`split_syllables`, and the indexes of the ``'`` units glued to the unit before them
    (what tells a closing single quote from an opening one).

    >>> split_syllable_runs("Nó nói 'chào' rồi")
    (['Nó', 'nói', "'", 'chào', "'", 'rồi'], {4})
    """
    units: list[str] = []
    quotes: set[int] = set()
    for chunk in text.split():
        if chunk.isalpha():
            units.append(chunk)
            continue
        parts = _PLAIN.findall(chunk)
        if "'" in chunk:
            quotes.update(glued_quotes(parts, len(units)))
        units.extend(parts)
    return units, quotes


def iter_syllables(text: str) -> Iterator[Syllable]:
    """Yield the units of ``text`` with offsets and kinds.

    >>> [(s.text, s.kind.value) for s in iter_syllables("Hà Nội, 10:30 (H5N1)")]
    [('Hà', 'vietnamese'), ('Nội', 'vietnamese'), (',', 'punctuation'), ('10:30', 'number'), \
('(', 'bracket'), ('H5N1', 'foreign'), (')', 'bracket')]
    """
    for match in _NAMED.finditer(text):
        kind = _KIND_OF_GROUP[match.lastgroup]  # type: ignore[index]
        unit = match.group()
        if kind is SyllableKind.VIETNAMESE:
            kind = _word_kind(unit)
        elif (
            kind is SyllableKind.SYMBOL
            and len(unit) == 1  # an emoji of several characters is no punctuation
            and unicodedata.category(unit).startswith("P")
        ):
            kind = SyllableKind.PUNCTUATION
        yield Syllable(unit, match.start(), match.end(), kind)


def syllables(text: str) -> list[Syllable]:
    """The units of ``text`` as a list; see :func:`iter_syllables`."""
    return list(iter_syllables(text))


# One whitespace-free chunk's units: their texts, kinds, and starts and ends in the chunk.
ChunkUnits = tuple[tuple[str, ...], tuple[SyllableKind, ...], tuple[int, ...], tuple[int, ...]]


# 2^17 chunks, about 70 MB. At 2^16 (98% of the news's chunks found) jsonl output ran as fast,
# but masked output, which does little else per chunk, took 3.9 s for a news file against 3.3 s.
@lru_cache(maxsize=1 << 17)
def chunk_units(chunk: str, style: ToneStyle = "keep") -> ChunkUnits:
    """The units of one whitespace-free chunk of clean text, tone marks placed in ``style``
    (:func:`tachtu.normalize.place_tones`), as :func:`syllables` finds them in any text the
    chunk stands in (units never cross whitespace, nor does tone placement), split once however
    often the chunk recurs: a corpus repeats its words.

    >>> chunk_units("(Hà")
    (('(', 'Hà'), (<SyllableKind.BRACKET: 'bracket'>, <SyllableKind.VIETNAMESE: 'vietnamese'>), \
(0, 1), (1, 3))
    """
    units = syllables(place_tones(chunk, style))
    return (
        tuple(u.text for u in units),
        tuple(u.kind for u in units),
        tuple(u.start for u in units),
        tuple(u.end for u in units),
    )


def _word_kind(word: str) -> SyllableKind:
    if word.isdigit():
        return SyllableKind.NUMBER
    if is_vietnamese_syllable(word):
        return SyllableKind.VIETNAMESE
    return SyllableKind.FOREIGN
