"""Repair text that was decoded with the wrong single-byte table somewhere upstream.

Two kinds are common in scraped Vietnamese:

- UTF-8 read as Windows-1252, Latin-1 or Windows-1258 (``Viá»‡t Nam``): every letter became two or
  three characters. Each such run is turned back into bytes and decoded as UTF-8; a run is replaced
  only when it decodes to a character of the scripts that Vietnamese text uses, so text that merely
  contains ``Ã`` or ``»`` stays as it is. Bytes that Windows-1252 has no character for are often
  lost on the way (``Ä?``); such a run is repaired when only one Vietnamese letter fits it, and
  counted as unrepaired otherwise.
- TCVN3, VNI or VISCII bytes read as Latin-1 or Windows-1252 (``ViÖt Nam``, ``Vieät Nam``): whole
  lines. Lines made only of single-byte characters whose words do not spell Vietnamese are turned
  back into bytes, read with the legacy table that spells them best, and replaced where that
  reading is clearly better.

>>> repair_mojibake("Tiáº¿ng Viá»‡t, Ä‘á»™c láº\xadp")
('Tiếng Việt, độc lập', 5)
>>> repair_mojibake("Th«ng tin vÒ ViÖt Nam")
('Thông tin về Việt Nam', 3)
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from tachtu.encodings._tables import (
    CP1252_C1,
    CP1258_HIGH,
    TONE_MARKS,
    UNDEFINED,
    vietnamese_letters,
)
from tachtu.encodings.evidence import assess
from tachtu.encodings.legacy import (
    CASE_RESTORED,
    CP1258,
    TCVN3,
    VISCII,
    VNI,
    restore_tcvn3_capitals,
)

_compiled_mojibake_signs: Callable[[str, bytes], int] | None
try:
    # One pass in C over the characters instead of two regular-expression searches.
    from tachtu.model._core import mojibake_signs as _compiled_mojibake_signs
except ImportError:  # pragma: no cover - where the C extension is not built
    _compiled_mojibake_signs = None

__all__ = [
    "MOJIBAKE",
    "UNREPAIRED",
    "could_hold_utf8_mojibake",
    "mojibake_signs",
    "needs_repair",
    "repair",
    "repair_mojibake",
]

MOJIBAKE = "mojibake"
"""Change kind: a run of misread characters put back as the one it was."""
UNREPAIRED = "mojibake_unrepaired"
"""Change kind: a run recognized as mojibake that lost a byte no single letter fits."""


def _single_byte_view() -> dict[str, int]:
    """Character -> the byte it came from, under Latin-1, Windows-1252 and Windows-1258."""
    view = {chr(byte): byte for byte in range(0x100)}
    for offset, char in enumerate(CP1252_C1 + CP1258_HIGH[0x20:]):
        if char != UNDEFINED:
            view.setdefault(char, 0x80 + offset)
    for offset, char in enumerate(CP1258_HIGH[:0x20]):
        if char != UNDEFINED:
            view.setdefault(char, 0x80 + offset)
    # Windows-1258's combining tone marks stay out: they show up in UTF-8 mojibake only as lead
    # bytes of rare scripts, while decomposed text is full of them.
    for char in TONE_MARKS:
        del view[char]
    # Undecodable bytes kept by errors="surrogateescape".
    view.update({chr(0xDC00 + byte): byte for byte in range(0x80, 0x100)})
    return view


_VIEW = _single_byte_view()


def _class(low: int, high: int) -> str:
    return "".join(re.escape(char) for char, byte in _VIEW.items() if low <= byte <= high)


_LEAD2, _LEAD3, _LEAD4 = _class(0xC2, 0xDF), _class(0xE0, 0xEF), _class(0xF0, 0xF4)
_CONTINUATION = _class(0x80, 0xBF)
# A lead byte's character right before a continuation byte's: every run of the two patterns
# below has one. Clean text seldom does (à” is one), and one character class scanned once costs a
# fraction of the alternation, so text without such a pair skips them.
_LEAD_BEFORE_CONTINUATION = re.compile(f"[{_LEAD2}{_LEAD3}{_LEAD4}][{_CONTINUATION}]")
_UTF8_RUN = re.compile(
    f"[{_LEAD2}][{_CONTINUATION}]|[{_LEAD3}][{_CONTINUATION}]{{2}}|[{_LEAD4}][{_CONTINUATION}]{{3}}"
)
# A run whose last byte Windows-1252 could not show and that came out as "?" or U+FFFD.
_LOST_BYTE_RUN = re.compile(
    f"(?:[{_LEAD3}][{_CONTINUATION}]|[{_LEAD4}][{_CONTINUATION}]{{2}})[?\ufffd]"
)
# Two-character runs (Ä?) are looked for only in text that shows mojibake elsewhere: a capital
# followed by a question mark is ordinary text too.
_SHORT_LOST_BYTE_RUN = re.compile(f"[{_LEAD2}][?\ufffd]")
_CP1252_HOLES = bytes(0x80 + i for i, char in enumerate(CP1252_C1) if char == UNDEFINED)
_VIETNAMESE_LETTERS = frozenset(vietnamese_letters())
# Characters a legacy letter turns into when read as Latin-1: they start the costly line check.
_SUSPECT = re.compile(
    "[\x80-\x9f\xa1-\xff\udc80-\udcff]".replace(
        "\xa1-\xff",
        "".join(chr(b) for b in range(0xA1, 0x100) if chr(b) not in _VIETNAMESE_LETTERS),
    )
)
_LEGACY = (TCVN3, VNI, VISCII, CP1258)
# A legacy reading must spell this many syllables, beat the text as it stands by this much
# evidence, and fit this well: a word or two is too little to rewrite a line on.
_LEGACY_SYLLABLES = 3
_LEGACY_MARGIN = 2
_LEGACY_FITNESS = 0.8


# The combining marks of decomposed Vietnamese: tones, circumflex, breve, horn.
_VIETNAMESE_MARKS = frozenset(TONE_MARKS + "\u0302\u0306\u031b")


def _plausible(char: str) -> bool:
    """Characters that Vietnamese and Western text are made of; what a real repair produces."""
    code = ord(char)
    return (
        0xA0 <= code <= 0x17F
        or code in (0x1A0, 0x1A1, 0x1AF, 0x1B0, 0xFEFF)
        or char in _VIETNAMESE_MARKS
        or 0x1E00 <= code <= 0x1EFF
        or 0x2000 <= code <= 0x206F
        or 0x20A0 <= code <= 0x20CF
        or 0x2100 <= code <= 0x214F
        or 0x1F300 <= code <= 0x1FAFF
    )


def _from_utf8(run: str) -> str | None:
    try:
        char = bytes(_VIEW[c] for c in run).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return char if _plausible(char) else None


def _lost_byte_letters(run: str) -> set[str]:
    """The Vietnamese letters whose UTF-8 bytes fit ``run`` with its lost last byte."""
    prefix = bytes(_VIEW[c] for c in run[:-1])
    fits = set()
    for hole in _CP1252_HOLES:
        try:
            char = (prefix + bytes([hole])).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if char in _VIETNAMESE_LETTERS:
            fits.add(char)
    return fits


# Longer text has its runs looked for only in the lines that hold one (see _repair_utf8_runs).
_LINE_BY_LINE = 1 << 16


def _repair_utf8_runs(text: str, counts: Counter[str]) -> str:
    """Runs put back; in long text only the lines that hold a run are gone through.

    The regular expressions cost as much on a 30 MB file as on its one garbled line. No run and
    no test of one reaches across a line feed (a run's characters are no line feed, and a line
    feed before or after one is neither a capital nor a small letter, as the start and end of
    the text are not), and a repair makes none: the lines with a run, gone through together,
    give the same repairs and counts as the whole text. Two-character runs are looked for
    everywhere, as before, once the others have been repaired.
    """
    if len(text) <= _LINE_BY_LINE or "\n" not in text:
        text = _repair_whole_runs(text, counts)
    else:
        lines = text.split("\n")
        marked = [index for index, line in enumerate(lines) if mojibake_signs(line) & _RUN]
        if marked:
            repaired = _repair_whole_runs("\n".join(lines[index] for index in marked), counts)
            for index, line in zip(marked, repaired.split("\n"), strict=True):
                lines[index] = line
            text = "\n".join(lines)
    if counts[MOJIBAKE] and _SHORT_LOST_BYTE_RUN.search(text):
        text = _SHORT_LOST_BYTE_RUN.sub(lambda match: _fix_lost_byte(match, counts), text)
    return text


def _repair_whole_runs(text: str, counts: Counter[str]) -> str:
    """Whole runs put back, and those that lost their last byte where one letter fits."""
    # Text that went through the wrong decoding twice needs two rounds; three is plenty. The last
    # round that changed anything counts: each of its repairs is one character of the original.
    last_round = 0
    for _ in range(3):
        runs = [
            (match, char)
            for match in _UTF8_RUN.finditer(text)
            if (char := _from_utf8(match.group())) is not None
        ]
        # A two-character run led by a Vietnamese capital after another capital can be clean text
        # ("NGÃ" before a closing quote or an NBSP): it is repaired only beside surer runs.
        if not any(_surely_mojibake(text, match) for match, _ in runs):
            break
        pieces, done = [], 0
        for match, char in runs:
            pieces += [text[done : match.start()], char]
            done = match.end()
        text = "".join(pieces) + text[done:]
        last_round = len(runs)
    counts[MOJIBAKE] += last_round
    if _LOST_BYTE_RUN.search(text):
        text = _LOST_BYTE_RUN.sub(lambda match: _fix_lost_byte(match, counts), text)
    return text


def _surely_mojibake(text: str, match: re.Match[str]) -> bool:
    run = match.group()
    if len(run) > 2 or run[0] not in _VIETNAMESE_LETTERS:
        return True
    after_capital = match.start() > 0 and text[match.start() - 1].isupper()
    return not after_capital or text[match.end() : match.end() + 1].islower()


def _fix_lost_byte(match: re.Match[str], counts: Counter[str]) -> str:
    fits = _lost_byte_letters(match.group())
    if len(fits) == 1:
        counts[MOJIBAKE] += 1
        return fits.pop()
    if fits:
        counts[UNREPAIRED] += 1
    return match.group()


def _repair_legacy_lines(text: str, counts: Counter[str]) -> str:
    lines = text.splitlines(keepends=True)
    doubtful = [
        index
        for index, line in enumerate(lines)
        if mojibake_signs(line) & _SUSPECT_SIGN
        and all(char in _VIEW for char in line)
        and (evidence := assess(unicodedata.normalize("NFC", line))).misspelled + evidence.garbage
    ]
    if not doubtful:
        return text
    # One table for the whole text, chosen on all doubtful lines together: one line is thin evidence.
    together = bytes(_VIEW[char] for index in doubtful for char in lines[index])
    as_is = assess(unicodedata.normalize("NFC", "".join(lines[index] for index in doubtful)))
    readings = [(assess(codec.decode(together, "replace")), codec) for codec in _LEGACY]
    evidence, codec = max(readings, key=lambda reading: reading[0].score)
    if (
        evidence.syllables < _LEGACY_SYLLABLES
        or evidence.score < as_is.score + _LEGACY_MARGIN
        or evidence.fitness < _LEGACY_FITNESS
    ):
        return text
    for index in doubtful:
        line = lines[index]
        fixed = codec.decode(bytes(_VIEW[char] for char in line), "replace")
        if assess(fixed).score > assess(unicodedata.normalize("NFC", line)).score:
            counts[MOJIBAKE] += sum(not char.isascii() for char in fixed)
            if codec is TCVN3:
                fixed, restored = restore_tcvn3_capitals(fixed)
                counts[CASE_RESTORED] += restored
            lines[index] = fixed
    return "".join(lines)


# What mojibake_signs tells: the compiled core's MOJIBAKE_* flags, and the classes of
# characters it tells them by (see there).
_CONTINUATION_CHAR, _SUSPECT_CHAR, _LOST_CHAR = 4, 8, 16
_PAIR, _RUN, _SUSPECT_SIGN = 32, 64, _SUSPECT_CHAR


def _sign_classes() -> bytes:
    """A byte for each code point up to the last one any class holds: its classes."""
    classes: dict[int, int] = {ord("?"): _LOST_CHAR, 0xFFFD: _LOST_CHAR}
    for char, byte in _VIEW.items():
        for low, high, value in _SIGN_BYTES:
            if low <= byte <= high:
                classes[ord(char)] = value
    # _SUSPECT's class is made of these two ranges only.
    for code in (*range(0x80, 0x100), *range(0xDC80, 0xDD00)):
        if _SUSPECT.fullmatch(chr(code)):
            classes[code] = classes.get(code, 0) | _SUSPECT_CHAR
    table = bytearray(max(classes) + 1)
    for code, value in classes.items():
        table[code] = value
    return bytes(table)


# Bytes of UTF-8 and their classes: a lead byte by the continuations it needs.
_SIGN_BYTES = ((0x80, 0xBF, _CONTINUATION_CHAR), (0xC2, 0xDF, 1), (0xE0, 0xEF, 2), (0xF0, 0xF4, 3))
_SIGN_CLASSES = _sign_classes()


def mojibake_signs(text: str) -> int:
    """What :func:`repair` looks for before anything costly, as flags: ``_PAIR``, a pair of
    characters that UTF-8 mojibake is made of; ``_RUN``, a whole run that
    :func:`_repair_utf8_runs` could put back (lost last byte included); ``_SUSPECT_SIGN``, a
    character that legacy-encoded letters become.

    >>> mojibake_signs("Việt") == 0, mojibake_signs("Viá»‡t") & _RUN != 0
    (True, True)
    >>> mojibake_signs("“Quá”") == _PAIR  # à” is a pair, not a whole run
    True
    """
    if _compiled_mojibake_signs is not None:
        return _compiled_mojibake_signs(text, _SIGN_CLASSES)
    pair = _PAIR if _LEAD_BEFORE_CONTINUATION.search(text) else 0
    run = _RUN if _UTF8_RUN.search(text) or _LOST_BYTE_RUN.search(text) else 0
    return pair | run | (_SUSPECT_SIGN if _SUSPECT.search(text) else 0)


def could_hold_utf8_mojibake(text: str) -> bool:
    """Whether ``text`` has a character pair that UTF-8 mojibake is made of (a quick test).

    >>> could_hold_utf8_mojibake("Viá»‡t"), could_hold_utf8_mojibake("Việt")
    (True, False)
    """
    return bool(mojibake_signs(text) & _PAIR)


def needs_repair(text: str) -> bool:
    """Whether :func:`repair` could change ``text``: it holds a UTF-8 mojibake run or a
    character that legacy-encoded letters become.

    >>> needs_repair("Việt “Nam”"), needs_repair("Viá»‡t")
    (False, True)
    """
    return not text.isascii() and bool(mojibake_signs(text) & (_RUN | _SUSPECT_SIGN))


def repair(text: str) -> tuple[str, Counter[str]]:
    """Repair both kinds of mojibake; counts by change kind (``MOJIBAKE``, ``UNREPAIRED``)."""
    counts: Counter[str] = Counter()
    if text.isascii():
        return text, counts
    signs = mojibake_signs(text)
    if signs & _RUN:  # else _repair_utf8_runs finds nothing to do
        text = _repair_utf8_runs(text, counts)
        signs = mojibake_signs(text)  # the repairs may have made or taken suspects
    if signs & _SUSPECT_SIGN:
        text = _repair_legacy_lines(text, counts)
    return text, +counts


def repair_mojibake(text: str) -> tuple[str, int]:
    """Return ``text`` with mojibake repaired, and how many characters were put right.

    A UTF-8 run counts once per letter it gives back; a line read back through a legacy table
    counts its letters beyond ASCII.

    >>> repair_mojibake("Hiá»‡n táº¡i")
    ('Hiện tại', 2)
    """
    repaired, counts = repair(text)
    return repaired, counts[MOJIBAKE]
