"""Codecs of tachtu.encodings: every letter of every table, errors, names, round trips.

The known answers below were checked against published tables independently of the code: the VNI
and TCVN3 columns against two separate converter tables and a printed comparison chart, the VISCII
column against RFC 1456. Windows-1258 is checked against Python's own codec.
"""

from __future__ import annotations

import codecs
import dataclasses
import unicodedata

import pytest

from tachtu.encodings import (
    ENCODINGS,
    Decoded,
    canonical_name,
    decode,
    encode,
    restore_tcvn3_capitals,
)
from tachtu.encodings._tables import vietnamese_letters

# letter, VNI lower and upper (as Windows-1252 shows the bytes), TCVN3 byte, VISCII lower and
# upper bytes, VIQR.
KNOWN = """
    à  aø  AØ  b5  e0 c0  a`
    á  aù  AÙ  b8  e1 c1  a'
    ả  aû  AÛ  b6  e4 c4  a?
    ã  aõ  AÕ  b7  e3 c3  a~
    ạ  aï  AÏ  b9  d5 80  a.
    ă  aê  AÊ  a8  e5 c5  a(
    ằ  aè  AÈ  bb  a2 82  a(`
    ắ  aé  AÉ  be  a1 81  a('
    ẳ  aú  AÚ  bc  c6 02  a(?
    ẵ  aü  AÜ  bd  c7 05  a(~
    ặ  aë  AË  c6  a3 83  a(.
    â  aâ  AÂ  a9  e2 c2  a^
    ầ  aà  AÀ  c7  a5 85  a^`
    ấ  aá  AÁ  ca  a4 84  a^'
    ẩ  aå  AÅ  c8  a6 86  a^?
    ẫ  aã  AÃ  c9  e7 06  a^~
    ậ  aä  AÄ  cb  a7 87  a^.
    è  eø  EØ  cc  e8 c8  e`
    é  eù  EÙ  d0  e9 c9  e'
    ẻ  eû  EÛ  ce  eb cb  e?
    ẽ  eõ  EÕ  cf  a8 88  e~
    ẹ  eï  EÏ  d1  a9 89  e.
    ê  eâ  EÂ  aa  ea ca  e^
    ề  eà  EÀ  d2  ab 8b  e^`
    ế  eá  EÁ  d5  aa 8a  e^'
    ể  eå  EÅ  d3  ac 8c  e^?
    ễ  eã  EÃ  d4  ad 8d  e^~
    ệ  eä  EÄ  d6  ae 8e  e^.
    ì  ì   Ì   d7  ec cc  i`
    í  í   Í   dd  ed cd  i'
    ỉ  æ   Æ   d8  ef 9b  i?
    ĩ  ó   Ó   dc  ee ce  i~
    ị  ò   Ò   de  b8 98  i.
    ò  oø  OØ  df  f2 d2  o`
    ó  où  OÙ  e3  f3 d3  o'
    ỏ  oû  OÛ  e1  f6 99  o?
    õ  oõ  OÕ  e2  f5 a0  o~
    ọ  oï  OÏ  e4  f7 9a  o.
    ô  oâ  OÂ  ab  f4 d4  o^
    ồ  oà  OÀ  e5  b0 90  o^`
    ố  oá  OÁ  e8  af 8f  o^'
    ổ  oå  OÅ  e6  b1 91  o^?
    ỗ  oã  OÃ  e7  b2 92  o^~
    ộ  oä  OÄ  e9  b5 93  o^.
    ơ  ô   Ô   ac  bd b4  o+
    ờ  ôø  ÔØ  ea  b6 96  o+`
    ớ  ôù  ÔÙ  ed  be 95  o+'
    ở  ôû  ÔÛ  eb  b7 97  o+?
    ỡ  ôõ  ÔÕ  ec  de b3  o+~
    ợ  ôï  ÔÏ  ee  fe 94  o+.
    ù  uø  UØ  ef  f9 d9  u`
    ú  uù  UÙ  f3  fa da  u'
    ủ  uû  UÛ  f1  fc 9c  u?
    ũ  uõ  UÕ  f2  fb 9d  u~
    ụ  uï  UÏ  f4  f8 9e  u.
    ư  ö   Ö   ad  df bf  u+
    ừ  öø  ÖØ  f5  d7 bb  u+`
    ứ  öù  ÖÙ  f8  d1 ba  u+'
    ử  öû  ÖÛ  f6  d8 bc  u+?
    ữ  öõ  ÖÕ  f7  e6 ff  u+~
    ự  öï  ÖÏ  f9  f1 b9  u+.
    ỳ  yø  YØ  fa  cf 9f  y`
    ý  yù  YÙ  fd  fd dd  y'
    ỷ  yû  YÛ  fb  d6 14  y?
    ỹ  yõ  YÕ  fc  db 19  y~
    ỵ  î   Î   fe  dc 1e  y.
    đ  ñ   Ñ   ae  f0 d0  dd
"""
LETTERS = [line.split() for line in KNOWN.strip().splitlines()]


