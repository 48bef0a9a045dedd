from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tachtu.syllables import _MARKS, _PLAIN, SyllableKind, split_syllables, syllables

from .conftest import shared_path


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("TP.HCM có 1.000 người", ["TP.HCM", "có", "1.000", "người"]),
        ("tăng 3,5% lên 50%", ["tăng", "3,5%", "lên", "50%"]),
        ("ngày 1/8/2014 lúc 10:30", ["ngày", "1/8/2014", "lúc", "10:30"]),
        ("30-4-1975 và 6-2004", ["30-4-1975", "và", "6-2004"]),
        ("2017-05-22 và 2016-2017", ["2017-05-22", "và", "2016", "-", "2017"]),
        ("PGS.TS Nguyễn V. A", ["PGS.TS", "Nguyễn", "V.", "A"]),
        ("Tp. HCM, Q. 1", ["Tp.", "HCM", ",", "Q.", "1"]),
        # Glued to the number it abbreviates for, it is the same unit: its dot ends nothing.
        ("Q.1, P.4, No.1", ["Q.", "1", ",", "P.", "4", ",", "No.", "1"]),
        # Nor does the dot of a version, an f-number, days of a month or a title.
        ("v3.0, F1.7 và PM2.5.", ["v3.0", ",", "F1.7", "và", "PM2.5", "."]),
        ("ngày 14-18.5 và 4-8.6.2017.", ["ngày", "14-18.5", "và", "4-8.6.2017", "."]),
        ("ThS.BS Phan", ["ThS.BS", "Phan"]),
        (
            "Bộ GD&ĐT, R&D, Johnson&Johnson",
            ["Bộ", "GD&ĐT", ",", "R&D", ",", "Johnson", "&", "Johnson"],
        ),
        ("sách, vở v.v... rồi", ["sách", ",", "vở", "v.v...", "rồi"]),
        # An ellipsis for the last dot, as the gold writes it; "v.v….." keeps its other dots.
        ("cam, quýt, v.v… rồi v.v…..", ["cam", ",", "quýt", ",", "v.v…", "rồi", "v.v…", ".."]),
        ("N.V. Thường và L.A.Đ.", ["N.V.", "Thường", "và", "L.A.Đ."]),
        ("của WTO. Sau đó", ["của", "WTO", ".", "Sau", "đó"]),
        ("chờ... và chờ…", ["chờ", "...", "và", "chờ", "…"]),
        # An emoji is one unit, whatever it is made of: a variation selector, a skin tone,
        # pictographs joined by zero-width joiners, two regional indicators (a flag).
        (
            "Yêu ❤\ufe0f lắm 👍🏻 nhà 👨\u200d👩\u200d👧 🇻🇳 ★★ →",
            ["Yêu", "❤\ufe0f", "lắm", "👍🏻", "nhà", "👨\u200d👩\u200d👧", "🇻🇳", "★", "★", "→"],
        ),
        # A keycap is one too (the digit not read as a number), and a symbol of another block
        # keeps the selector that shows it as an emoji.
        (
            "Bước 1\ufe0f\u20e3 #\ufe0f\u20e3 2\u20e3 9\ufe0f\u20e30 iPhone™\ufe0f ©\ufe0f 2024",
            [
                "Bước",
                "1\ufe0f\u20e3",
                "#\ufe0f\u20e3",
                "2\u20e3",
                "9\ufe0f\u20e3",
                "0",
                "iPhone",
                "™\ufe0f",
                "©\ufe0f",
                "2024",
            ],
        ),
        # A rule of underscores is one unit, as one of dashes is, not a row of separators.
        ("Hết. ________ ---- Mới _", ["Hết", ".", "________", "----", "Mới", "_"]),
        ("(OSCE) “Xin chào”", ["(", "OSCE", ")", "“", "Xin", "chào", "”"]),
        ("H5N1, 80km, m2", ["H5N1", ",", "80km", ",", "m2"]),
        # A number with its unit glued on is one unit, as 80km is, whatever its points and
        # commas: no dot inside it is left to end a sentence.
        ("dài 1,5m, máy 2.0L, 12,7mm", ["dài", "1,5m", ",", "máy", "2.0L", ",", "12,7mm"]),
        ("dài 4.000km, giá 2.500.000đ.", ["dài", "4.000km", ",", "giá", "2.500.000đ", "."]),
        ("1.342,8ha; 3,5tỷ 1.920x1080", ["1.342,8ha", ";", "3,5tỷ", "1.920x1080"]),
        ("10.000-20.000đ/tháng", ["10.000", "-", "20.000đ", "/", "tháng"]),
        (
            "Mác-Lênin, Co-op, M'Ga, COVID-19",
            ["Mác-Lênin", ",", "Co-op", ",", "M'Ga", ",", "COVID-19"],
        ),
        ("xem https://vnexpress.net/a-b.html.", ["xem", "https://vnexpress.net/a-b.html", "."]),
        ("gửi a.b@gmail.com #HàNội @user", ["gửi", "a.b@gmail.com", "#HàNội", "@user"]),
        # A site by its name alone is one unit, as the gold writes it.
        (
            "Theo VnExpress.net, dantri.com.vn và Zing.vn.",
            ["Theo", "VnExpress.net", ",", "dantri.com.vn", "và", "Zing.vn", "."],
        ),
        ("(VOV.VN) home.vnn.vn", ["(", "VOV.VN", ")", "home.vnn.vn"]),
        (
            "Hà Nội.Vn, Co.op, tuoitre.vn-x",
            ["Hà", "Nội", ".", "Vn", ",", "Co", ".", "op", ",", "tuoitre", ".", "vn-x"],
        ),
        ("a_b", ["a", "_", "b"]),
        # The numbers of documents and vehicles are one unit each; the dot of a plate is no
        # full stop.
        (
            "số 1234/QĐ-UBND, 67/2014/NĐ-CP và 83/2015/QH13.",
            ["số", "1234/QĐ-UBND", ",", "67/2014/NĐ-CP", "và", "83/2015/QH13", "."],
        ),
        ("Chỉ thị 36/CT/TW, 33/1999/QĐ-TTg", ["Chỉ", "thị", "36/CT/TW", ",", "33/1999/QĐ-TTg"]),
        ("QCVN 01:2009/BYT", ["QCVN", "01:2009/BYT"]),
        ("xe 29A-123.45 và 57K-2240.", ["xe", "29A-123.45", "và", "57K-2240", "."]),
        ("(99E1-329.39),", ["(", "99E1-329.39", ")", ","]),
        # Near misses stay as they were read before.
        ("70km/h, USD/thùng", ["70km", "/", "h", ",", "USD", "/", "thùng"]),
        ("12/UBND-tháng", ["12", "/", "UBND-tháng"]),
        ("1/AB-CD/", ["1", "/", "AB-CD", "/"]),
        ("29A-123.456", ["29A-123", ".", "456"]),
        ("2016-2017, 1234567/QĐ", ["2016", "-", "2017", ",", "1234567", "/", "QĐ"]),
        # A range to a decimal keeps the decimal whole, as a range from one does.
        (
            "giảm 1-1,5 điểm, 1,5-3 lần",
            ["giảm", "1", "-", "1,5", "điểm", ",", "1,5", "-", "3", "lần"],
        ),
        ("1-1.000 và 20-25", ["1", "-", "1.000", "và", "20-25"]),
        # Capitals, a dot and a number are one name; one capital and a number are not (above).
        (
            "QL.1A, ĐT.741 (KP.18), đề tài KC.08.30",
            ["QL.1A", ",", "ĐT.741", "(", "KP.18", ")", ",", "đề", "tài", "KC.08.30"],
        ),
        ("bài III.2.b; ST.319.", ["bài", "III.2.b", ";", "ST.319", "."]),
        ("QL.1A2 và WTO. 10", ["QL", ".", "1A2", "và", "WTO", ".", "10"]),
        # A team by its age is one unit, as U23 is; not with more digits.
        (
            "đội U.23 Việt Nam, U.19. U.234 và U.2",
            ["đội", "U.23", "Việt", "Nam", ",", "U.19", ".", "U.", "234", "và", "U.", "2"],
        ),
        ("Phóng viên VOV-TP.HCM", ["Phóng", "viên", "VOV-TP.HCM"]),
        ("EU-WTO.Sau đó", ["EU-WTO", ".", "Sau", "đó"]),
        # A title glued to a name is read as before a space.
        ("Mr.Bull và Mr. Bull, Dr.No", ["Mr.", "Bull", "và", "Mr.", "Bull", ",", "Dr.", "No"]),
    ],
)
def test_split_syllables(text: str, units: list[str]) -> None:
    assert split_syllables(text) == units
    assert [s.text for s in syllables(text)] == units


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("người", SyllableKind.VIETNAMESE),
        ("Putin", SyllableKind.FOREIGN),
        ("H5N1", SyllableKind.FOREIGN),
        ("1,5m", SyllableKind.FOREIGN),
        ("4.000km", SyllableKind.FOREIGN),
        ("v3.0", SyllableKind.FOREIGN),
        ("14-18.5", SyllableKind.NUMBER),
        ("1.000", SyllableKind.NUMBER),
        ("50%", SyllableKind.NUMBER),
        ("2004", SyllableKind.NUMBER),
        ("67/2014/NĐ-CP", SyllableKind.NUMBER),
        ("29A-123.45", SyllableKind.NUMBER),
        ("http://a.vn", SyllableKind.URL),
        ("Zing.vn", SyllableKind.URL),
        ("a@b.vn", SyllableKind.EMAIL),
        ("#tag", SyllableKind.HANDLE),
        ("TP.HCM", SyllableKind.ABBREVIATION),
        ("GD&ĐT", SyllableKind.ABBREVIATION),
        ("QL.1A", SyllableKind.ABBREVIATION),
        ("U.23", SyllableKind.ABBREVIATION),
        ("VOV-TP.HCM", SyllableKind.ABBREVIATION),
        ("2017-05-22", SyllableKind.NUMBER),
        ("...", SyllableKind.PUNCTUATION),
        (",", SyllableKind.PUNCTUATION),
        ("(", SyllableKind.BRACKET),
        ("“", SyllableKind.QUOTE),
        ("$", SyllableKind.SYMBOL),
        ("👨\u200d👩\u200d👧", SyllableKind.SYMBOL),
        ("1\ufe0f\u20e3", SyllableKind.SYMBOL),
        ("™\ufe0f", SyllableKind.SYMBOL),
        ("%", SyllableKind.PUNCTUATION),  # Unicode calls it punctuation (Po)
        ("§", SyllableKind.PUNCTUATION),
    ],
)
def test_kinds(unit: str, kind: SyllableKind) -> None:
    [syllable] = syllables(unit)
    assert syllable.kind is kind


