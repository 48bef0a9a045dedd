"""Property tests for tachtu.encodings: round trips, robustness on any bytes, repair and detection."""

from __future__ import annotations

import unicodedata
from collections import Counter
from unittest import mock

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tachtu.encodings import canonical_name, decode, detect, encode, mojibake, repair_mojibake
from tachtu.encodings._tables import vietnamese_letters
from tachtu.encodings.mojibake import could_hold_utf8_mojibake
from tachtu.encodings.spelling import _ONSETS, _RHYMES, is_syllable

TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
ENCODINGS = ("utf-8", "tcvn3", "vni", "viscii", "cp1258", "viqr")
# What may stand between syllables in each encoding: VISCII has no typographic punctuation.
PLAIN_SEPARATORS = (
    " ",
    " ",
    " ",
    ", ",
    ". ",
    "\n",
    " - ",
    " (",
    ") ",
    ": ",
    '"',
    "? ",
    "! ",
    " 12 ",
)
TYPOGRAPHIC_SEPARATORS = (*PLAIN_SEPARATORS, " “", "” ", " – ", "… ")


@st.composite
def syllables(draw, *, cased: bool = True) -> str:
    onset = draw(st.sampled_from(["", *sorted(_ONSETS)]))
    rhyme = draw(st.sampled_from(sorted(_RHYMES)))
    # Only real syllables: stop finals take only two tones (no "đơt"), qu takes no u after it.
    # A paragraph of words that spell nothing is no evidence for its encoding.
    spelled = [unicodedata.normalize("NFC", onset + rhyme[0] + tone + rhyme[1:]) for tone in TONES]
    spelled = [word for word in spelled if is_syllable(word)]
    assume(spelled)
    word = draw(st.sampled_from(spelled))
    if cased:
        word = draw(st.sampled_from([word, word, word.capitalize(), word.upper()]))
    return word


@st.composite
def vietnamese_texts(draw, *, separators=TYPOGRAPHIC_SEPARATORS, cased=True, min_size=1) -> str:
    words = draw(st.lists(syllables(cased=cased), min_size=min_size, max_size=40))
    gaps = draw(st.lists(st.sampled_from(separators), min_size=len(words), max_size=len(words)))
    return "".join(word + gap for word, gap in zip(words, gaps, strict=True)).strip(" ")


@settings(max_examples=300)
@given(vietnamese_texts(), st.sampled_from(["utf-8", "vni", "cp1258", "viqr"]))
def test_round_trip(text, encoding):
    assert decode(encode(text, encoding), encoding).text == text


@settings(max_examples=300)
@given(vietnamese_texts(separators=PLAIN_SEPARATORS))
def test_round_trip_viscii(text):
    assert decode(encode(text, "viscii"), "viscii").text == text


@settings(max_examples=300)
@given(vietnamese_texts(cased=False))
def test_round_trip_tcvn3_lower_case(text):
    assert decode(encode(text, "tcvn3"), "tcvn3", restore_case=False).text == text


@settings(max_examples=300)
@given(vietnamese_texts())
def test_tcvn3_loses_only_the_case_of_toned_capitals(text):
    decoded = decode(encode(text, "tcvn3"), "tcvn3").text
    assert decoded.lower() == text.lower()
    assert len(decoded) == len(text)


TRICKY = [*vietnamese_letters(), *"aeiouyAEIOUYdDnt", *"\\(^+'`?~. ,-\n", "dd", "DD"]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(TRICKY), max_size=30).map("".join))
def test_viqr_round_trip_on_tricky_text(text):
    text = unicodedata.normalize("NFC", text)
    try:
        data = encode(text, "viqr")
    except UnicodeEncodeError as error:
        # What VIQR cannot write: đ after a letter, a word-final tone that would read as punctuation.
        letter = text[error.start]
        assert letter in "đĐ" or any(
            mark in TONES[1:] for mark in unicodedata.normalize("NFD", letter)
        )
        return
    assert decode(data, "viqr").text == text


@settings(max_examples=300)
@given(st.binary(max_size=200), st.sampled_from(ENCODINGS))
def test_any_bytes_decode_with_replace(data, encoding):
    decoded = decode(data, encoding, errors="replace")
    assert unicodedata.is_normalized("NFC", decoded.text)
    assert decoded.encoding == canonical_name(encoding)


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_detect_any_bytes(data):
    detection = detect(data)
    # UTF-16 is told by its byte-order mark only (b"\xfe\xff" is one): no text is encoded to it here.
    assert detection.encoding in {"ascii", "utf-16", *ENCODINGS}
    assert 0.0 <= detection.confidence <= 1.0
    assert decode(data, errors="replace").encoding == detection.encoding


@settings(max_examples=200)
@given(vietnamese_texts(min_size=30), st.sampled_from(ENCODINGS))
def test_detection_of_a_paragraph(text, encoding):
    # Evidence is in the words with marks: a paragraph of "a a a ... âp" has one, and one of
    # "a a ... iêc uyên iêc uyên" too little to tell TCVN3 from VISCII.
    assume(len({word for word in text.split() if not word.isascii()}) >= 10)
    if encoding == "viscii":
        text = text.translate(str.maketrans({"“": '"', "”": '"', "–": "-", "…": "."}))
    # "Ã”" is a capital Ã and a closing quote, and the mojibake of "Ô" too: text that already
    # reads as UTF-8 mojibake is repaired, as it should be in the wild.
    assume(encoding != "utf-8" or not could_hold_utf8_mojibake(text))
    data = encode(text, encoding)
    decoded = decode(data)
    if encoding == "tcvn3":
        assert decoded.text.lower() == text.lower()
    else:
        assert decoded.text == text


