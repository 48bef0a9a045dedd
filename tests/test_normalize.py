from __future__ import annotations

import importlib
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tachtu.normalize import (
    _CHARACTER_FIXES,
    _STRAY_JOINER,
    _fix_characters,
    clean_characters,
    drop_repeated_marks,
    is_nfc,
    is_vietnamese_syllable,
    normalize,
    normalize_with_report,
    place_tone,
    tone_key,
)

try:
    from tachtu.model import _core
except ImportError:  # pragma: no cover - where the C extension is not built
    _core = None  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ho\u0300a Bi\u0300nh", "Hòa Bình"),  # decomposed (NFD) input
        ("\u00d0à Nẵng \u00f0ồng", "Đà Nẵng đồng"),  # Icelandic eth for đ
        ("Hà\u00a0Nội\u2009mùa\u202fthu", "Hà Nội mùa thu"),  # odd spaces
        ("Việt\u200b Nam\u00ad\ufeff", "Việt Nam"),  # zero-width, soft hyphen, BOM
        ("Hà Nội\u200e là \u202bthủ đô\u202c \u2066mùa\u2069", "Hà Nội là thủ đô mùa"),  # bidi
        ("dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"),
        ("lựơng", "lượng"),  # a mark where neither style puts it
        ("tóan học", "toán học"),
        ("hòa hoà thủy thuỷ", "hòa hoà thủy thuỷ"),  # both styles kept as written
        ("Putin José café", "Putin José café"),  # foreign words untouched
        # A zero-width joiner is kept inside an emoji (a family, a rainbow flag) only.
        ("vui 👨\u200d👩\u200d👧 🏳\ufe0f\u200d🌈", "vui 👨\u200d👩\u200d👧 🏳\ufe0f\u200d🌈"),
        ("Hà\u200dNội \u200d👍 👍\u200d \u200d", "HàNội 👍 👍 "),
    ],
)
def test_normalize_cleans(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


@pytest.mark.parametrize(
    ("word", "old", "new"),
    [
        ("hòa", "hòa", "hoà"),
        ("hoà", "hòa", "hoà"),
        ("thủy", "thủy", "thuỷ"),
        ("Ủy", "Ủy", "Uỷ"),
        ("khỏe", "khỏe", "khoẻ"),
        ("HOÀ", "HÒA", "HOÀ"),
        ("toán", "toán", "toán"),  # a final consonant: both styles agree
        ("người", "người", "người"),
        ("quý", "quý", "quý"),  # qu owns its u
        ("già", "già", "già"),
        ("của", "của", "của"),
    ],
)
def test_tone_styles(word: str, old: str, new: str) -> None:
    assert place_tone(word, "old") == old
    assert place_tone(word, "new") == new
    assert normalize(word, tone_style="old") == old
    assert normalize(word, tone_style="new") == new


def test_tone_key_merges_spellings() -> None:
    assert tone_key("Hòa") == tone_key("hoà") == tone_key("HOÀ") == "hoà"


@pytest.mark.parametrize(
    ("word", "vietnamese"),
    [
        ("Nguyễn", True),
        ("người", True),
        ("khuya", True),
        ("Putin", False),
        ("OSCE", False),
        ("x", False),
    ],
)
def test_is_vietnamese_syllable(word: str, vietnamese: bool) -> None:
    assert is_vietnamese_syllable(word) is vietnamese


_LETTERS = "aăâeêioôơuưyđbcdghklmnpqrstvx ÀÁẢÃẠàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
# Combining tone marks, odd spaces, invisible characters and line ends that normalize must handle.
_TROUBLE = "\u0300\u0301\u0303\u0309\u0323\u00a0\u200b\r\nÐ.,"
vietnamese_text = st.text(alphabet=st.sampled_from(_LETTERS + _TROUBLE))


@given(st.one_of(vietnamese_text, st.text()))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(vietnamese_text, st.sampled_from(["keep", "old", "new"]))
def test_normalize_keeps_letters_and_length_class(text: str, style: str) -> None:
    out = normalize(text, tone_style=style)  # type: ignore[arg-type]

    # Tone placement only moves marks: the letters without marks stay the same.
    def bare(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))

    assert bare(out).replace("\n", "") == bare(normalize(text, tone_style="keep")).replace("\n", "")


