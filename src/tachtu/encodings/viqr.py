"""VIQR (RFC 1456): Vietnamese letters written in ASCII, as ``Vie^.t Nam``.

A mark follows its vowel: ``(`` breve, ``^`` circumflex, ``+`` horn, then one tone: ``'`` sắc,
`````` ` `````` huyền, ``?`` hỏi, ``~`` ngã, ``.`` nặng; ``dd``/``DD`` at the start of a word is
``đ``/``Đ``. A backslash makes the next character literal (``Ba\\.`` is ``Ba.``, not ``Bạ``).

The RFC reads a mark character right after a vowel as a mark, and asks writers to escape
punctuation there. Few did, so one exception is made where the text itself settles it: a tone
mark that ends a word is punctuation when the word already has a tone (``No^.i.`` is ``Nội.``) or
when no syllable carries its tone there (``dda^u.`` is ``đâu.``, since ``đâụ`` is not written).
Where it stays ambiguous (``ba.``) the RFC rule holds: ``bạ``.

The encoder escapes every mark character that follows a vowel, so ``decode(encode(text)) ==
text`` for every text it can encode. Characters outside ASCII that are not Vietnamese letters
(curly quotes, dashes) pass through and are written as UTF-8. What VIQR cannot write is an
encoding error: ``đ`` after a letter (``dd`` there reads as two letters), and a word-final tone
that the exception above would read as punctuation (only in strings that are not Vietnamese).

>>> decode("Vie^.t Nam, DDa` Na(~ng. Ha` No^.i.")
'Việt Nam, Đà Nẵng. Hà Nội.'
>>> encode("Tiếng Việt có dấu.")
"Tie^'ng Vie^.t co' da^'u\\\\."
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from functools import cache

from tachtu.encodings._tables import TONE_MARKS, VOWELS, vietnamese_letters

__all__ = ["decode", "encode"]

_LETTER_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_TONE_MNEMONICS = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}
_TONE_CHARACTERS = "'`?~."
_MARK_CHARACTERS = "(^+" + _TONE_CHARACTERS
_ESCAPABLE = _MARK_CHARACTERS + "\\dD"


def _mnemonic(letter: str) -> str:
    if letter in "đĐ":
        return "dd" if letter == "đ" else "DD"
    parts = unicodedata.normalize("NFD", letter)
    letter_marks = "".join(_LETTER_MARKS[m] for m in parts[1:] if m not in TONE_MARKS)
    tone = "".join(_TONE_MNEMONICS[m] for m in parts[1:] if m in TONE_MARKS)
    return parts[0] + letter_marks + tone


_TO_VIQR = {letter: _mnemonic(letter) for letter in vietnamese_letters()}
_FROM_VIQR = {mnemonic: letter for letter, mnemonic in _TO_VIQR.items()}
_FROM_VIQR["Dd"] = "Đ"  # RFC 1456 accepts both capitalizations
_VIETNAMESE_VOWELS = frozenset(
    letter for letter in (*vietnamese_letters(), *VOWELS, *VOWELS.upper()) if letter not in "đĐ"
)

# One pass, left to right: an escape, a "dd" (checked for a word start by the decoder), or a vowel
# followed by marks: the letter mark it can take and a tone. The order of the alternatives is the
# precedence.
_VIQR = re.compile(
    r"\\[\\(^+'`?~.dD]"
    r"|[dD][dD]"
    r"|(?=[aeiouyAEIOUY][(^+`'?~.])(?:[aA][(^]?|[eE]\^?|[oO][\^+]?|[uU]\+?|[iIyY])[`'?~.]?"
)


class _Decoder:
    """The replacement function of one ``_VIQR.sub`` pass; it keeps the word decoded so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.done = 0  # end of the last match
        self.word = ""  # the letters of the current word decoded so far

    def __call__(self, match: re.Match[str]) -> str:
        self._extend(self.text[self.done : match.start()])
        self.done = match.end()
        found = match.group()
        if found[0] == "\\":
            output = found[1]
        elif found[0] in "dD":
            output = _FROM_VIQR.get(found, found) if not self.word else found
        else:
            output = _FROM_VIQR.get(found, found)
            at_word_end = match.end() == len(self.text) or not self.text[match.end()].isalpha()
            if (
                found[-1] in _TONE_CHARACTERS
                and at_word_end
                and _reads_as_punctuation(self.word, output)
            ):
                output = _FROM_VIQR.get(found[:-1], found[:-1]) + found[-1]
        self._extend(output)
        return output

    def _extend(self, decoded: str) -> None:
        if decoded.isalpha():
            self.word += decoded
        elif decoded:
            letters = len(decoded)
            while letters and decoded[letters - 1].isalpha():
                letters -= 1
            self.word = decoded[letters:]