@pytest.mark.parametrize(
    ("text", "units"),
    [
        # Marks that NFC cannot put on their letter stay on it, whatever the script.
        ("Москва́ и ที่นี่, हिन्दी.", ["Москва́", "и", "ที่นี่", ",", "हिन्दी", "."]),
        ("đôí\u0300 (x\u0301y)", ["đôí\u0300", "(", "x\u0301y", ")"]),
        ("Jean-Lu\u0301c O’Bri\u0301en", ["Jean-Lu\u0301c", "O’Bri\u0301en"]),
        # After a mark, a digit or a space there is no letter to stay on.
        ("tác,\u0300 \u0301a", ["tác", ",", "\u0300", "\u0301", "a"]),
    ],
)
def test_combining_marks_stay_with_their_letters(text: str, units: list[str]) -> None:
    assert split_syllables(text) == units
    assert [s.text for s in syllables(text)] == units


def test_marks_class_holds_every_combining_mark_of_the_bmp_but_variation_selectors() -> None:
    marks = re.compile(_MARKS)
    for code in range(0x10000):
        char = chr(code)
        expected = unicodedata.category(char)[0] == "M" and not 0xFE00 <= code <= 0xFE0F
        assert bool(marks.fullmatch(char)) == expected, f"U+{code:04X}"


