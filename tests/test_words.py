from __future__ import annotations

import gc
import pickle
import re
import sys
import weakref
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tachtu.document import read_document
from tachtu.formats import render
from tachtu.model import WordModel
from tachtu.model.features import join_units
from tachtu.model.lexicon import LongestMatchModel
from tachtu.model.perceptron import PerceptronModel, compiled_core_available
from tachtu.normalize import ToneStyle, clean_characters, normalize, place_tones
from tachtu.syllables import SyllableKind, split_syllables, syllables
from tachtu.words import Segmenter, _chunk_units, _split_chunk, holds_line_break

from .conftest import shared_path


@pytest.mark.parametrize(
    ("text", "segmented"),
    [
        ("Hà Nội là thủ đô của Việt Nam.", "Hà_Nội là thủ_đô của Việt_Nam ."),
        ("hà nội", "hà_nội"),  # lower-case input
        ("HÀ NỘI", "HÀ_NỘI"),
        ("Thủ đô Hà Nội\nBộ Ngoại giao", "Thủ_đô Hà_Nội\nBộ_Ngoại_giao"),
        ("Ho\u0300a", "Hòa"),
    ],
)
def test_segment(tiny_segmenter: Segmenter, text: str, segmented: str) -> None:
    assert tiny_segmenter.segment(text) == segmented


def test_words_carry_offsets(tiny_segmenter: Segmenter) -> None:
    text = "Ông Vladimir  Putin ở Hà Nội."
    words = tiny_segmenter(text)
    assert [w.form() for w in words] == ["Ông", "Vladimir_Putin", "ở", "Hà_Nội", "."]
    assert [text[w.start : w.end] for w in words][1] == "Vladimir  Putin"
    assert words[-1].kind is SyllableKind.PUNCTUATION


def test_segment_batch_equals_one_by_one(tiny_segmenter: Segmenter) -> None:
    texts = ["Hà Nội", "", "thủ đô\nViệt Nam", "a"]
    assert tiny_segmenter.segment_batch(texts) == [tiny_segmenter.segment(t) for t in texts]


def test_separator_and_tone_style(tiny_segmenter: Segmenter) -> None:
    assert tiny_segmenter.segment("Hà Nội", sep="+") == "Hà+Nội"
    new_style = Segmenter(tiny_segmenter.model, tone_style="new")
    assert new_style.segment("hòa bình") == "hoà bình"


def test_segmenter_pickles(tiny_segmenter: Segmenter) -> None:
    clone = pickle.loads(pickle.dumps(tiny_segmenter))
    assert clone.segment("Hà Nội là thủ đô") == tiny_segmenter.segment("Hà Nội là thủ đô")


def test_shipped_model_loads_and_segments() -> None:
    segmenter = Segmenter.load()
    assert isinstance(segmenter.model, WordModel)
    assert segmenter.segment("Hà Nội là thủ đô của Việt Nam") == "Hà_Nội là thủ_đô của Việt_Nam"


@given(st.text().filter(lambda t: "\x01" not in t))
def test_removing_separators_gives_back_the_text(tiny_segmenter: Segmenter, text: str) -> None:
    out = tiny_segmenter.segment(text, sep="\x01")
    assert out.replace("\x01", "").replace(" ", "").replace("\n", "") == "".join(
        normalize(text).split()
    )


# ---------------------------------------------------------------- the fused path of the perceptron
#
# With the perceptron model, ``segment``/``segment_batch`` go raw lines in, text out through one
# call into the model (compiled or its pure-Python twin), which splits and tone-places each
# distinct chunk once. What they must give is spelled out here from the public steps: normalize,
# split into syllable units, the model's joins, units joined by ``sep`` or a space.

needs_core = pytest.mark.skipif(not compiled_core_available(), reason="C extension not built")