@settings(max_examples=300)
@given(vietnamese_texts())
def test_repair_leaves_clean_text_alone(text):
    # "a Ã”" is a capital Ã and a closing quote, and the mojibake of "Ô" too; text that reads as
    # UTF-8 mojibake is repaired, as in test_detection_of_a_paragraph.
    assume(not could_hold_utf8_mojibake(text))
    assert repair_mojibake(text) == (text, 0)


@settings(max_examples=300)
@given(vietnamese_texts(min_size=3))
def test_repair_undoes_utf8_read_as_latin1(text):
    # With only Latin-1 letters ("BÃ\xa0" is "Bà", or "BÃ" and an NBSP) the text cannot tell.
    assume(
        not text.encode("utf-8").decode("latin-1").isascii()
        and not all(ord(c) < 0x100 for c in text)
    )
    garbled = text.encode("utf-8").decode("latin-1")
    repaired, count = repair_mojibake(garbled)
    assert repaired == text
    assert count == sum(not char.isascii() for char in text)


# Characters that make or break the signs mojibake_signs tells: every character of the
# single-byte view (leads, continuations, suspects), lost-byte marks, Vietnamese letters, ASCII,
# escaped bytes, and characters past the table and past the BMP.
SIGN_ALPHABET = sorted(
    {*mojibake._VIEW, "?", "\ufffd", *vietnamese_letters(), *"aZ 1.\n", "\u20ac", "\U0001f600"}
)


def _signs_by_regex(text: str) -> int:
    """What mojibake_signs tells, by the regular expressions that define it."""
    signs = mojibake._PAIR if mojibake._LEAD_BEFORE_CONTINUATION.search(text) else 0
    if mojibake._UTF8_RUN.search(text) or mojibake._LOST_BYTE_RUN.search(text):
        signs |= mojibake._RUN
    return signs | (mojibake._SUSPECT_SIGN if mojibake._SUSPECT.search(text) else 0)


def _repair_by_regex(text: str) -> tuple[str, Counter[str]]:
    """repair() as it reads without the quick signs: the searches, then each repair."""
    counts: Counter[str] = Counter()
    if text.isascii():
        return text, counts
    if mojibake._LEAD_BEFORE_CONTINUATION.search(text):
        text = mojibake._repair_utf8_runs(text, counts)
    if mojibake._SUSPECT.search(text):
        text = mojibake._repair_legacy_lines(text, counts)
    return text, +counts


# A few characters of each class (by the byte the view gives them), so that runs, runs cut short
# and lost bytes come up often.
SIGN_CLASS_SAMPLES = sorted(
    {
        *(char for char, byte in sorted(mojibake._VIEW.items())[::37]),
        *(char for char, byte in mojibake._VIEW.items() if byte in (0x80, 0x9D, 0xBB, 0xBF)),
        *(char for char, byte in mojibake._VIEW.items() if byte in (0xC3, 0xC4, 0xDF)),
        *(char for char, byte in mojibake._VIEW.items() if byte in (0xE0, 0xE1, 0xEF)),
        *(char for char, byte in mojibake._VIEW.items() if byte in (0xF0, 0xF4, 0xF5)),
        *"?\ufffdaà ",
    }
)

mojibake_like_lines = st.one_of(
    st.text(st.sampled_from(SIGN_ALPHABET), max_size=12),
    st.text(st.sampled_from(SIGN_CLASS_SAMPLES), max_size=12),
    vietnamese_texts().map(lambda text: text.encode("utf-8").decode("cp1252", "replace")),
    st.lists(
        st.one_of(vietnamese_texts(min_size=1), st.text(st.sampled_from(SIGN_ALPHABET), max_size=4))
    ).map("".join),
)


# Several lines of them, some clean, some not: runs, and tests of runs, stop at line feeds.
mojibake_like_texts = mojibake_like_lines | st.lists(
    mojibake_like_lines
    | vietnamese_texts()
    # one garbled syllable: often a line whose only run lost its last byte (á»\ufffd)
    | syllables().map(lambda word: word.encode("utf-8").decode("cp1252", "replace")),
    min_size=2,
    max_size=5,
).map("\n".join)


@settings(max_examples=1500)
@given(mojibake_like_texts)
def test_mojibake_signs_are_what_the_searches_find(text):
    expected = _signs_by_regex(text)
    assert mojibake.mojibake_signs(text) == expected
    with mock.patch.object(mojibake, "_compiled_mojibake_signs", None):
        assert mojibake.mojibake_signs(text) == expected


@settings(max_examples=500)
@given(mojibake_like_texts)
def test_repair_after_the_signs_is_repair_after_the_searches(text):
    expected = _repair_by_regex(text)  # short text: the runs looked for in the whole of it
    assert mojibake.repair(text) == expected
    # Long text has them looked for only in the lines that hold one, to the same effect.
    with mock.patch.object(mojibake, "_LINE_BY_LINE", 0):
        assert mojibake.repair(text) == expected
