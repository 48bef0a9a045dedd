"""Byte tables of the legacy Vietnamese encodings, kept as data.

Every table below maps bytes to Unicode; the encoders are derived from them, so one table is the
single source of truth for both directions. Sources, entry by entry:

- VISCII: RFC 1456 (VISCII 1.1), table 1; it reassigns six C0 control bytes as well.
- TCVN3: TCVN 5712:1993, the VN3 subset (the "ABC" fonts): 67 lower-case letters, the 7 capitals
  without a tone mark, and NBSP. VN3 leaves 21 of the bytes 0xA0-0xFF unassigned; VN2 (a superset
  of VN3) gives them 16 toned capitals and 5 combining tone marks, so the decoder reads them that way.
- VNI-Windows: the VNI font layout; a letter is an ASCII base letter followed by one byte that draws
  its marks (``a`` + ``0xF9`` is ``á``), except for a few letters that have a byte of their own.
- Windows-1258 and Windows-1252: Microsoft's code pages as published on unicode.org.

The bytes 0x80-0x9F are C1 controls in VN3 and VNI. Text in those encodings lived in Windows "ANSI"
files, where these bytes are Windows-1252 punctuation (curly quotes, dashes, the ellipsis), and the
fonts draw them so; the decoders read them as Windows-1252. The tests check the Windows tables
against Python's own codecs and the VISCII table against the VIQR mnemonics of RFC 1456.
"""

from __future__ import annotations

import unicodedata

UNDEFINED = "\ufffe"
"""Marks a byte that the encoding leaves unassigned."""

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
"""Combining grave, acute, tilde, hook above, dot below: the five Vietnamese tone marks."""

VOWELS = "aăâeêioôơuưy"


def _rows(*rows: str) -> str:
    table = "".join(rows)
    if len(table) % 16:
        raise AssertionError("a table row lost a character")
    return table


# Windows-1252 0x80-0x9F: the punctuation that VN3 and VNI text carries in its C1 range.
CP1252_C1 = _rows(
    "€\ufffe‚ƒ„…†‡ˆ‰Š‹Œ\ufffeŽ\ufffe",  # 80-8F
    "\ufffe‘’“”•–—˜™š›œ\ufffežŸ",  # 90-9F
)

# Windows-1258 0x80-0xFF. Five bytes are combining tone marks: the code page writes every toned
# letter it lacks as a base letter followed by one of them.
CP1258_HIGH = _rows(
    "€\ufffe‚ƒ„…†‡ˆ‰\ufffe‹Œ\ufffe\ufffe\ufffe",  # 80-8F
    "\ufffe‘’“”•–—˜™\ufffe›œ\ufffe\ufffeŸ",  # 90-9F
    "\xa0¡¢£¤¥¦§¨©ª«¬\xad®¯",  # A0-AF
    "°±²³´µ¶·¸¹º»¼½¾¿",  # B0-BF
    "ÀÁÂĂÄÅÆÇÈÉÊË\u0300ÍÎÏ",  # C0-CF
    "ĐÑ\u0309ÓÔƠÖ×ØÙÚÛÜƯ\u0303ß",  # D0-DF
    "àáâăäåæçèéêë\u0301íîï",  # E0-EF
    "đñ\u0323óôơö÷øùúûüư₫ÿ",  # F0-FF
)

# VISCII 0x80-0xFF (RFC 1456): no room is left for punctuation beyond ASCII.
VISCII_HIGH = _rows(
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ",  # 80-8F
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ",  # 90-9F
    "Õắằặấầẩậẽẹếềểễệố",  # A0-AF
    "ồổỗỠƠộờởịỰỨỪỬơớƯ",  # B0-BF
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ",  # C0-CF
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư",  # D0-DF
    "àáâãảăữẫèéêẻìíĩỉ",  # E0-EF
    "đựòóôõỏọụùúũủýợỮ",  # F0-FF
)
# The six rarely used control bytes that VISCII gives to the capitals that did not fit above.
VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}

# TCVN 5712 VN2 0xA0-0xFF; VN3 is this table less the entries of TCVN3_VN2_ONLY.
TCVN_HIGH = _rows(
    "\xa0ĂÂÊÔƠƯĐăâêôơưđẰ",  # A0-AF
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ",  # B0-BF
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ",  # C0-CF
    "éẹềểễếệìỉỄẾỒĩíịò",  # D0-DF
    "Ổỏõóọồổỗốộờởỡớợù",  # E0-EF
    "ỖủũúụừửữứựỳỷỹýỵỐ",  # F0-FF
)
TCVN3_VN2_ONLY = frozenset(
    b
    for b, char in enumerate(TCVN_HIGH, 0xA0)
    if char in TONE_MARKS or (char.isupper() and b > 0xA7)
)

# VNI-Windows: the byte after a base letter that carries its marks, as the Windows-1252 character
# of that byte. Capitals take the upper-case form of the same byte (0x20 lower).
VNI_MARKS = {
    "ù": "\u0301",  # sắc
    "ø": "\u0300",  # huyền
    "û": "\u0309",  # hỏi
    "õ": "\u0303",  # ngã
    "ï": "\u0323",  # nặng
    "â": "\u0302",  # circumflex: â ê ô
    "á": "\u0302\u0301",
    "à": "\u0302\u0300",
    "å": "\u0302\u0309",
    "ã": "\u0302\u0303",
    "ä": "\u0302\u0323",
    "ê": "\u0306",  # breve: ă
    "é": "\u0306\u0301",
    "è": "\u0306\u0300",
    "ú": "\u0306\u0309",
    "ü": "\u0306\u0303",
    "ë": "\u0306\u0323",
}
# VNI letters that have a byte of their own; ơ and ư take tone bytes after them like base letters.
VNI_LETTERS = {
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
}


def vietnamese_letters() -> tuple[str, ...]:
    """The 134 precomposed letters of Vietnamese beyond ASCII, lower case then upper case.

    >>> letters = vietnamese_letters()
    >>> len(letters), letters[:3], "đ" in letters, "Ự" in letters
    (134, ('à', 'á', 'ả'), True, True)
    """
    lower = [
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in VOWELS
        for tone in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    ]
    lower = [letter for letter in lower if not letter.isascii()] + ["đ"]
    return (*lower, *(letter.upper() for letter in lower))