@pytest.mark.parametrize("encoding", ["utf-8", "tcvn3", "vni", "viscii", "cp1258", "viqr"])
def test_normalize_reads_bytes_in_any_encoding(encoding: str) -> None:
    from tachtu.encodings import encode

    text = "Tiếng Việt có dấu, hòa bình."
    data = encode(text, encoding)
    assert normalize(data) == text
    assert normalize(data, encoding=encoding) == text
    report = normalize_with_report(data)
    assert report.text == text and report.encoding == encoding


@pytest.mark.parametrize(
    ("raw", "changes"),
    [
        ("Hòa bình", {}),
        ("Ho\u0300a\r\n", {"composed": 1, "line_ends": 1}),
        ("lựơng tóan\u200b", {"tone_marks": 2, "invisible": 1}),
        ("Hà\u200dNội 👨\u200d👩", {"invisible": 1}),  # the emoji's joiner is no change
        ("\u00d0à\u00a0Nẵng", {"eth_as_d": 1, "odd_spaces": 1}),
        ("hòa thủy", {"tone_marks": 2}),  # asked for the new style below
        ("huyệ\u0323n Sơ\u031bn ướ\u0301c", {"repeated_marks": 3}),
        ("a\u0301\u0301", {"composed": 1, "repeated_marks": 1}),
    ],
)
def test_report_counts_each_kind_of_change(raw: str, changes: dict[str, int]) -> None:
    style = "new" if raw == "hòa thủy" else "keep"
    report = normalize_with_report(raw, tone_style=style)  # type: ignore[arg-type]
    assert report.text == normalize(raw, tone_style=style)  # type: ignore[arg-type]
    assert report.changes == changes
    assert report.encoding == "unicode"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        # Typed twice over one letter: NFC puts the first mark on the letter and leaves the
        # second beside it, where the syllable is no longer one.
        ("huyệ\u0323n Sơ\u031bn tiề\u0300n", "huyện Sơn tiền"),
        ("Ướ\u0301c ý\u0301 x\u0301\u0301", "Ước ý x\u0301"),
        # With the repeat gone, the mark after it composes.
        ("ê\u0302\u0301", "ế"),
        # Two tones on one vowel: which one was meant is not known, so both stay.
        ("đôí\u0300 miể\u0303n", "đôí\u0300 miể\u0303n"),
    ],
)
def test_a_mark_repeated_over_its_letter_is_dropped(text: str, clean: str) -> None:
    assert normalize(text) == clean
    assert clean_characters(text) == clean


def test_report_counts_repaired_mojibake() -> None:
    report = normalize_with_report("Viá»‡t Nam".encode())
    assert report.text == "Việt Nam" and report.changes == {"mojibake": 1}


_AWKWARD = st.sampled_from(
    [
        "Hòa",
        "Ho\u0300a",
        "\u00a0",
        "\u200b",
        "\r",
        "\r\n",
        "\n",
        " ",
        "Ð",
        "lựơng",
        "a\u0301\u0323",
        "\u0301",
        "x",
        "\u200d",
        "👨",
    ]
)


@settings(max_examples=50, deadline=None)
@given(pieces=st.lists(_AWKWARD, min_size=1, max_size=40), repeat=st.integers(1, 4000))
@example(pieces=["Ho\u0300a", "\u00a0", "\r\n", "Ð", "\u200b"], repeat=20_000)
def test_long_text_is_cleaned_as_a_whole(pieces: list[str], repeat: int) -> None:
    # Past 64K characters the fixes go a line at a time (see normalize._by_line): same text.
    text = "".join(pieces) * repeat
    whole = unicodedata.normalize("NFC", _fix_characters(text.replace("\r\n", "\n")))
    whole = drop_repeated_marks(whole)
    assert clean_characters(text) == whole


@settings(max_examples=50, deadline=None)
@given(
    pieces=st.lists(_AWKWARD, min_size=1, max_size=40),
    style=st.sampled_from(["keep", "old", "new"]),
)
def test_report_gives_the_text_normalize_gives(pieces: list[str], style: str) -> None:
    text = "".join(pieces)
    report = normalize_with_report(text, tone_style=style)  # type: ignore[arg-type]
    assert report.text == normalize(text, tone_style=style)  # type: ignore[arg-type]


def _clean_in_python(text: str) -> str:
    # the whole text at once, where clean_characters fixes only the lines that need it
    fixed = _STRAY_JOINER.sub("", text.replace("\r\n", "\n").translate(_CHARACTER_FIXES))
    return drop_repeated_marks(unicodedata.normalize("NFC", fixed))