def test_inventory_has_67_letters_per_case():
    letters = vietnamese_letters()
    assert len(letters) == len(set(letters)) == 134
    assert [row[0] for row in LETTERS] == [letter for letter in letters if letter.islower()]


@pytest.mark.parametrize(("letter", "vni_lower", "vni_upper"), [row[:3] for row in LETTERS])
def test_vni_letter(letter, vni_lower, vni_upper):
    for char, code in ((letter, vni_lower), (letter.upper(), vni_upper)):
        data = code.encode("cp1252")
        assert encode(char, "vni") == data
        assert decode(data, "vni").text == char


@pytest.mark.parametrize(("letter", "tcvn3"), [(row[0], row[3]) for row in LETTERS])
def test_tcvn3_letter(letter, tcvn3):
    data = bytes.fromhex(tcvn3)
    assert encode(letter, "tcvn3") == data
    assert decode(data, "tcvn3", restore_case=False).text == letter
    # VN3 has seven capitals (ĂÂÊÔƠƯĐ); every other capital is written with the lower-case code.
    upper = encode(letter.upper(), "tcvn3")
    assert decode(upper, "tcvn3", restore_case=False).text == (
        letter.upper() if letter in "ăâêôơưđ" else letter
    )


@pytest.mark.parametrize(
    ("letter", "lower", "upper"), [(row[0], row[4], row[5]) for row in LETTERS]
)
def test_viscii_letter(letter, lower, upper):
    for char, code in ((letter, lower), (letter.upper(), upper)):
        assert encode(char, "viscii") == bytes.fromhex(code)
        assert decode(bytes.fromhex(code), "viscii").text == char


@pytest.mark.parametrize("letter", vietnamese_letters())
def test_cp1258_letter_agrees_with_python(letter):
    data = encode(letter, "cp1258")
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == letter
    assert decode(data, "cp1258").text == letter
    # Python cannot write the precomposed letter: it takes the base letter and a tone mark apart.
    tone = "".join(
        m for m in unicodedata.normalize("NFD", letter) if m in "\u0300\u0301\u0303\u0309\u0323"
    )
    base = (
        unicodedata.normalize("NFC", unicodedata.normalize("NFD", letter).replace(tone, ""))
        if tone
        else letter
    )
    python_bytes = (base + tone).encode("cp1258")
    assert decode(python_bytes, "cp1258").text == letter


@pytest.mark.parametrize(("letter", "viqr"), [(row[0], row[6]) for row in LETTERS])
def test_viqr_letter(letter, viqr):
    upper = "DD" if letter == "đ" else viqr[0].upper() + viqr[1:]
    for char, code in ((letter, viqr), (letter.upper(), upper)):
        assert encode(char, "viqr") == code.encode("ascii")
        assert decode(code.encode("ascii"), "viqr").text == char


def test_windows_tables_agree_with_python():
    for byte in range(0x80, 0x100):
        data = bytes([byte])
        try:
            expected = unicodedata.normalize("NFC", data.decode("cp1258"))
        except UnicodeDecodeError:
            with pytest.raises(UnicodeDecodeError):
                decode(data, "cp1258")
            continue
        assert decode(data, "cp1258").text == expected
    # VNI and TCVN3 read 0x80-0x9F as Windows-1252 punctuation.
    for byte in range(0x80, 0xA0):
        data = bytes([byte])
        try:
            expected = data.decode("cp1252")
        except UnicodeDecodeError:
            continue
        assert decode(data, "vni").text == decode(data, "tcvn3").text == expected


# RFC 1456, table 1: VISCII bytes 0x80-0xFF by their VIQR mnemonics, one row per low nibble that
# the RFC lists (columns 8x to Fx), plus the six control bytes VISCII reassigns.
RFC1456_ROWS = {
    0x0: "A. O^` O~ o^` A` DD a` dd",
    0x1: "A(' O^? a(' o^? A' u+' a' u+.",
    0x2: "A(` O^~ a(` o^~ A^ O` a^ o`",
    0x3: "A(. O^. a(. O+~ A~ O' a~ o'",
    0x4: "A^' O+. a^' O+ A? O^ a? o^",
    0x5: "A^` O+' a^` o^. A( a. a( o~",
    0x6: "A^? O+` a^? o+` a(? y? u+~ o?",
    0x7: "A^. O+? a^. o+? a(~ u+` a^~ o.",
    0x8: "E~ I. e~ i. E` u+? e` u.",
    0x9: "E. O? e. U+. E' U` e' u`",
    0xA: "E^' O. e^' U+' E^ U' e^ u'",
    0xB: "E^` I? e^` U+` E? y~ e? u~",
    0xF: "O^' Y` o^' U+ y` u+ i? U+~",
}
RFC1456_CONTROLS = {0x02: "A(?", 0x05: "A(~", 0x06: "A^~", 0x14: "Y?", 0x19: "Y~", 0x1E: "Y."}