_VIETNAMESE = (
    "aăâeêioôơuưyđbcdghklmnpqrstvxAĐHNQTÀÁẢÃẠàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíòóỏõọồốờớợùúủũụừứữựỳýỹ"
)
# Every kind of whitespace str.split() cuts at, marks NFC must compose or tone placement move,
# characters normalize removes or replaces, digits and punctuation that split chunks into units.
_TROUBLE = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
    "\u0300\u0301\u0303\u0309\u0323\u0302\u200b\u00ad\ufeffÐð.,:;!?…-–'’\"“”()%/@#_0123456789😀"
)
raw_text = st.text(alphabet=st.sampled_from(_VIETNAMESE + _TROUBLE))
separators = st.one_of(
    st.sampled_from(["_", "", " ", "\n", "__", "ươ", "😀", "\x00", "\u3000"]), st.text(max_size=3)
)
# What the line writers take: a line break in sep is refused, as it would cut a word over lines.
line_separators = separators.filter(lambda sep: not holds_line_break(sep))
tone_styles = st.sampled_from(["keep", "old", "new"])


@pytest.fixture(scope="module")
def compiled_model() -> PerceptronModel:
    return PerceptronModel.load()


@pytest.fixture(scope="module")
def python_model(compiled_model: PerceptronModel) -> PerceptronModel:
    return PerceptronModel(compiled_model._arrays, pure_python=True)


def reference_segment(model: WordModel, text: str, sep: str, style: ToneStyle) -> str:
    lines = [split_syllables(line) for line in normalize(text, tone_style=style).split("\n")]
    return "\n".join(
        join_units(units, joins, sep)
        for units, joins in zip(lines, model.joins_batch(lines), strict=True)
    )


def news_samples() -> list[str]:
    folder = shared_path("data/news/sample-txt")
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]


@needs_core
def test_fused_compiled_and_pure_python_agree_on_news(compiled_model, python_model) -> None:
    texts = news_samples()
    assert len(texts) > 50
    compiled = Segmenter(compiled_model).segment_batch(texts)
    assert compiled == Segmenter(python_model).segment_batch(texts)
    assert compiled == [reference_segment(compiled_model, t, "_", "keep") for t in texts]
    # Again, from the chunks the core now remembers, one text at a time and another separator.
    assert [Segmenter(compiled_model).segment(t) for t in texts] == compiled
    assert Segmenter(compiled_model).segment_batch(texts, sep="+") == [
        c.replace("_", "+") for c in compiled
    ]


@pytest.mark.parametrize("core", ["compiled", "pure_python"])
def test_segment_sentences_gives_the_sentences_of_the_document(
    core: str, compiled_model, python_model
) -> None:
    segmenter = Segmenter(compiled_model if core == "compiled" else python_model)
    for text in news_samples()[:30]:
        document = read_document(text, segmenter=segmenter)
        expected = [" ".join(w.form("+") for w in s.words) for s in document.sentences()]
        assert segmenter.segment_sentences(text, sep="+") == expected
    assert segmenter.segment_sentences("") == segmenter.segment_sentences(" \n\n") == []
    with pytest.raises(ValueError, match="line break"):
        segmenter.segment_sentences("Hà Nội.", sep="\n")


@pytest.mark.parametrize("sep", ["\n", "+\r", "\u2028", "\x85"])
def test_a_line_break_in_sep_is_refused_by_every_line_writer(sep: str, compiled_model) -> None:
    # Lines out are lines in: a separator that breaks the line would cut "Hà_Nội" in two.
    segmenter = Segmenter(compiled_model)
    writers = [
        lambda: segmenter.segment("Hà Nội.", sep=sep),
        lambda: segmenter.segment_batch(["Hà Nội."], sep=sep),
        lambda: segmenter.segment_sentences("Hà Nội.", sep=sep),
        lambda: segmenter.segment_counted("Hà Nội.", sep=sep),
        lambda: segmenter.segment_encoded(["Hà Nội."], sep=sep),
    ]
    for write in writers:
        with pytest.raises(ValueError, match="sep may not hold a line break"):
            write()
    assert segmenter.segment("Hà Nội.", sep=" + ") == "Hà + Nội ."


