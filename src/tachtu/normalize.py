"""Text normalization: str (or bytes, decoded first) -> str.

Vietnamese text arrives decomposed (macOS, some sites), with look-alike characters (``Ð`` for
``Đ``), invisible characters and both tone-mark placements (``hòa``/``hoà``). ``normalize`` makes
it NFC and clean; it keeps the writer's tone-mark style unless asked for another one, and moves a
misplaced mark (``lựơng``) onto the vowel that carries it in either style.

>>> normalize("Ho\u0300a Bi\u0300nh\u00a0\u0110o\u0301n")
'Hòa Bình Đón'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse, repeat
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from tachtu.encodings import Decoded

_compiled_place_tone: Callable[[str, str], str | None] | None
try:
    # One pass in C over the characters answers for nearly all clean text (see clean_characters).
    from tachtu.model._core import is_clean_text as _is_clean_text

    # The core's twin of place_tone (tests hold the two to the same answers on every syllable
    # the rules allow and more), for the words of the chunks the core leaves to Python the
    # first time each is seen: 33M of the 4,502M instructions of a fresh pass over a news file.
    from tachtu.model._core import place_tone as _compiled_place_tone
except ImportError:  # pragma: no cover - where the C extension is not built

    def _is_clean_text(text: str, /) -> bool:
        return False

    _compiled_place_tone = None


__all__ = [
    "EMOJI",
    "KEYCAP",
    "Normalized",
    "ToneStyle",
    "check_tone_style",
    "clean_characters",
    "drop_repeated_marks",
    "is_nfc",
    "is_vietnamese_syllable",
    "normalize",
    "normalize_with_report",
    "place_tone",
    "place_tones",
    "to_nfc",
    "tone_key",
]

ToneStyle = Literal["keep", "old", "new"]
"""``keep`` the input's placement; ``old`` (``hòa``, ``thủy``) or ``new`` (``hoà``, ``thuỷ``)."""
# Text, or bytes of it in some encoding (decoded first).
RawText = str | bytes | bytearray | memoryview


def check_tone_style(style: str) -> ToneStyle:
    """``style`` if it is a :data:`ToneStyle`; else ``ValueError`` naming the three.

    >>> check_tone_style("old")
    'old'
    """
    if style not in get_args(ToneStyle):
        raise ValueError(f"tone_style {style!r}: keep, old or new")
    return style  # type: ignore[return-value]


# The five combining tone marks; every other combining mark on a Vietnamese vowel (circumflex,
# breve, horn) is part of the letter itself.
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"

# Characters that carry no text, dropped: zero-width spaces and joiners, the word joiner, soft
# hyphens, a stray byte-order mark, and the bidirectional marks, embeddings and isolates that
# copying from right-to-left pages leaves in text (an LRM between two syllables split them).
_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\u00ad\ufeff"
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Spaces other than U+0020 that show up in scraped news; tabs and newlines are kept.
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

# A zero-width joiner between two pictographs is part of one emoji (👨‍👩‍👧, a family; 🏳️‍🌈),
# and kept there; anywhere else it is dropped with the other invisible characters. The
# pictographs are the blocks emoji come from; a pictograph may carry a variation selector and a
# skin tone (the contents of regular-expression character classes).
_JOINER = "\u200d"
_PICTOGRAPHS = (
    "\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff"
    "\U0001f000-\U0001f1e5\U0001f200-\U0001f3fa\U0001f400-\U0001faff"
)
_VARIATION_SELECTORS = "\ufe0e\ufe0f"
_SKIN_TONES = "\U0001f3fb-\U0001f3ff"
_STRAY_JOINER = re.compile(
    f"(?<![{_PICTOGRAPHS}{_VARIATION_SELECTORS}{_SKIN_TONES}]){_JOINER}"
    f"|{_JOINER}(?![{_PICTOGRAPHS}])"
)
_PICTOGRAPH = f"[{_PICTOGRAPHS}][{_VARIATION_SELECTORS}]?[{_SKIN_TONES}]?"
# A keycap: a digit, # or * in a key (1️⃣, #️⃣), the enclosing keycap mark after it.
KEYCAP = "[0-9#*]\ufe0f?\u20e3"
# One emoji, as a regular expression (the tokenizer's unit): a keycap, a flag (two regional
# indicators), pictographs, each with its selector and skin tone, joined by zero-width joiners,
# or another symbol with the variation selector that shows it as one (™️, ®️: their blocks are
# not the pictographs').
EMOJI = (
    f"{KEYCAP}|[\U0001f1e6-\U0001f1ff]{{2}}|{_PICTOGRAPH}(?:{_JOINER}{_PICTOGRAPH})*"
    f"|\\S[{_VARIATION_SELECTORS}]"
)