def test_viscii_matches_rfc1456_mnemonics():
    pairs = dict(RFC1456_CONTROLS)
    for low, row in RFC1456_ROWS.items():
        pairs.update(
            (high << 4 | low, mnemonic)
            for high, mnemonic in zip(range(8, 16), row.split(), strict=True)
        )
    assert len(pairs) == 6 + 13 * 8
    for byte, mnemonic in pairs.items():
        assert decode(bytes([byte]), "viscii").text == decode(mnemonic.encode(), "viqr").text, hex(
            byte
        )


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-16", "tcvn3", "vni", "viscii", "cp1258", "viqr"]
)
def test_all_letters_round_trip(encoding):
    text = " ".join(vietnamese_letters()) + " Hà Nội, 12/3: “Việt Nam” – ok…"
    if encoding == "viscii":
        text = text.replace("“", '"').replace("”", '"').replace("–", "-").replace("…", "...")
    decoded = decode(encode(text, encoding), encoding, restore_case=False)
    if encoding == "tcvn3":
        # The one documented loss: toned capitals come back lower case.
        assert decoded.text.lower() == text.lower()
        assert decoded.text == "".join(
            c if c.lower() in "ăâêôơưđ" or c.isascii() or not c.isupper() else c.lower()
            for c in text
        )
    else:
        assert decoded.text == text
    assert decoded.encoding == encoding
    assert not decoded.detected


@pytest.mark.parametrize(
    ("encoding", "data", "offset"),
    [
        ("tcvn3", b"Vi\xd6t\x81", 4),
        ("vni", b"Vie\xe4t \x8d", 6),
        ("cp1258", b"abc\x90", 3),
        ("utf-8", "Việt".encode() + b"\xff", 6),
        ("ascii", b"Viet\xe1", 4),
    ],
)
def test_undecodable_byte_gives_its_offset(encoding, data, offset):
    with pytest.raises(UnicodeDecodeError) as error:
        decode(data, encoding)
    assert isinstance(error.value, ValueError)
    assert error.value.start == offset
    assert f"position {offset}" in str(error.value)
    replaced = decode(data, encoding, errors="replace")
    assert replaced.text.endswith("\ufffd")
    assert replaced.changes["replaced"] == 1
    assert decode(data, encoding, errors="ignore").text == replaced.text[:-1]


@pytest.mark.parametrize(
    ("encoding", "text", "offset"),
    [
        ("viscii", "Việt “Nam”", 5),
        ("tcvn3", "Việt ½", 5),
        ("vni", "Việt ö", 5),  # ö's byte is VNI's ư
        ("cp1258", "Việt Ž", 5),
        ("viqr", "Việt GĐ", 6),  # đ after a letter has no VIQR spelling
        ("ascii", "Việt", 2),
    ],
)
def test_unencodable_character_gives_its_offset(encoding, text, offset):
    with pytest.raises(UnicodeEncodeError) as error:
        encode(text, encoding)
    assert error.value.start == offset
    assert encode(text, encoding, errors="replace").count(b"?") >= 1


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("abc", "tcvn3"),
        ("TCVN3", "tcvn3"),
        ("VNI-Windows", "vni"),
        ("vni_windows", "vni"),
        ("windows-1258", "cp1258"),
        ("Windows 1258", "cp1258"),
        ("VISCII", "viscii"),
        ("utf8", "utf-8"),
        ("VIQR", "viqr"),
        ("auto", "auto"),
    ],
)
def test_names_and_aliases(name, canonical):
    assert canonical_name(name) == canonical


def test_encodings_lists_every_name_once():
    assert len(ENCODINGS) == len(set(ENCODINGS))
    assert {
        "utf-8",
        "ascii",
        "tcvn3",
        "abc",
        "vni",
        "viscii",
        "cp1258",
        "windows-1258",
        "viqr",
    } <= set(ENCODINGS)
    assert {canonical_name(name) for name in ENCODINGS} == {
        "utf-8",
        "utf-16",
        "ascii",
        "tcvn3",
        "vni",
        "viscii",
        "cp1258",
        "viqr",
    }
    with pytest.raises(ValueError, match="unknown encoding"):
        decode(b"x", "koi8-r")
    with pytest.raises(ValueError, match="explicit"):
        encode("x", "auto")