@needs_core
@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(raw_text, st.text()), max_size=6), line_separators, tone_styles)
def test_fused_paths_agree_on_any_text(
    compiled_model, python_model, texts: list[str], sep: str, style: ToneStyle
) -> None:
    expected = [reference_segment(compiled_model, t, sep, style) for t in texts]
    assert Segmenter(compiled_model, tone_style=style).segment_batch(texts, sep=sep) == expected
    assert Segmenter(python_model, tone_style=style).segment_batch(texts, sep=sep) == expected
    assert [Segmenter(compiled_model, tone_style=style).segment(t, sep=sep) for t in texts] == (
        expected
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(raw_text, st.text()), max_size=6), line_separators, tone_styles)
def test_models_without_a_fused_path_segment_alike(
    tiny_segmenter: Segmenter, texts: list[str], sep: str, style: ToneStyle
) -> None:
    model = tiny_segmenter.model
    assert Segmenter(model, tone_style=style).segment_batch(texts, sep=sep) == [
        reference_segment(model, t, sep, style) for t in texts
    ]


@needs_core
def test_fused_path_cuts_at_every_whitespace_character(compiled_model) -> None:
    spaces = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and chr(c).isspace()]
    assert "\u3000" in spaces and "\x1c" in spaces
    texts = [f"Hà{c}Nội{c}{c}đẹp{c}" for c in spaces] + [f"Hà{c}Nội" for c in "\u200b·"]
    assert Segmenter(compiled_model).segment_batch(texts) == [
        reference_segment(compiled_model, t, "_", "keep") for t in texts
    ]


@needs_core
def test_fused_path_forgets_chunks_past_its_limit(compiled_model) -> None:
    # More distinct chunks than the core remembers (2**17), on one line and over many lines.
    model = PerceptronModel(compiled_model._arrays)
    words = [f"từ{i}" for i in range(140_000)]
    lines = [" ".join(words[i : i + 100]) for i in range(0, len(words), 100)]
    expected = [reference_segment(model, line, "_", "keep") for line in lines]
    assert Segmenter(model).segment_batch(lines) == expected
    one_line = " ".join(words)
    assert Segmenter(model).segment(one_line) == reference_segment(model, one_line, "_", "keep")
    assert Segmenter(model).segment_batch(lines[:50]) == expected[:50]


@needs_core
def test_fused_path_is_thread_safe(compiled_model) -> None:
    # Python code runs inside the call (splitting new chunks, coding unknown units), where other
    # threads get in; switch threads as often as possible to catch shared state.
    model = PerceptronModel(compiled_model._arrays)
    texts = [f"Ông Nguyễn Văn A{i} ở Hà Nội, tháng {i % 12}/2024: “lựơng {i}”." for i in range(400)]
    expected = [reference_segment(model, t, "_", "keep") for t in texts]
    results: list[list[str]] = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            styles = ["keep", "keep", "new", "old"]
            for out in pool.map(
                lambda s: Segmenter(model, tone_style=s).segment_batch(texts), styles
            ):
                results.append(out)
    finally:
        sys.setswitchinterval(interval)
    assert results[0] == results[1] == expected
    assert results[2] == [reference_segment(model, t, "_", "new") for t in texts]
    assert results[3] == [reference_segment(model, t, "_", "old") for t in texts]


@needs_core
def test_segment_lines_rejects_bad_arguments(compiled_model) -> None:
    with pytest.raises(TypeError):
        compiled_model.segment_lines(["Hà Nội", 3], "_", str.split)
    with pytest.raises(TypeError):
        compiled_model.segment_lines(["Hà Nội"], "_", lambda chunk: [1])
    with pytest.raises(ZeroDivisionError):
        compiled_model.segment_lines(["Hà Nội"], "_", lambda chunk: 1 / 0)
    assert compiled_model.segment_lines(["", " \t "], "_", str.split) == ["", ""]