_CHARACTER_FIXES = str.maketrans(
    {
        **{c: None for c in _INVISIBLE if c != _JOINER},
        **{c: " " for c in _ODD_SPACES},
        # Icelandic eth looks like Vietnamese đ and is typed for it by legacy keyboards.
        "\u00d0": "\u0110",
        "\u00f0": "\u0111",
        "\r": "\n",
    }
)
_NEEDS_FIXES = re.compile(f"[{_INVISIBLE}{_ODD_SPACES}\u00d0\u00f0\r]")

# A letter with the Latin combining marks that NFC left beside it. Such a mark is often one the
# letter already carries, typed twice ("huyệ̣n", "Sơ̛n", "ướ́c": 60 in the 35k news documents),
# which is dropped; any other (two tones on one vowel, "đôí̀") is kept.
_LATIN_MARKS = "[\u0300-\u036f]"  # the Combining Diacritical Marks block
_LETTER_AND_MARKS = re.compile(rf"[^\W\d_]{_LATIN_MARKS}+")
_LATIN_MARK = re.compile(_LATIN_MARKS)

# A run of letters is a candidate syllable for tone-mark handling; a combining mark that NFC could
# not attach to its letter stays in the run, so that moving a tone never strands it.
_LETTERS = re.compile(rf"(?:[^\W\d_]{_LATIN_MARKS}*)+")

_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")  # vowels with a letter diacritic: they take the tone first
_INITIALS = frozenset(
    [
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "gh",
        "gi",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "ngh",
        "nh",
        "p",
        "ph",
        "q",
        "qu",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ]
)
_FINALS = frozenset(["c", "ch", "m", "n", "ng", "nh", "p", "t"])
# Two-vowel nuclei written at the end of a syllable whose tone moves in the new style.
# "nghiêng" has seven letters; anything much longer is no syllable and is passed through untouched.
_LONGEST_SYLLABLE = 10
_NEW_STYLE_NUCLEI = frozenset({"oa", "oe", "uy"})
# The vowel clusters Vietnamese spelling allows (without tone marks); anything else is no syllable.
_NUCLEI = frozenset(
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo uâ ua uê ui uô uơ uy ưa ưi ưu ươ yê "
    "iêu oai oay oeo uây uôi uya uyê uyu ươi ươu yêu".split()
)


def normalize(text: RawText, *, encoding: str = "auto", tone_style: ToneStyle = "keep") -> str:
    """Return ``text`` as clean NFC with line feeds only; idempotent.

    Bytes are decoded first: ``encoding`` names one of :data:`tachtu.encodings.ENCODINGS`, or
    ``auto`` detects UTF-8, UTF-16 (by its byte-order mark), TCVN3, VNI, VISCII, Windows-1258
    or VIQR and repairs mojibake. A ``str`` is taken as decoded; one that was decoded with the
    wrong table upstream is repaired by :func:`tachtu.encodings.repair_mojibake` first.
    ``tone_style`` chooses where tone marks sit in ``oa``/``oe``/``uy`` syllables; ``keep`` leaves
    each syllable as written, after moving a mark that sits where neither style puts it.

    >>> normalize("Thủy hoà\\r\\n", tone_style="new")
    'Thuỷ hoà\\n'
    >>> normalize(b"Vi\\xd6t Nam", encoding="tcvn3")
    'Việt Nam'
    """
    if isinstance(text, bytes | bytearray | memoryview):
        text = _decode(bytes(text), encoding).text
    return place_tones(clean_characters(text), tone_style)


