"""Documents read chunk by chunk (paragraph_spans) and the structured formats written from their
spans (render_structured) give what reading the whole text unit by unit gives."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tachtu.corpus.stats import CorpusStats
from tachtu.document import Document, Paragraph, Sentence, read_document
from tachtu.formats import render, render_structured
from tachtu.normalize import normalize
from tachtu.sentences import sentence_spans
from tachtu.syllables import syllables
from tachtu.words import Segmenter, TextCounts

from .conftest import shared_path

STRUCTURED = ["jsonl", "conllu"]


def unit_by_unit(
    text: str, segmenter: Segmenter, id: str = "", metadata: Mapping[str, Any] | None = None
) -> Document:
    """The Document as read from the units of the whole text, one Syllable object each: a
    paragraph is the units between two line feeds, and each sentence is grouped into Words."""
    text = normalize(text, tone_style=segmenter.tone_style)
    lines: list[list] = [[]]
    for unit in syllables(text):
        if lines[-1] and "\n" in text[lines[-1][-1].end : unit.start]:
            lines.append([])
        lines[-1].append(unit)
    lines = [units for units in lines if units]
    flags = segmenter.model.joins_batch([[u.text for u in units] for units in lines])
    paragraphs = []
    for units, joins in zip(lines, flags, strict=True):
        sentences = []
        for a, b in sentence_spans(units):
            words = segmenter.group(units[a:b], [False, *joins[a + 1 : b]])
            sentences.append(Sentence(units[a].start, units[b - 1].end, tuple(words)))
        paragraphs.append(Paragraph(units[0].start, units[-1].end, tuple(sentences)))
    return Document(id, text, tuple(paragraphs), MappingProxyType(dict(metadata or {})))


def counts_of(document: Document) -> TextCounts:
    stats = CorpusStats()
    stats.add(document)
    return TextCounts(stats.paragraphs, stats.sentences, stats.words, stats.syllables)


def assert_same(
    text: str,
    segmenter: Segmenter,
    output_format: str,
    sep: str = "_",
    metadata: Mapping[str, Any] | None = None,
) -> None:
    expected = unit_by_unit(text, segmenter, "d", metadata)
    assert read_document(text, segmenter=segmenter, id="d", metadata=metadata) == expected
    rendered, counts = render_structured(
        text, output_format, segmenter=segmenter, sep=sep, id="d", metadata=metadata
    )
    assert rendered == render(expected, output_format, sep=sep)
    assert counts == counts_of(expected)


_PIECES = st.sampled_from(
    [
        *["Hà", "Nội", "hòa", "Ho\u0300a", "thuỷ", "A", "Ông", "x_y", "中", "😀"],
        *[" ", "  ", "\n", "\n\n", "\r\n", "\u00a0", "\u2028", "\t", "\u200b"],
        *["'", '"', "“", "”", "‘", "’", "(", ")", "[", "*", "\\", "\x01"],
        *[".", ",", "...", "…", "!", "?", ":", "-", "–"],
        *["1.000", "3,5", "50%", "10:30", "TP.HCM", "TP.", "v.v.", "N.V."],
        *["67/2014/NĐ-CP", "29A-123.45", "/", "QĐ", "Zing.vn", "vn"],
        *["http://a.vn/x", "a@b.vn", "#tag", "@ai"],
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(_PIECES, max_size=60),
    output_format=st.sampled_from(STRUCTURED),
    sep=st.sampled_from(["_", " ", '"']),
    style=st.sampled_from(["keep", "old", "new"]),
)
def test_structured_formats_are_those_of_the_unit_by_unit_reading(
    tiny_segmenter: Segmenter, pieces: list[str], output_format: str, sep: str, style: str
) -> None:
    segmenter = Segmenter(tiny_segmenter.model, tone_style=style)  # type: ignore[arg-type]
    assert_same("".join(pieces), segmenter, output_format, sep)


@pytest.fixture(scope="module")
def shipped() -> Segmenter:
    return Segmenter.load()


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(_PIECES, max_size=60),
    output_format=st.sampled_from(STRUCTURED),
    sep=st.sampled_from(["_", " ", '"', "\\"]),
    style=st.sampled_from(["keep", "old", "new"]),
)
def test_structured_formats_written_by_the_compiled_model_are_those_of_the_unit_by_unit_reading(
    shipped: Segmenter, pieces: list[str], output_format: str, sep: str, style: str
) -> None:
    # The shipped model writes jsonl and conllu itself: offsets from its chunks' units, kinds
    # from its own test of the chunks it splits and from the Python kinds of the others, JSON
    # escapes, glued words.
    segmenter = Segmenter(shipped.model, tone_style=style)  # type: ignore[arg-type]
    assert segmenter.paragraphs_json("Hà Nội", sep=sep) is not None
    assert segmenter.paragraphs_conllu("Hà Nội") is not None
    assert_same("".join(pieces), segmenter, output_format, sep)


def test_conllu_without_an_id_numbers_paragraphs_and_sentences(shipped: Segmenter) -> None:
    text = "Mưa to. Gió lớn!\n\nNắng."
    written, counts = render_structured(text, "conllu", segmenter=shipped)
    assert written == render(unit_by_unit(text, shipped), "conllu")
    assert [line for line in written.splitlines() if "sent_id" in line] == [
        "# sent_id = 1-1",
        "# sent_id = 1-2",
        "# sent_id = 2-1",
    ]
    assert counts == counts_of(unit_by_unit(text, shipped))
    assert (counts.paragraphs, counts.sentences, counts.syllables) == (2, 3, 8)


def test_kinds_of_is_checked(shipped: Segmenter) -> None:
    model = shipped.model
    names = ("vietnamese", "punctuation")
    for bad in (lambda chunk: "", lambda chunk: "z", lambda chunk: None):
        split = str.split.__call__  # a table of its own: nothing remembered from other calls
        with pytest.raises(ValueError, match="kinds_of must give one of the 2 kinds"):
            model.paragraphs_json("Mưa to", "_", split, bad, names)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="between 1 and 26 kind names"):
        model.paragraphs_json("Mưa", "_", str.split, lambda c: "a", ())  # type: ignore[attr-defined]


@pytest.mark.parametrize("output_format", STRUCTURED)
def test_structured_formats_of_news_are_those_of_the_unit_by_unit_reading(
    output_format: str,
) -> None:
    segmenter = Segmenter.load()
    for path in sorted(shared_path("data/news/sample-txt").glob("*.txt")):
        assert_same(path.read_text(encoding="utf-8"), segmenter, output_format)


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"url": "u", "tags": ["a", "b"], "n": 1.5, "ok": None},
        {"id": 7, "url": "u"},  # an id field of another name: "id" keeps its place
        {"paragraphs": 3, "title": "x"},  # a source field named like ours: the place is kept
        {"quote": 'a "b" \\ \u2028 \x00'},
    ],
)
def test_jsonl_metadata_is_written_as_the_document_writes_it(
    tiny_segmenter: Segmenter, metadata: dict[str, Any]
) -> None:
    assert_same('Hà Nội mưa. "Gió" to!\nThủ đô', tiny_segmenter, "jsonl", metadata=metadata)