@needs_core
def test_a_dropped_model_is_freed(compiled_model) -> None:
    # The core calls back into its model, which holds the core: only the cyclic collector can
    # free the two, and it must be able to.
    model = PerceptronModel(compiled_model._arrays)
    Segmenter(model).segment("Hà Nội là thủ đô.")
    dropped = weakref.ref(model)
    del model
    gc.collect()
    assert dropped() is None


def test_placing_tones_chunk_by_chunk_equals_the_whole() -> None:
    text = "Ho\u0300a\u00a0lựơng,tóan\r\nqúa gía\u3000THỦY"
    clean = clean_characters(text)
    for style in ("keep", "old", "new"):
        by_chunk = re.sub(r"\S+", lambda m, s=style: place_tones(m.group(), s), clean)
        assert by_chunk == place_tones(clean, style) == normalize(text, tone_style=style)


@pytest.mark.parametrize(
    "text",
    [
        "Ông ấy nói. Mẹo: hãy dùng nước ấm.",
        "Giá tăng 5%. Nhiệt độ giảm.",
        "Ảnh: Getty Images. Ảnh minh họa / Zing.",
        "(Ảnh: Reuters). Ông Trump nói.",
        # The model alone joined these marks to the word before them.
        "Cảnh sát EU. Ông nói. Tổ chức IS. Sau đó",
        "Trần Minh/TTXVN",
        "Luật số 100/2015/QH13. - Quốc hội biểu quyết",
    ],
)
def test_marks_do_not_join_words_in_running_text(text: str) -> None:
    out = Segmenter.load().segment(text)
    for word in out.split():
        units = word.split("_")
        if len(units) > 1:
            assert all(any(c.isalnum() for c in unit) for unit in units), word


def test_a_place_glued_to_its_abbreviation_is_one_word_with_it() -> None:
    # as the gold writes Q.Gò_Vấp; an initial and a name stay apart from the next word
    text = "Ông T.Nhung ở TP.Hà Nội, Q.Gò Vấp và TP.HCM."
    assert Segmenter.load().segment(text) == "Ông T.Nhung ở TP.Hà_Nội , Q.Gò_Vấp và TP.HCM ."


def test_an_etc_written_with_an_ellipsis_stays_whole() -> None:
    segmenter = Segmenter.load()
    assert segmenter.segment("cam, quýt, v.v… Trong giỏ") == "cam , quýt , v.v… Trong giỏ"
    assert segmenter.segment("xa lánh.v.v… Mỗi") == "xa_lánh . v.v… Mỗi"


def test_no_word_of_the_news_holds_a_mark_but_an_abbreviations_dot() -> None:
    segmenter = Segmenter.load()
    for path in sorted(shared_path("data/news/sample-txt").glob("*.txt")):
        for word in segmenter.segment(path.read_text(encoding="utf-8")).split():
            units = word.split("_")
            # The gold's abbreviations "tp." and "Ng." are one word with their dot, which is
            # written glued on ("Nguyễn_Thị_Ng."): no unit between separators is a mark.
            assert len(units) == 1 or all(any(map(str.isalnum, unit)) for unit in units), word