def clean_characters(text: str) -> str:
    """:func:`normalize` short of tone placement: line feeds, odd characters fixed, NFC.

    ``normalize(text) == place_tones(clean_characters(text))``; the segmenter runs the two steps
    apart so that it places tones once per distinct chunk of text, not once per text.

    >>> clean_characters("Ho\\u0300a\\u00a0lựơng\\r\\n")
    'Hòa lựơng\\n'
    """
    if not isinstance(text, str):
        raise TypeError(
            f"text must be str, not {type(text).__name__}: tachtu.normalize() decodes bytes"
        )
    if _is_clean_text(text):
        # No character that the steps below would change: a regular-expression search and an
        # NFC check cost about 10% of segmenting a news text, this pass a tenth of that.
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _NEEDS_FIXES.search(text):
        text = _by_line(text, _needs_character_fixes, _fix_characters)
    return _by_line(to_nfc(text), _has_latin_mark, drop_repeated_marks)


def drop_repeated_marks(text: str) -> str:
    """NFC ``text`` less each combining mark that repeats a mark its letter already carries.

    >>> drop_repeated_marks("huyệ\u0323n Sơ\u031bn"), drop_repeated_marks("đôí\u0300")
    ('huyện Sơn', 'đôí̀')
    """
    return _dropping_repeated_marks(text)[0]


def _dropping_repeated_marks(text: str) -> tuple[str, int]:
    """:func:`drop_repeated_marks`, and how many marks it dropped (for the report)."""
    dropped = 0

    def without_repeats(match: re.Match[str]) -> str:
        nonlocal dropped
        run = match.group()
        kept = _kept_marks(run)
        if len(kept) == len(run) - 1:
            return run
        dropped += len(run) - 1 - len(kept)
        # Without the repeat, a mark after it may compose with the letter ("ê" + "̂" + "́" is "ế").
        return unicodedata.normalize("NFC", run[0] + "".join(kept))

    return _LETTER_AND_MARKS.sub(without_repeats, text), dropped


def _kept_marks(letter_and_marks: str) -> list[str]:
    """The marks after the letter, less those it carries already and less any met twice."""
    letter, marks = letter_and_marks[0], letter_and_marks[1:]
    carried = set(unicodedata.normalize("NFD", letter)[1:])
    kept: list[str] = []
    for mark in marks:
        if mark not in carried:
            carried.add(mark)
            kept.append(mark)
    return kept


def _has_latin_mark(text: str) -> bool:
    return _LATIN_MARK.search(text) is not None


