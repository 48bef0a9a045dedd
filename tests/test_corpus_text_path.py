"""The corpus's line formats (text, sentences, masked, conll: no Documents) write and count what
the Document path does."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tachtu.corpus.engines import _WITHOUT_DOCUMENTS
from tachtu.corpus.stats import CorpusStats
from tachtu.document import read_document
from tachtu.formats import OutputFormat, render
from tachtu.model.lexicon import LongestMatchModel
from tachtu.model.perceptron import PerceptronModel
from tachtu.words import Segmenter

from .conftest import shared_path


@pytest.fixture(scope="module", params=["compiled", "pure_python"])
def segmenter(request: pytest.FixtureRequest) -> Segmenter:
    # The compiled core counts units and sentences as it segments; the pure-Python core counts
    # with tachtu.sentences itself. Both must agree with the Document path.
    return Segmenter(PerceptronModel.load(pure_python=request.param == "pure_python"))


FORMATS = ["text", "sentences", "masked", "conll"]


def both_paths(
    text: str, segmenter: Segmenter, sep: str = "_", output_format: str = "text"
) -> tuple[tuple, tuple]:
    fast_stats, slow_stats = CorpusStats(), CorpusStats()
    without_documents = _WITHOUT_DOCUMENTS[OutputFormat(output_format)]
    fast = without_documents([text], segmenter, sep, fast_stats).decode("utf-8")
    document = read_document(text, segmenter=segmenter)
    slow_stats.add(document)
    return (fast, fast_stats), (render(document, output_format, sep=sep), slow_stats)


@pytest.mark.parametrize("output_format", FORMATS)
def test_same_output_and_counts_on_news(segmenter: Segmenter, output_format: str) -> None:
    for path in sorted(shared_path("data/news/sample-txt").glob("*.txt")):
        fast, slow = both_paths(path.read_text(encoding="utf-8"), segmenter, "_", output_format)
        assert fast == slow, path.name


@pytest.mark.parametrize(
    "text",
    [
        "Mưa . 'to",
        "Mưa. 'Gió'. Gió",
        'Nó nói: "Mưa." "Gió" to. "Mưa"',
        'Nó nói: "Mưa." to',
        '"Mưa." to. "Gió." Mưa',
        "Mưa… v.v. etc. (Gió) to.) Mưa... .. Gió",
        "Mưa v.v… Gió v.v…. to v.v…” Mưa",
        "Mưa.” Gió.’ to.» Mưa?› 3! “Gió” – to. — Mưa. * Gió. • to",
        "1. Mưa. 12. Gió. 123. Mưa 3. Gió 1.Mưa. 2 . Gió 1! Mưa",
        "Nóng 38 độ C. Mưa ĐỘ F.) Gió độ C.C. Mưa Độ K. Gió độ c. Mưa độ C.\nGió Văn C. Mưa",
        "bảng A. Mưa BẢNG Ä. Gió Serie A.” Mưa quý I. Gió gan B. mưa Tİa X. Gió TIA X. Mưa",
        "Ảnh: N.D. Mưa Ảnh :C.T.V. Gió ảnh: P. Mưa Ảnh N.D. Gió Ảnh: Ä.Ö. Mưa ẢNH:\nM.U. Gió",
    ],
)
@pytest.mark.parametrize("output_format", FORMATS)
def test_same_counts_at_sentence_boundaries(
    segmenter: Segmenter, text: str, output_format: str
) -> None:
    fast, slow = both_paths(text, segmenter, "_", output_format)
    assert fast == slow


# Every unit that matters to a sentence boundary, in any order and spacing.
# (Numbers of one, two and three digits, and a digit that is not ASCII, for list items' numbers.)
_UNITS = ["Mưa", "to", "Hà", "3", "12", "123", "٣", ".", "!", "?", "…", "..", "...", "v.v."]
_UNITS += ["v.v...", "v.v…", "etc.", "TP.", "độ", "ĐỘ", "C.", "F.", "c.", "C", "K.", "Bảng", "quý"]
_UNITS += ["vitamin", "độC.", "Ä.", "°", "o", "Ảnh", ":", "N.D.", "C.T.V.", "Ảnh:"]
_sentence_tokens = st.lists(
    st.tuples(
        st.sampled_from([*_UNITS, *"”’»›)]}“‘«‹([{-–—*•'\""]),
        st.sampled_from([" ", "", "\n", " \n "]),
    ).map("".join)
).map("".join)


@settings(deadline=None, max_examples=300)
@given(
    st.text() | st.text(alphabet="Hà Nội. thủ đô!\"'“”(),…\n\u00a0\r\u0300-_") | _sentence_tokens,
    st.sampled_from(["_", "+", "~~"]),
    st.sampled_from(FORMATS),
)
def test_same_output_and_counts_on_any_text(
    segmenter: Segmenter, text: str, sep: str, output_format: str
) -> None:
    fast, slow = both_paths(text, segmenter, sep, output_format)
    assert fast == slow


@settings(deadline=None, max_examples=500)
@given(_sentence_tokens, st.sampled_from(FORMATS))
def test_same_sentence_counts_on_boundary_units(
    segmenter: Segmenter, text: str, output_format: str
) -> None:
    # Only units that matter at a sentence boundary, so that every rule of the count is met often.
    fast, slow = both_paths(text, segmenter, "_", output_format)
    assert fast == slow


def _lines_encoded(segmenter: Segmenter, texts: list[str], sep: str, end: str) -> tuple:
    """What :meth:`Segmenter.segment_encoded` must give, from the lines of
    :meth:`Segmenter.segment_counted_batch`."""
    per_text, counts = segmenter.segment_counted_batch(texts, sep=sep)
    text = "".join("".join(line + "\n" for line in lines if line) + end for lines in per_text)
    return text.encode("utf-8"), counts


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.text() | st.text(alphabet="Hà Nội. thủ đô!\"'“”(),…\n\u00a0\r\u0300-_𝔸"), max_size=4
    ),
    st.sampled_from(["_", "", "+", "~~", "–", "𝔸"]),
    st.sampled_from(["", "\n", "# đầu\n"]),
)
def test_utf8_written_by_the_model_is_the_lines_encoded(
    segmenter: Segmenter, texts: list[str], sep: str, end: str
) -> None:
    # The compiled core writes UTF-8 itself from its units of 1-, 2- and 4-byte characters.
    expected = _lines_encoded(segmenter, texts, sep, end)
    assert segmenter.segment_encoded(texts, sep=sep, end=end) == expected


@settings(deadline=None, max_examples=200)
@given(_sentence_tokens | st.text(alphabet="Hà Nội. thủ đô!\"'“”(),…\n\u00a0\r\u0300-_"))
@example("H\u0300ô")  # a tone mark NFC leaves beside a consonant: three units until it is placed
def test_a_model_without_a_writer_of_its_own_gives_the_same_sentence_lines(text: str) -> None:
    # A model with joins_batch only (here a longest-match lexicon) goes through Segmenter's own
    # sentence splitting, which must lay out the lines as the compiled core does.
    segmenter = Segmenter(LongestMatchModel(["hà nội", "thủ đô"]))
    fast, slow = both_paths(text, segmenter, "_", "sentences")
    assert fast == slow


def test_sentence_lines_are_the_paragraph_lines_cut_at_each_sentence(segmenter: Segmenter) -> None:
    text = 'Ông nói: "Tôi đi. Họ ở lại." 1. Hà Nội. 2. Huế.\n\nTP. HCM mưa to! Gió?'
    paragraphs, counts = segmenter.segment_encoded([text], end="\n")
    sentences, same_counts = segmenter.segment_encoded([text], end="\n", line_per="sentence")
    assert sentences.decode() == (
        'Ông nói : " Tôi đi .\nHọ ở lại . "\n1 . Hà_Nội .\n2 . Huế .\nTP. HCM mưa to !\nGió ?\n\n'
    )
    assert sentences.replace(b"\n", b" ").split() == paragraphs.replace(b"\n", b" ").split()
    assert same_counts == counts
    assert sentences.count(b"\n") - 1 == counts.sentences  # and the end after the text


def test_line_per_is_checked(segmenter: Segmenter) -> None:
    with pytest.raises(ValueError, match="line_per"):
        segmenter.segment_encoded(["Mưa."], line_per="word")  # type: ignore[arg-type]


def test_utf8_written_by_the_model_on_news(segmenter: Segmenter) -> None:
    texts = [
        path.read_text(encoding="utf-8")
        for path in sorted(shared_path("data/news/sample-txt").glob("*.txt"))
    ]
    assert segmenter.segment_encoded(texts, end="\n") == _lines_encoded(segmenter, texts, "_", "\n")


def test_a_lone_surrogate_cannot_be_written(segmenter: Segmenter) -> None:
    # As str.encode refuses it: the corpus reports the document that holds it.
    with pytest.raises(ValueError, match="surrogate"):
        segmenter.segment_encoded(["Hà Nội \ud800 mưa"])


# each chunk here is one unit: no class, a class that is none of ' 167', two classes
@pytest.mark.parametrize("bad", [lambda chunk: "", lambda chunk: "x", lambda chunk: "  "])
def test_masks_of_is_checked_for_models_without_a_core(bad) -> None:
    # A model without a compiled core joins the masked classes in Python; a wrong answer is as
    # much an error there as in the core.
    segmenter = Segmenter(LongestMatchModel(["hà nội"]))
    with pytest.raises(ValueError, match="masks_of must give one of ' 167'"):
        segmenter.segment_encoded(["Hà Nội mưa to"], masks_of=bad)