def test_document_words_are_the_fast_path_words() -> None:
    from tachtu.document import read_document
    from tachtu.formats import render

    segmenter = Segmenter.load()
    for path in sorted(shared_path("data/news/sample-txt").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        fast = "".join(line + "\n" for line in segmenter.segment(text).split("\n") if line.strip())
        assert render(read_document(text, segmenter=segmenter), "text") == fast, path.name


_MARKS = st.sampled_from(
    [
        "",
        "(",
        "“",
        '"',
        "'",
        "‘",
        "[",
        ",",
        ".",
        ":",
        ";",
        ")",
        "]",
        "”",
        "’",
        "?",
        "!",
        "…",
        "-",
        "#",
        "@",
    ]
)
_WORDS = st.sampled_from(
    [
        "Nội",
        "hòa",
        "hoà",
        "HOÀ",
        "lựơng",
        "TP",
        "Tp",
        "v",
        "ông",
        "Mr",
        "PGS",
        "Putin",
        "iPhone",
        "A",
        "ĐHQG",
        "Đ",
        "Ô",
        "ThS",
        "etc",
        "www",
        "2017",
        "3",
        "٣",  # an Arabic-Indic digit: decimal, as the regexes' \d
        "²",  # a digit to isdigit(), not to \d
        "x2",
        "VTV1",
        "U23",
        "250m",
        "2017a",
        "H5N1",
        "Điện1",  # letters and digits, not all ASCII: left to the regexes
        "71,527",
        "1.179",
        "16,8%",
        "0,5.5",
        "3%",
        "1,",
        ",".join(["1"] * 22),  # more groups than one number unit takes
    ]
)


@settings(max_examples=800, deadline=None)
@given(
    lead=_MARKS,
    # Numbers as news writes them, and things that are almost numbers: 1..2, 3,%, 4%5; ASCII
    # letters and digits.
    word=_WORDS
    | st.from_regex(r"[0-9٣²]{1,3}(?:[.,%]{1,2}[0-9]{0,3}){0,3}", fullmatch=True)
    | st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True),
    trail=st.lists(st.one_of(_MARKS, st.sampled_from(["..", "..."])), max_size=4),
    style=st.sampled_from(["keep", "old", "new"]),
)
def test_word_with_marks_splits_as_the_regexes_do(
    lead: str, word: str, trail: list[str], style: ToneStyle
) -> None:
    # The segmenter splits "Nội," "(Hà" "2017)." or "ơi..." without its regexes (see
    # words._chunk_units).
    chunk = lead + word + "".join(trail)
    assert _chunk_units(style, chunk) == split_syllables(place_tones(chunk, style))


def test_one_character_splits_as_the_regexes_do() -> None:
    for code in range(0x10000):
        char = clean_characters(chr(code))
        if len(char) == 1 and not char.isspace():
            for style in ("keep", "old", "new"):
                assert _chunk_units(style, char) == split_syllables(place_tones(char, style))


def test_news_chunks_split_as_the_regexes_do() -> None:
    text = clean_characters(
        "\n".join(p.read_text("utf-8") for p in shared_path("data/news/sample-txt").glob("*.txt"))
    )
    for chunk in set(text.split()):
        for style in ("keep", "old", "new"):
            assert _chunk_units(style, chunk) == split_syllables(place_tones(chunk, style)), chunk


_needs_core = pytest.mark.skipif(not compiled_core_available(), reason="C extension not built")


@cache
def _shipped_model() -> PerceptronModel:
    return PerceptronModel.load()


@cache
def _model_that_joins_nothing() -> PerceptronModel:
    # The shipped model's vocabulary with every weight 0, so that every unit comes out on its
    # own: the writers glue a mark to the unit it joins ("Ng."), which would hide the split.
    arrays = PerceptronModel.load()._arrays
    return PerceptronModel({**arrays, "weight_value": np.zeros_like(arrays["weight_value"])})


def _core_units(chunks: list[str], style: ToneStyle) -> list[list[str]]:
    """The units the compiled core finds in each chunk, splitting the commonest ones itself."""
    model = _model_that_joins_nothing()
    # A new split callable: the core remembers chunks per callable.
    lines = model.segment_lines(chunks, "\x00", _split_chunk.__wrapped__(style))
    return [line.replace("\x00", " ").split(" ") for line in lines]