def test_offsets_index_the_text() -> None:
    text = "  Ông  Putin (Nga)\tnói."
    for s in syllables(text):
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize(
    "line",
    [
        *["a" * 200_000, "a." * 100_000, "1." * 100_000, "x@" * 100_000, "A." * 100_000],
        # Near misses of a document number or a number plate, over and over.
        *["1/AB-" * 50_000, "1/2/AB-CD/" * 25_000, "12/" * 70_000 + "AB", "29A-123." * 30_000],
        *["1/" * 100_000 + "ab", "1:" * 100_000 + "1/ab", "12/" * 70_000 + "ab"],
        # Numbers glued to a letter at the end: each group used to be read again.
        *["1," * 100_000 + "1a", "1.1" * 70_000 + "a", "1,5" * 70_000 + "m", "1,5m" * 50_000],
        *["1.000" * 50_000 + "km", "1.000km" * 30_000, "1.000,5" * 40_000 + "đ"],
        *["v3.0" * 50_000, "a1.1" * 50_000 + "a", "14-18." * 40_000, "1-1.1" * 40_000],
        # ... and of a site's name.
        *["QL.1" * 50_000, "AB.1." * 40_000, "AB-CD-" * 40_000 + "E.F", "Mr.M" * 50_000],
        *["a.vn" * 50_000, "a" + ".vn" * 70_000, "a.b." * 50_000, "AB&" * 70_000],
        # Letters and the marks left beside them.
        *["a\u0301\u0301" * 70_000, "ि" * 100_000, "a\u0301-" * 70_000, "a’\u0301" * 70_000],
    ],
)
def test_long_lines_without_spaces_finish(line: str) -> None:
    # A backtracking pattern would take hours here; a linear one takes milliseconds.
    assert "".join(split_syllables(line)) == line


@given(st.text())
def test_no_character_is_lost(text: str) -> None:
    assert "".join(split_syllables(text)) == "".join(text.split())
    assert all(unit and not any(c.isspace() for c in unit) for unit in split_syllables(text))


@given(st.text(alphabet=st.characters(codec="utf-8")) | st.text(alphabet="aàbc1.,@:/-_'’ \t\n#%…"))
def test_chunked_fast_path_equals_the_whole_text_regex(text: str) -> None:
    assert split_syllables(text) == _PLAIN.findall(text)


def test_chunked_fast_path_on_news() -> None:
    folder = shared_path("data/news/sample-txt")
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert split_syllables(text) == _PLAIN.findall(text), path.name
