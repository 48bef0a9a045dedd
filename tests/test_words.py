from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tachtu.model import WordModel
from tachtu.normalize import normalize
from tachtu.syllables import SyllableKind
from tachtu.words import Segmenter


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
