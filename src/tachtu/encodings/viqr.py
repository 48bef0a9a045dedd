"""VIQR (RFC 1456): Vietnamese letters written in ASCII, as ``Vie^.t Nam``.

A mark follows its vowel: ``(`` breve, ``^`` circumflex, ``+`` horn, then one tone: ``'`` sắc,
`````` ` `````` huyền, ``?`` hỏi, ``~`` ngã, ``.`` nặng; ``dd``/``DD`` at the start of a word is
``đ``/``Đ``. A backslash makes the next character literal (``Ba\\.`` is ``Ba.``, not ``Bạ``).

Decoding follows the RFC literally: a mark character right after a vowel that can take it *is* a
mark, so a sentence ending ``... ba.`` reads ``bạ`` unless the writer escaped the period. The
encoder escapes every mark character that follows a vowel, so ``decode(encode(text)) == text`` for
every text it can encode. Characters outside ASCII that are not Vietnamese letters (curly quotes,
dashes) pass through and are written as UTF-8. A ``đ`` right after a letter cannot be written
(``dd`` there reads as two letters): it is an encoding error.

>>> decode("Vie^.t Nam, DDa` Na(~ng\\\\.")
'Việt Nam, Đà Nẵng.'
>>> encode("Tiếng Việt có dấu.")
"Tie^'ng Vie^.t co' da^'u\\\\."
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from tachtu.encodings._tables import TONE_MARKS, VOWELS, vietnamese_letters

__all__ = ["decode", "encode"]

_LETTER_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
_TONE_MNEMONICS = {"\u0301": "'", "\u0300": "`", "\u0309": "?", "\u0303": "~", "\u0323": "."}
_MARK_CHARACTERS = "(^+'`?~."
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

# One pass, left to right: an escape, a "dd" (checked for a word start in _replace), or a vowel
# with the letter mark it can take and a tone. The order of the alternatives is the precedence.
_VIQR = re.compile(
    r"\\[\\(^+'`?~.dD]"
    r"|[dD][dD]"
    r"|(?:[aA][(^]?|[eE]\^?|[oO][\^+]?|[uU]\+?|[iIyY])[`'?~.]?"
)


def _replace(match: re.Match[str]) -> str:
    found = match.group()
    if found[0] == "\\":
        return found[1]
    if found[0] in "dD":
        start = match.start()
        at_word_start = start == 0 or not match.string[start - 1].isalpha()
        return _FROM_VIQR.get(found, found) if at_word_start else found
    return _FROM_VIQR.get(found, found)


def decode(text: str) -> str:
    """Turn VIQR mnemonics in ``text`` into Vietnamese letters (NFC).

    >>> decode("Ca?m o+n ba.n nhie^`u")
    'Cảm ơn bạn nhiều'
    """
    return unicodedata.normalize("NFC", _VIQR.sub(_replace, text))


def encode(text: str, errors: str = "strict") -> str:
    """Write the Vietnamese letters of ``text`` in VIQR, escaping what would read as a mark.

    ``errors`` is ``strict`` (a ``đ`` after a letter raises ``UnicodeEncodeError``), ``replace``
    (writes ``?``) or ``ignore``.

    >>> encode("Đường Lê Lợi (Huế)")
    "DDu+o+`ng Le^ Lo+.i (Hue^')"
    """
    text = unicodedata.normalize("NFC", text)
    pieces: list[str] = []
    previous = ""  # the previous source character
    for position, char in enumerate(text):
        if char in _TO_VIQR:
            piece = _TO_VIQR[char]
            if char in "đĐ" and _last_character(pieces).isalpha():
                piece = _unencodable(text, position, errors)
                if piece and piece in _MARK_CHARACTERS and previous in _VIETNAMESE_VOWELS:
                    piece = "\\" + piece  # a "?" after a vowel would read as a hook
        elif (char in _MARK_CHARACTERS and previous in _VIETNAMESE_VOWELS) or (
            char in "dD" and _starts_dd(pieces)
        ):
            piece = "\\" + char
        else:
            piece = char
        pieces.append(piece)
        previous = char
    # A literal backslash needs escaping only where the decoder would take it as an escape.
    following = ""
    for index in range(len(pieces) - 1, -1, -1):
        if pieces[index] == "\\" and following and following in _ESCAPABLE:
            pieces[index] = "\\\\"
        following = pieces[index][:1] or following
    return "".join(pieces)


def _last_character(pieces: list[str]) -> str:
    for piece in reversed(pieces):
        if piece:
            return piece[-1]
    return ""


def _starts_dd(pieces: list[str]) -> bool:
    """True when the output ends with a literal d that opens a word: one more d would read as đ."""
    written = [piece for piece in pieces if piece]
    if not written or written[-1] not in ("d", "D"):
        return False
    return not _last_character(written[:-1]).isalpha()


def _unencodable(text: str, position: int, errors: str) -> str:
    if errors == "replace":
        return "?"
    if errors == "ignore":
        return ""
    error = UnicodeEncodeError(
        "viqr", text, position, position + 1, "đ right after a letter has no VIQR spelling"
    )
    if errors == "strict":
        raise error
    replacement, _ = codecs.lookup_error(errors)(error)
    return replacement if isinstance(replacement, str) else replacement.decode("ascii")