@_needs_core
@settings(max_examples=300, deadline=None)
@given(
    lead=_MARKS,
    word=_WORDS
    | st.sampled_from(["A", "Q", "www", "Mrs", "ThS", "ab", "x"])
    | st.from_regex(r"[0-9٣²]{1,3}(?:[.,%]{1,2}[0-9]{0,3}){0,3}", fullmatch=True)
    | st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True),
    trail=st.lists(st.one_of(_MARKS, st.sampled_from(["..", "...", "."])), max_size=4),
    style=st.sampled_from(["keep", "old", "new"]),
)
def test_the_core_splits_a_word_with_marks_as_the_segmenter_does(
    lead: str, word: str, trail: list[str], style: ToneStyle
) -> None:
    # The core splits "Nội," "(Hà" or "2017)." itself, without calling _chunk_units.
    chunk = lead + word + "".join(trail)
    if chunk:
        assert _core_units([chunk], style) == [_chunk_units(style, chunk)]


@_needs_core
def test_the_core_splits_one_character_and_news_chunks_as_the_segmenter_does() -> None:
    chars = [clean_characters(chr(code)) for code in range(1, 0x10000)]
    news = clean_characters(
        "\n".join(p.read_text("utf-8") for p in shared_path("data/news/sample-txt").glob("*.txt"))
    )
    chunks = [c for c in chars if len(c) == 1 and not c.isspace() and c != "\x00"]
    chunks += sorted(set(news.split()))
    chunks += [c + "." for c in chunks[:3000]] + ["(" + c + ")," for c in chunks[:3000]]
    words = [*_WORDS.elements, "ab", "Mrs", "Tr", "vs", "x", "٣٤", "1" * 30]  # type: ignore[attr-defined]
    for lead in ("", "(", "“"):
        for trail in ("", ".", "..", "...", ".)", ").", "…", ",", "”.", '."', "!?"):
            chunks += [lead + word + trail for word in words]
    for style in ("keep", "old", "new"):
        expected = [_chunk_units(style, chunk) for chunk in chunks]
        assert _core_units(chunks, style) == expected


@_needs_core
@settings(max_examples=500, deadline=None)
@given(unit=st.text(min_size=1, max_size=8).filter(lambda u: not any(c.isspace() for c in u)))
def test_the_core_codes_an_unlisted_unit_as_the_model_does(unit: str) -> None:
    model = _shipped_model()
    assert model._core.code(unit) == model._code(unit)


@_needs_core
def test_the_core_codes_single_characters_and_news_units_as_the_model_does() -> None:
    model = _shipped_model()
    news = shared_path("data/news/sample-txt").glob("*.txt")
    units = {u for p in news for u in split_syllables(p.read_text("utf-8"))}
    units |= {chr(code) for code in range(1, 0x10000)}
    units |= {u.upper() for u in units} | {u.title() for u in units} | {u.lower() for u in units}
    for unit in sorted(units):
        assert model._core.code(unit) == model._code(unit), unit


def test_a_prefix_glued_to_a_name_is_coded_as_the_name_unless_it_has_features() -> None:
    model = _shipped_model()
    assert model._code("TP.Hà") == model._surfaces["Hà"]
    assert model._code("Q.Bình") == model._surfaces["Q.Bình"] == model._surfaces["Bình"]
    # a glued unit the training data holds often enough keeps its own features (the gold's typo
    # TP.Ny, twice); an initial (N.Anh, a byline) is no prefix; capitals and foreign names neither
    assert model._surfaces["TP.Ny"] != model._surfaces["Ny"]
    assert model._surfaces["N.Anh"] != model._surfaces["Anh"]
    assert model._code("TP.HCM") == model._surfaces["TP.HCM"] != model._surfaces["Hcm"]
    assert model._code("D.Trump") >> 3 == 0
    assert model._code("N.Tùng") >> 3 == 0  # an initial and a given name: a person