def test_characters_the_compiled_check_passes_are_left_alone_by_cleaning() -> None:
    core = pytest.importorskip("tachtu.model._core")
    passed = [chr(c) for c in range(0x110000) if core.is_clean_text(chr(c))]
    assert "a" in passed and "ệ" in passed and "“" in passed and "₫" in passed
    assert "\r" not in passed and "\u0300" not in passed and "\u00a0" not in passed
    # The same answer whether the string holds its characters in one byte or in two.
    assert all(core.is_clean_text(c + "ệ") for c in passed if ord(c) < 0x100)
    # Each of them next to each other: NFC can only join neighbours, so this is every text
    # made of them.
    for first in passed:
        text = first + first.join(passed) + first
        assert _clean_in_python(text) == text, f"U+{ord(first):04X}"


def test_the_compiled_check_answers_alike_in_every_place_of_a_block() -> None:
    # It tests eight characters of two bytes (sixteen of one) at a time and the rest one by
    # one: every character of the BMP must get the same answer in every lane of a block as
    # alone.
    core = pytest.importorskip("tachtu.model._core")
    for code in range(0x10000):
        char = chr(code)
        alone = core.is_clean_text(char)
        texts = [char * 17, *("ệ" * k + char + "ệ" * (16 - k) for k in range(0, 17, 3))]
        if code < 0x100:
            texts += [char * 33, *("a" * k + char + "a" * (32 - k) for k in range(0, 33, 5))]
        assert all(core.is_clean_text(text) == alone for text in texts), f"U+{code:04X}"


@given(st.text() | st.text(alphabet="Hà Nội thủ đô “”…–\r\n\u00a0\u0300\u1ea0₫"))
@example("\u200d")  # a joiner with no emoji around it is dropped
@example("👨\u200d👩 a\u200d")
def test_compiled_check_passes_only_clean_text(text: str) -> None:
    core = pytest.importorskip("tachtu.model._core")
    if core.is_clean_text(text):
        assert _clean_in_python(text) == text
    assert clean_characters(text) == _clean_in_python(text)


@given(st.text() | st.text(alphabet="Hà Nội thủ đô “”…–\r\n\u00a0\u0300\u0323\u1ea0₫e"))
def test_is_nfc_is_what_unicodedata_says(text: str) -> None:
    assert is_nfc(text) == unicodedata.is_normalized("NFC", text)


def _spelled_words() -> list[str]:
    """Every syllable the spelling rules allow, with each tone mark on each of its vowels (and
    two marks, and none), some in upper and title case, and letter strings the rules reject."""
    rules = importlib.import_module("tachtu.normalize")
    vowels = "aăâeêioôơuưy"
    words = set()
    for initial in [*rules._INITIALS, ""]:
        for nucleus in rules._NUCLEI:
            for final in [*rules._FINALS, ""]:
                base = initial + nucleus + final
                words.add(base)
                for at, letter in enumerate(base):
                    if letter in vowels:
                        for mark in rules._TONE_MARKS:
                            toned = base[: at + 1] + mark + base[at + 1 :]
                            words.add(unicodedata.normalize("NFC", toned))
    words |= {unicodedata.normalize("NFC", w + "o\u0301") for w in sorted(words)[::50]}
    words |= {"xyz", "qua", "gia", "gịa", "qúa", "nghiêng", "đđ", "ươ", "pthu", "Đắk"}
    ordered = sorted(words)
    return ordered + [w.upper() for w in ordered[::9]] + [w.title() for w in ordered[4::9]]


@pytest.mark.skipif(_core is None, reason="C extension not built")
def test_the_core_places_tones_and_tells_syllables_as_normalize_does() -> None:
    # The compiled core places tone marks and tells syllables itself in the words it splits
    # (tachtu.model._core.place_tone), for words of the letters Vietnamese is written with, and
    # normalize.place_tone asks it first: it must answer as the spelling rules do.
    rules = importlib.import_module("tachtu.normalize")
    words = _spelled_words()
    for word in words:
        for style in ("keep", "old", "new"):
            by_rules = rules._place_tone_by_rules(word, style)
            assert _core.place_tone(word, style) == by_rules, (word, style)
        assert _core.is_syllable(word) == is_vietnamese_syllable(word), word
    # Other letters are left to Python.
    for word in ["über", "naïve", "Ðà", "ǹ", "ma\u0301"]:
        assert _core.place_tone(word, "keep") is None
        assert _core.is_syllable(word) is None