def to_nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, returning ``text`` itself when it is NFC, and quick
    on long text that is NFC already.

    >>> to_nfc("Ho\\u0300a\\nHòa") == "Hòa\\nHòa"
    True
    """
    return _by_line(text, _not_nfc, _nfc)


# Longer text is checked and fixed a line at a time (see _by_line).
_WHOLE_TEXT = 1 << 16


def _by_line(text: str, needs: Callable[[str], bool], fix: Callable[[str], str]) -> str:
    """``fix(text)`` where ``needs(text)``, else ``text`` itself; a long text a line at a time.

    Both fixes here are costly on a long string that needs little of them: ``str.translate``
    rewrites every character (1.7 s on 30 MB of news for a few odd spaces), and one character
    whose NFC status is "maybe" makes ``is_normalized`` normalize the whole string to compare
    (1.3 s on 30 MB that was NFC all along). Neither reaches across a line feed, so a line at a
    time gives the same text, at the cost of the lines that need it.
    """
    if len(text) <= _WHOLE_TEXT:
        return fix(text) if needs(text) else text
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if needs(line):
            lines[i] = fix(line)
            changed = True
    return "\n".join(lines) if changed else text


def _needs_character_fixes(text: str) -> bool:
    return _NEEDS_FIXES.search(text) is not None


def _fix_characters(text: str) -> str:
    text = text.translate(_CHARACTER_FIXES)
    return _STRAY_JOINER.sub("", text) if _JOINER in text else text


def is_nfc(text: str) -> bool:
    """Whether ``text`` is NFC: told by one pass in C for text of the characters news is made
    of (about twice as quick as ``unicodedata.is_normalized``), by Python for the rest.

    >>> is_nfc("Hòa “Bình”"), is_nfc("Ho\u0300a")
    (True, False)
    """
    return text.isascii() or _is_clean_text(text) or unicodedata.is_normalized("NFC", text)


def _not_nfc(text: str) -> bool:
    return not is_nfc(text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def place_tones(text: str, style: ToneStyle = "keep") -> str:
    """Every letter run of clean NFC ``text`` with its tone mark placed by :func:`place_tone`.

    Runs never contain whitespace, so placing tones chunk by chunk of whitespace-separated text
    gives the same text as placing them over the whole.

    >>> place_tones("lựơng hòa, tóan", "new")
    'lượng hoà, toán'
    """
    if text.isascii():
        return text
    # Most texts come out as they went in (7 of the 4,430 of a news file change): ask each
    # whitespace-separated chunk, whose answer is remembered, since chunks recur, before
    # collecting the text's letter runs (half the time of this function on news).
    non_ascii = filterfalse(str.isascii, text.split())
    if not any(map(_chunk_changes, non_ascii, repeat(style))):  # iterated in C, without frames
        return text
    return _placed(text, style)


@lru_cache(maxsize=65536)
def _chunk_changes(chunk: str, style: ToneStyle) -> bool:
    return _placed(chunk, style) != chunk


def _placed(text: str, style: ToneStyle) -> str:
    """:func:`place_tones` of non-ASCII text, the long way."""
    # Most syllables come out as they went in: look each distinct letter run up once and rewrite
    # the text only where one changes, instead of calling back into Python for every word.
    changed = {}
    for word in set(_LETTERS.findall(text)):
        if not word.isascii():
            placed = place_tone(word, style)
            if placed != word:
                changed[word] = placed
    if not changed:
        return text
    return _LETTERS.sub(lambda match: changed.get(match.group(), match.group()), text)


def tone_key(syllable: str) -> str:
    """Canonical spelling of one syllable: lower case, tone mark in the new-style position.

    The model sees this key, so ``Hòa``, ``hoà`` and ``HOÀ`` are one syllable to it.

    >>> tone_key("Thủy") == tone_key("thuỷ") == "thuỷ"
    True
    """
    return place_tone(syllable.lower(), "new")


@lru_cache(maxsize=65536)
def place_tone(syllable: str, style: ToneStyle) -> str:
    """Move the tone mark of one NFC syllable to where ``style`` puts it.

    Anything that does not parse as a Vietnamese syllable (foreign words, several tone marks) is
    returned unchanged.

    >>> place_tone("hòa", "new"), place_tone("hoà", "old"), place_tone("lựơng", "keep")
    ('hoà', 'hòa', 'lượng')
    """
    if len(syllable) > _LONGEST_SYLLABLE or syllable.isascii():  # ASCII carries no tone mark
        return syllable
    if _compiled_place_tone is not None:
        placed = _compiled_place_tone(syllable, style)
        if placed is not None:  # None: letters the core does not know
            return placed
    return _place_tone_by_rules(syllable, style)


def _place_tone_by_rules(syllable: str, style: ToneStyle) -> str:
    """:func:`place_tone` by the spelling rules, for any letters (the core's twin knows those
    Vietnamese is written with)."""
    letters: list[str] = []
    tone = ""
    tone_at = -1
    for i, char in enumerate(syllable):
        parts = unicodedata.normalize("NFD", char)
        marks = [m for m in parts if m in _TONE_MARKS]
        if marks:
            if tone or len(marks) > 1:
                return syllable
            tone, tone_at = marks[0], i
            parts = parts.replace(marks[0], "")
        letters.append(unicodedata.normalize("NFC", parts))
    if not tone:
        return syllable
    target = _tone_position([c.lower() for c in letters], style, tone_at)
    if target < 0:
        return syllable
    letters[target] = unicodedata.normalize("NFC", letters[target] + tone)
    return "".join(letters)


def _tone_position(letters: list[str], style: ToneStyle, written_at: int) -> int:
    """Index of the letter that carries the tone, or -1 when this is no Vietnamese syllable."""
    n = len(letters)
    start = 0
    while start < n and letters[start] not in _VOWELS:
        start += 1
    end = start
    while end < n and letters[end] in _VOWELS:
        end += 1
    initial = "".join(letters[:start])
    final = "".join(letters[end:])
    if end == start or (final and final not in _FINALS):
        return -1
    # "qu" and "gi" own their vowel letter: "quá", "già" carry the tone on the next vowel.
    if start < end - 1 and (
        (initial == "q" and letters[start] == "u") or (initial == "g" and letters[start] == "i")
    ):
        initial += letters[start]
        start += 1
    if initial and initial not in _INITIALS:
        return -1
    nucleus = letters[start:end]
    if "".join(nucleus) not in _NUCLEI:
        return -1
    marked = [i for i, c in enumerate(nucleus) if c in _MARKED_VOWELS]
    if marked:
        return (
            start + marked[-1]
        )  # "ươ" takes it on the second vowel, every other one on the only one
    if len(nucleus) == 1:
        return start
    if final or len(nucleus) == 3:
        return start + 1
    # Two vowels closing the syllable: only oa/oe/uy differ between the styles.
    if "".join(nucleus) in _NEW_STYLE_NUCLEI:
        if style == "keep":
            return written_at if written_at in (start, start + 1) else start
        return start + 1 if style == "new" else start
    return start


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like a Vietnamese syllable (initial, vowels, final consonant).

    >>> is_vietnamese_syllable("Nguyễn"), is_vietnamese_syllable("Putin")
    (True, False)
    """
    if len(word) > _LONGEST_SYLLABLE:
        return False
    if word.isascii():  # no marks to take off
        letters = list(word.lower())
    else:
        letters = [
            unicodedata.normalize(
                "NFC", "".join(m for m in unicodedata.normalize("NFD", c) if m not in _TONE_MARKS)
            )
            for c in word.lower()
        ]
    if not all(c in _VOWELS or (c.isascii() and c.isalpha()) or c == "đ" for c in letters):
        return False
    return _tone_position(letters, "new", -1) >= 0


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text, the encoding it was read from, and how many changes of each kind were made."""

    text: str
    encoding: str  # "unicode" when the input was already a str
    changes: dict[str, int] = field(default_factory=dict)


def normalize_with_report(
    text: RawText, *, encoding: str = "auto", tone_style: ToneStyle = "keep"
) -> Normalized:
    """:func:`normalize`, and a count of what it changed, kind by kind.

    >>> normalize_with_report("Ho\\u0300a lựơng\\u00a0\\r\\n").changes
    {'line_ends': 1, 'odd_spaces': 1, 'composed': 1, 'tone_marks': 1}
    """
    changes: Counter[str] = Counter()
    used = "unicode"
    if isinstance(text, bytes | bytearray | memoryview):
        decoded = _decode(bytes(text), encoding)
        text, used = decoded.text, decoded.encoding
        changes.update(decoded.changes)
    # The steps of normalize() one by one, each counted: clean_characters(text) is composed
    # (tests check it on long and awkward text), so the text is cleaned once.
    changes["line_ends"] += text.count("\r")
    fixed = _fix_characters(text.replace("\r\n", "\n"))
    changes["invisible"] += sum(text.count(c) for c in _INVISIBLE) - fixed.count(_JOINER)
    changes["odd_spaces"] += sum(text.count(c) for c in _ODD_SPACES)
    changes["eth_as_d"] += text.count("\u00d0") + text.count("\u00f0")
    composed = unicodedata.normalize("NFC", fixed)
    changes["composed"] += len(fixed) - len(composed)
    deduplicated, repeated = _dropping_repeated_marks(composed)
    changes["repeated_marks"] += repeated
    clean = place_tones(deduplicated, tone_style)
    changes["tone_marks"] += sum(
        a != b
        for a, b in zip(_LETTERS.findall(deduplicated), _LETTERS.findall(clean), strict=False)
    )
    return Normalized(clean, used, {kind: n for kind, n in changes.items() if n})


def _decode(data: bytes, encoding: str) -> Decoded:
    # Imported here: the encodings package uses tone placement from this module.
    from tachtu.encodings import decode

    return decode(data, encoding)