def _reads_as_punctuation(word: str, toned_letter: str) -> bool:
    """True when a tone mark closing ``word`` + ``toned_letter`` is taken for punctuation."""
    if any(mark in TONE_MARKS for mark in unicodedata.normalize("NFD", word)):
        return True
    syllable = word + toned_letter
    return _place_tone()(syllable, "keep") != syllable


@cache
def _place_tone() -> Callable[[str, str], str]:
    # Imported on first use: normalize may come to import this package for its byte input.
    from tachtu.normalize import place_tone

    return place_tone


def decode(text: str) -> str:
    """Turn VIQR mnemonics in ``text`` into Vietnamese letters (NFC).

    >>> decode("Ca?m o+n ba.n nhie^`u. Co' kho^ng?")
    'Cảm ơn bạn nhiều. Có không?'
    """
    return unicodedata.normalize("NFC", _VIQR.sub(_Decoder(text), text))


def encode(text: str, errors: str = "strict") -> str:
    """Write the Vietnamese letters of ``text`` in VIQR, escaping what would read as a mark.

    ``errors`` is ``strict`` (what VIQR cannot write raises ``UnicodeEncodeError``), ``replace``
    (writes ``?``) or ``ignore``.

    >>> encode("Đường Lê Lợi (Huế)")
    "DDu+o+`ng Le^ Lo+.i (Hue^')"
    """
    text = unicodedata.normalize("NFC", text)
    pieces: list[str] = []
    word_start = 0  # where the current word of the source began
    for position, char in enumerate(text):
        if not char.isalpha():
            word_start = position + 1
        previous = text[position - 1] if position else ""
        if char in _TO_VIQR:
            piece = _TO_VIQR[char]
            if not _writable(text, position, word_start):
                piece = _unencodable(text, position, errors)
                if piece and piece in _MARK_CHARACTERS and previous in _VIETNAMESE_VOWELS:
                    piece = "\\" + piece  # a "?" after a vowel would read as a hook
        elif char in _MARK_CHARACTERS and previous in _VIETNAMESE_VOWELS:
            piece = "\\" + char
        elif char in "dD" and previous in "dD" and word_start == position - 1:
            piece = "\\" + char  # "dd" opening a word would read as đ
        else:
            piece = char
        pieces.append(piece)
    # A literal backslash needs escaping only where the decoder would take it as an escape.
    following = ""
    for index in range(len(pieces) - 1, -1, -1):
        if pieces[index] == "\\" and following and following in _ESCAPABLE:
            pieces[index] = "\\\\"
        following = pieces[index][:1] or following
    return "".join(pieces)


def _writable(text: str, position: int, word_start: int) -> bool:
    """Whether the decoder would read this letter's mnemonic back as the letter."""
    char = text[position]
    if char in "đĐ":
        return position == word_start
    if _TO_VIQR[char][-1] not in _TONE_CHARACTERS:
        return True
    at_word_end = position + 1 == len(text) or not text[position + 1].isalpha()
    return not (at_word_end and _reads_as_punctuation(text[word_start:position], char))


def _unencodable(text: str, position: int, errors: str) -> str:
    if errors == "replace":
        return "?"
    if errors == "ignore":
        return ""
    error = UnicodeEncodeError(
        "viqr", text, position, position + 1, "VIQR has no spelling for this letter here"
    )
    if errors == "strict":
        raise error
    replacement, _ = codecs.lookup_error(errors)(error)
    return replacement if isinstance(replacement, str) else replacement.decode("ascii")
