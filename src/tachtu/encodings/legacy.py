"""Decoders and encoders for the byte encodings: TCVN3, VNI-Windows, VISCII and Windows-1258.

All four run through the C charmap codec of the standard library (the machinery behind Python's
own ``cp1252``), so a megabyte decodes in milliseconds and errors carry byte offsets. The maps are
built once from the tables in ``_tables``; decoding always ends in NFC.

>>> TCVN3.decode(b"Vi\\xd6t Nam"), VNI.decode(b"Vie\\xe4t Nam"), VISCII.encode("Việt")
('Việt Nam', 'Việt Nam', b'Vi\\xaet')
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from tachtu.encodings._tables import (
    CP1252_C1,
    CP1258_HIGH,
    TCVN3_VN2_ONLY,
    TCVN_HIGH,
    TONE_MARKS,
    UNDEFINED,
    VISCII_HIGH,
    VISCII_LOW,
    VNI_LETTERS,
    VNI_MARKS,
    vietnamese_letters,
)

__all__ = [
    "CASE_RESTORED",
    "CP1258",
    "TCVN3",
    "VISCII",
    "VNI",
    "ByteCodec",
    "restore_tcvn3_capitals",
    "vni_case_mismatches",
]


@dataclass(frozen=True, slots=True, eq=False)
class ByteCodec:
    """One byte encoding: a byte-to-text map for decoding and a character-to-bytes map back."""

    name: str
    decoding_map: dict[int, str]
    encoding_map: dict[int, bytes]

    def decode(self, data: bytes, errors: str = "strict") -> str:
        """Decode ``data`` to NFC text; ``errors`` works as in ``bytes.decode``."""
        try:
            text, _ = codecs.charmap_decode(data, errors, self.decoding_map)
        except UnicodeDecodeError as error:
            raise UnicodeDecodeError(
                self.name, data, error.start, error.end, "byte is not assigned in this encoding"
            ) from None
        return unicodedata.normalize("NFC", text)

    def encode(self, text: str, errors: str = "strict") -> bytes:
        """Encode NFC ``text``; error offsets count characters of the NFC form."""
        text = unicodedata.normalize("NFC", text)
        try:
            data, _ = codecs.charmap_encode(text, errors, self.encoding_map)
        except UnicodeEncodeError as error:
            raise UnicodeEncodeError(
                self.name, text, error.start, error.end, "character has no code in this encoding"
            ) from None
        return data


def _ascii_map() -> dict[int, str]:
    return {byte: chr(byte) for byte in range(0x80)}


def _reverse(decoding_map: dict[int, str]) -> dict[int, bytes]:
    """Encoding map of the one-character entries; the first byte wins where two share a character."""
    encoding_map: dict[int, bytes] = {}
    for byte, char in sorted(decoding_map.items()):
        if len(char) == 1:
            encoding_map.setdefault(ord(char), bytes([byte]))
    return encoding_map


def _split_tone(letter: str) -> tuple[str, str]:
    """``ấ`` -> (``â``, combining acute): the letter without its tone mark, and the mark."""
    parts = unicodedata.normalize("NFD", letter)
    tone = "".join(mark for mark in parts if mark in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in TONE_MARKS))
    return base, tone


def _build_tcvn3() -> ByteCodec:
    decoding = _ascii_map()
    decoding.update((0x80 + i, char) for i, char in enumerate(CP1252_C1) if char != UNDEFINED)
    decoding.update((0xA0 + i, char) for i, char in enumerate(TCVN_HIGH))
    encoding = _reverse({b: c for b, c in decoding.items() if b not in TCVN3_VN2_ONLY})
    # VN3 has no toned capitals: ABC users typed the lower-case code in an all-capitals font, so
    # that is what a capital becomes, and decoding it gives lower case back (a documented loss).
    for letter in vietnamese_letters():
        if letter.isupper() and ord(letter) not in encoding:
            encoding[ord(letter)] = encoding[ord(letter.lower())]
    return ByteCodec("tcvn3", decoding, encoding)


def _build_viscii() -> ByteCodec:
    decoding = _ascii_map()
    decoding.update(VISCII_LOW)
    decoding.update((0x80 + i, char) for i, char in enumerate(VISCII_HIGH))
    return ByteCodec("viscii", decoding, _reverse(decoding))


def _build_cp1258() -> ByteCodec:
    decoding = _ascii_map()
    decoding.update((0x80 + i, char) for i, char in enumerate(CP1258_HIGH) if char != UNDEFINED)
    encoding = _reverse(decoding)
    # Toned letters the code page lacks: base letter (with its circumflex, breve or horn) + tone.
    for letter in vietnamese_letters():
        if ord(letter) not in encoding:
            base, tone = _split_tone(letter)
            encoding[ord(letter)] = encoding[ord(base)] + encoding[ord(tone)]
    return ByteCodec("cp1258", decoding, encoding)


def _build_vni() -> ByteCodec:
    cp1252 = _ascii_map()
    cp1252.update((0x80 + i, char) for i, char in enumerate(CP1252_C1) if char != UNDEFINED)
    cp1252.update((byte, chr(byte)) for byte in range(0xA0, 0x100))
    vni_bytes = {char.encode("cp1252")[0] for char in (*VNI_MARKS, *VNI_LETTERS)}
    vni_bytes |= {byte - 0x20 for byte in vni_bytes}
    decoding = dict(cp1252)
    for char, marks in VNI_MARKS.items():
        decoding[ord(char)] = marks
        decoding[ord(char.upper())] = marks
    for char, letter in VNI_LETTERS.items():
        decoding[ord(char)] = letter
        decoding[ord(char.upper())] = letter.upper()
    # Characters of Windows-1252 whose byte VNI does not use pass through unchanged.
    encoding = _reverse({b: c for b, c in cp1252.items() if b not in vni_bytes})
    own_byte = {letter: char for char, letter in VNI_LETTERS.items()}
    mark_byte = {marks: char for char, marks in VNI_MARKS.items()}
    for letter in vietnamese_letters():
        lower = letter.lower()
        if lower in own_byte:
            code = own_byte[lower]
        else:
            base, tone = _split_tone(lower)
            if base in ("ơ", "ư"):
                code = own_byte[base] + mark_byte[tone] if tone else own_byte[base]
            else:
                parts = unicodedata.normalize("NFD", base)
                code = parts[0] + mark_byte["".join(parts[1:]) + tone]
        if letter.isupper():
            code = code.upper()
        encoding[ord(letter)] = code.encode("cp1252")
    return ByteCodec("vni", decoding, encoding)


TCVN3 = _build_tcvn3()
VNI = _build_vni()
VISCII = _build_viscii()
CP1258 = _build_cp1258()


def _vni_mismatch_pattern() -> re.Pattern[bytes]:
    lower = bytes(sorted(char.encode("cp1252")[0] for char in VNI_MARKS))
    upper = bytes(byte - 0x20 for byte in lower)
    lower_bases = re.escape(b"aeiouy\xf4\xf6")  # \xf4 \xf6: VNI's own bytes for ơ and ư
    upper_bases = re.escape(b"AEIOUY\xd4\xd6")
    return re.compile(
        b"["
        + lower_bases
        + b"]["
        + re.escape(upper)
        + b"]|["
        + upper_bases
        + b"]["
        + re.escape(lower)
        + b"]"
    )


_VNI_MISMATCH = _vni_mismatch_pattern()


def vni_case_mismatches(data: bytes) -> int:
    """Base letters followed by a VNI mark byte of the other case (``i`` + ``0xD5``).

    VNI keyboards write the mark byte in the case of its letter, so in real VNI text this count is
    near zero; in other encodings read as VNI it is not.

    >>> vni_case_mismatches(VNI.encode("Tiếng Việt")), vni_case_mismatches(TCVN3.encode("Tiếng Việt"))
    (0, 1)
    """
    return len(_VNI_MISMATCH.findall(data))


# A TCVN3 letter that lost its capital: a lower-case toned vowel, the only letters VN3 lacks.
_LOSSY = frozenset(
    letter
    for letter in vietnamese_letters()
    if letter.islower() and TCVN3.encode(letter.upper()) == TCVN3.encode(letter)
)
_LOSSY_CLASS = "[" + "".join(sorted(_LOSSY)) + "]"
_LOSSY_LETTER = re.compile(_LOSSY_CLASS)
_WORD_WITH_CAPITAL = re.compile(r"[^\W\d_]*[A-ZĂÂÊÔƠƯĐ][^\W\d_]*")
# Letters TCVN3 writes in both cases, to tell a line of capitals from ordinary text.
_CAPITAL = re.compile("[A-ZĂÂÊÔƠƯĐ]")
_SMALL = re.compile("[a-zăâêôơưđ]")
# Where a sentence starts: the start of a line, or after . ! ? (not an ellipsis) and spaces, with
# opening quotes, brackets or a dash allowed before the first letter.
_SENTENCE_START = re.compile(r"(?:^|(?<=[^.…][.!?])[ \t]+)[\"'“‘(\[–—-]*[ \t]*", re.MULTILINE)


CASE_RESTORED = "case_restored"
"""Change kind: a TCVN3 capital put back."""


def restore_tcvn3_capitals(text: str) -> tuple[str, int]:
    """Put back the toned capitals that TCVN3 cannot write, where the context shows them.

    A line written in capitals (titles) gets all of them back; so does a word with at least two
    other capitals (``THủY``, not ``Hà``); a word opening a line or a sentence gets its first letter.

    >>> restore_tcvn3_capitals("THủY ĐIệN HòA BìNH\\nHà Nội. ủy ban nhân dân")
    ('THỦY ĐIỆN HÒA BÌNH\\nHà Nội. Ủy ban nhân dân', 5)
    """
    if not _LOSSY_LETTER.search(text):
        return text, 0
    restored = 0
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if _in_capitals(line):
            lines[index], count = _LOSSY_LETTER.subn(lambda match: match.group().upper(), line)
            restored += count
    text = "".join(lines)

    def word_of_capitals(match: re.Match[str]) -> str:
        nonlocal restored
        word = match.group()
        others = _LOSSY_LETTER.sub("", word)
        if len(others) == len(word) or len(others) < 2 or not others.isupper():
            return word
        restored += len(word) - len(others)
        return word.upper()

    text = _WORD_WITH_CAPITAL.sub(word_of_capitals, text)
    starts = [
        m.end() for m in _SENTENCE_START.finditer(text) if text[m.end() : m.end() + 1] in _LOSSY
    ]
    if starts:
        chars = list(text)
        for start in starts:
            chars[start] = chars[start].upper()
        text = "".join(chars)
        restored += len(starts)
    return text, restored


def _in_capitals(line: str) -> bool:
    """A line whose letters, the lossy ones aside, are (nearly) all capitals: a title."""
    upper = len(_CAPITAL.findall(line))
    return upper >= 4 and upper >= 9 * len(_SMALL.findall(line))