@_needs_core
def test_the_core_codes_glued_names_as_the_model_does() -> None:
    model = _shipped_model()
    prefixes = ["TP", "Tp", "TX", "TT", "PGS", "GS", "TS", "ThS", "BS", "Q", "Đ", "X", "tp", "TPP"]
    prefixes += ["Ts", "q", "ĐT", "TP.", ""]
    names = ["Hà", "Gò", "HCM", "Ny", "Trump", "Hà2", "Hà-Nội", "H", "hà", "Hoà", "Hòa", "Nguyễn"]
    names += ["ǅa", "Ωa", "HÀ", "Hà.", "Thuỷ", "Thủy", "Ngh", ""]
    for prefix in prefixes:
        for name in names:
            unit = f"{prefix}.{name}"
            assert model._core.code(unit) == model._code(unit), unit


@pytest.mark.parametrize("core", ["compiled", "pure_python", "lexicon"])
def test_a_sentence_start_starts_a_word_on_every_path(core: str) -> None:
    # The phrase joins across a sentence break; the text paths break the word there, as a
    # Document does, whatever the model or a user dictionary says. The dot ends its word glued
    # on, as the text writes it.
    if core == "lexicon":
        segmenter = Segmenter(LongestMatchModel(["xong . gió"]))
    else:
        model = PerceptronModel.load(pure_python=core == "pure_python")
        segmenter = Segmenter(model.with_user_dictionary(["xong_._gió"]))
    text = "Làm xong. Gió to."
    document = read_document(text, segmenter=segmenter)
    assert segmenter.segment(text) == "Làm xong. Gió to ."
    assert render(document, "text") == "Làm xong. Gió to .\n"
    assert segmenter.segment_counted(text)[1].words == 5
    words = [w.form() for w in segmenter(text)]
    assert words == ["Làm", "xong.", "Gió", "to", "."]
    assert [w.form() for w in segmenter.words(syllables(text))] == words


def test_calling_the_segmenter_gives_a_documents_words(tiny_segmenter: Segmenter) -> None:
    # No word crosses a line break: the Document's words, with the same offsets.
    text = "Ông ấy ở Hà\n\nNội. Hà Nội mưa."
    words = tiny_segmenter(text)
    document = read_document(text, segmenter=tiny_segmenter)
    expected = [w for p in document.paragraphs for s in p.sentences for w in s.words]
    assert words == expected and "Hà_Nội" not in [w.form() for w in words][:5]
    assert [text[w.start : w.end] for w in words][-3] == "Hà Nội"


def test_user_dictionary_files_are_read_as_text_is(tmp_path) -> None:
    # Saved decomposed, with a byte order mark, with Ð for Đ: each phrase still forces its word.
    path = tmp_path / "dict.txt"
    path.write_bytes("\ufeffbi\u0300nh_xanh_la\u0301\nÐà_Lạt_xanh\n".encode())
    segmenter = Segmenter.load(dict=path)
    assert segmenter.segment("bình xanh lá ở Đà Lạt xanh") == "bình_xanh_lá ở Đà_Lạt_xanh"


@pytest.mark.parametrize("pure_python", [False, True])
def test_user_phrases_match_a_prefix_glued_to_a_name(pure_python: bool) -> None:
    phrases = ["TP.Hà Nội", "Q.Xyzw_Vấp", "P.Khuýp_Nam"]  # Xyzw and Khuýp: never seen
    model = PerceptronModel.load(user_dictionary=phrases, pure_python=pure_python)
    text = "ở TP.Hà Nội, Q.Xyzw Vấp và P.Khuýp Nam"
    assert Segmenter(model).segment(text) == "ở TP.Hà Nội , Q.Xyzw_Vấp và P.Khuýp_Nam"


def test_bad_arguments_are_refused_with_a_clear_error() -> None:
    segmenter = Segmenter.load()
    with pytest.raises(ValueError, match="tone_style 'NEW'"):
        Segmenter.load(tone_style="NEW")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not one text"):
        segmenter.segment_batch("Hà Nội")
    with pytest.raises(TypeError, match="text must be str, not bytes"):
        segmenter.segment(b"H")  # type: ignore[arg-type]
    assert normalize(bytearray("Hà Nội".encode())) == "Hà Nội"  # type: ignore[arg-type]