def test_decoded_is_frozen_and_reports_composition():
    nfd = unicodedata.normalize("NFD", "Tiếng Việt")
    decoded = decode(nfd.encode(), "utf-8")
    assert isinstance(decoded, Decoded)
    assert decoded.text == "Tiếng Việt"
    assert decoded.changes == {"composed": len(nfd) - len("Tiếng Việt")}
    assert (decoded.detected, decoded.confidence, decoded.reason) == (False, 1.0, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.text = "x"  # type: ignore[misc]


def test_utf8_byte_order_mark_is_dropped():
    assert decode(codecs.BOM_UTF8 + "Việt".encode(), "utf-8").text == "Việt"


@pytest.mark.parametrize(
    ("viqr", "text"),
    [
        ("Vie^.t Nam", "Việt Nam"),
        ("DDa` Na(~ng, dda^'t nu+o+'c", "Đà Nẵng, đất nước"),
        ("Ddo^.i tuye^?n", "Đội tuyển"),
        ("Ba\\. Ba.", "Ba. Bạ"),  # RFC 1456: an unescaped period after a vowel is a mark
        ("Ha` No^.i. Dda^u? Nhau.", "Hà Nội. Đâu? Nhau."),  # unless no syllable takes it there
        ("Ho^m nay the^' na`o?", "Hôm nay thế nào?"),
        ("kho^ng?", "không?"),  # a mark after a consonant is punctuation
        ("add, Eddie", "add, Eddie"),  # dd inside a word stays
        ("d\\dos", "ddos"),
        ("C:\\\\path", "C:\\path"),
        ("a^2 + u^", "â2 + u^"),  # ^ is a mark only on a, e, o
        ("Tho+` gian", "Thờ gian"),
        ("NGU+O+`I", "NGƯỜI"),
    ],
)
def test_viqr_decoding(viqr, text):
    assert decode(viqr.encode(), "viqr").text == text


@pytest.mark.parametrize(
    ("text", "viqr"),
    [
        ("Việt Nam là nhà.", "Vie^.t Nam la` nha`\\."),
        ("Anh ấy hỏi: có không?", "Anh a^'y ho?i: co' kho^ng?"),
        ("ddos và add", "d\\dos va` add"),
        ("C:\\.", "C:\\\\."),
        ("Ông A'Lang", "O^ng A\\'Lang"),
    ],
)
def test_viqr_encoding_escapes_what_would_read_as_a_mark(text, viqr):
    assert encode(text, "viqr") == viqr.encode()
    assert decode(viqr.encode(), "viqr").text == text


@pytest.mark.parametrize(
    ("vni", "text"),
    [
        (b"Vie\xe4t Nam", "Việt Nam"),
        (b"NG\xd6\xd4\xd8I", "NGƯỜI"),
        (b"\xd1a\xf8 N\xe6ng", "Đà Nỉng"),  # æ is ỉ, a letter of its own
        (b"\x93Vie\xe4t\x94", "“Việt”"),  # Windows-1252 quotes
        (b"D\xf9", "D\u0301"),  # a mark byte after a consonant stays a combining mark
    ],
)
def test_vni_decoding(vni, text):
    assert decode(vni, "vni").text == text


@pytest.mark.parametrize(
    ("tcvn3", "text"),
    [
        (b"Vi\xd6t Nam", "Việt Nam"),
        (b"\xa7\xb5 N\xbdng", "Đà Nẵng"),
        (b"TH\xf1Y \xa7I\xd6N", "THỦY ĐIỆN"),  # capitals restored in a word of capitals
        (b"\xf1y ban nh\xa9n d\xa9n", "Ủy ban nhân dân"),  # and at the start of a line
        (b"H\xb5 N\xe9i", "Hà Nội"),  # a title-case word keeps its small letters
        (b"V\xc4n", "VẤn"),  # VN2's extra capitals are read too
        (b"xa\xb3", "xá"),  # and its combining tone marks
    ],
)
def test_tcvn3_decoding(tcvn3, text):
    assert decode(tcvn3, "tcvn3").text == text


@pytest.mark.parametrize(
    ("text", "restored", "count"),
    [
        ("THủY ĐIệN", "THỦY ĐIỆN", 2),
        ("ấN Độ", "ẤN Độ", 1),
        ("Người dân. ở đây", "Người dân. Ở đây", 1),
        ("chờ đợi... ở đây", "chờ đợi... ở đây", 0),  # an ellipsis does not end a sentence
        ("“ủy ban”", "“Ủy ban”", 1),
        ("XÃ HộI CHủ NGHĨA", "XÃ HỘI CHỦ NGHĨA", 2),
        ("Mỹ và Hà Nội", "Mỹ và Hà Nội", 0),
    ],
)
def test_restore_tcvn3_capitals(text, restored, count):
    assert restore_tcvn3_capitals(text) == (restored, count)
