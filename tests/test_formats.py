from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tachtu import formats
from tachtu.document import read_document
from tachtu.formats import OutputFormat, masked_lines, render, render_text
from tachtu.normalize import clean_characters
from tachtu.words import Segmenter

from .conftest import REPO, shared_path

ARTICLE = REPO / "examples" / "azerbaijan-election.txt"

# Defects of the reference listed in its README: a space the older tool lost.
REFERENCE_DEFECTS = {"tuyên_bốbầu_cử": "tuyên_bố bầu_cử"}


def units(corpus_text: str) -> list[str]:
    """The unit sequence of corpus text, word joins and sentence separators set aside."""
    return corpus_text.replace(" . ", " ").replace("_", " ").split()


def test_masked_reference_article_matches_seed(tiny_segmenter: Segmenter) -> None:
    seed = shared_path("reference/article.seed.txt").read_text(encoding="utf-8")
    for defect, fixed in REFERENCE_DEFECTS.items():
        seed = seed.replace(defect, fixed)
    doc = read_document(ARTICLE.read_text(encoding="utf-8"), segmenter=tiny_segmenter)
    ours = render(doc, OutputFormat.MASKED)
    assert ours.count("\n") == seed.count("\n") + (not seed.endswith("\n"))
    for our_line, seed_line in zip(ours.splitlines(), seed.splitlines(), strict=True):
        assert units(our_line) == units(seed_line)
        assert our_line.endswith(".")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Giá tăng 5% (theo ông A).", "Giá tăng 1 6 theo ông A 6 7."),
        # The opening quote after a break joins the run before it, as in the reference.
        ('Ông nói: "Xong". "Chưa"', "Ông nói 7 Xong 7 . Chưa 7."),
        ("Hà Nội", "Hà_Nội."),
        ("Trời mưa. Gió to.", "Trời mưa 7 . Gió to 7."),
        ("cải cách - muốn, 1.000 người!!!", "cải cách 7 muốn 7 1 người 7."),
        # A sentence of marks only, after one that ends in a mark, is all in that mark's run.
        ('Mưa. ". - Gió.', "Mưa 7 . . 7 Gió 7."),
        ("Vui 👍🏻 lắm 🇻🇳", "Vui 7 lắm 7."),  # an emoji of several characters is one mark
    ],
)
def test_masked(tiny_segmenter: Segmenter, text: str, masked: str) -> None:
    assert render(read_document(text, segmenter=tiny_segmenter), "masked") == masked + "\n"


def test_text_format_keeps_paragraph_lines(tiny_segmenter: Segmenter) -> None:
    doc = read_document("Hà Nội\n\nthủ đô. Việt Nam", segmenter=tiny_segmenter)
    assert render(doc, "text") == "Hà_Nội\nthủ_đô . Việt_Nam\n"
    assert render(doc, "text", sep="~") == "Hà~Nội\nthủ~đô . Việt~Nam\n"


def test_jsonl_carries_offsets_and_metadata(tiny_segmenter: Segmenter) -> None:
    text = "Hà Nội\nThủ đô. Việt Nam"
    doc = read_document(text, segmenter=tiny_segmenter, id="d7", metadata={"url": "u"})
    record = json.loads(render(doc, "jsonl"))
    assert record["id"] == "d7" and record["url"] == "u" and record["text"] == text
    assert [len(p["sentences"]) for p in record["paragraphs"]] == [1, 2]
    for paragraph in record["paragraphs"]:
        for sentence in paragraph["sentences"]:
            for word in sentence["words"]:
                assert text[word["start"] : word["end"]].replace(" ", "_") == word["form"]


def test_conllu(tiny_segmenter: Segmenter) -> None:
    doc = read_document("Hà Nội, thủ đô.", segmenter=tiny_segmenter, id="d")
    assert render(doc, "conllu") == (
        "# newpar\n# sent_id = d-1-1\n# text = Hà Nội, thủ đô.\n"
        "1\tHà Nội\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n"
        "2\t,\t_\t_\t_\t_\t_\t_\t_\t_\n"
        "3\tthủ đô\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n"
        "4\t.\t_\t_\t_\t_\t_\t_\t_\t_\n\n"
    )


def conllu_sentences(conllu: str) -> list[tuple[str, list[list[str]]]]:
    """Each sentence of CoNLL-U as its ``# text`` and its word lines' columns."""
    sentences = []
    for block in conllu.strip("\n").split("\n\n"):
        lines = block.split("\n")
        [text] = [line.removeprefix("# text = ") for line in lines if line.startswith("# text")]
        sentences.append((text, [line.split("\t") for line in lines if not line.startswith("#")]))
    return sentences


def test_conllu_forms_and_space_after_give_the_text_back() -> None:
    # CoNLL-U's rule: the forms, a space after each but where SpaceAfter=No, are the text. The
    # shipped model joins Ng and its dot into one word, whose form is the text's Ng.
    segmenter = Segmenter.load()
    text = "Chị Ng.  nói:\t«Hà Nội   đẹp», v.v... (TP.HCM) 5,5% .\nMưa ở Q. 1 , ông H.V.A. nói."
    compiled = "".join(render_text(text, "conllu", segmenter=segmenter, id="d"))
    document = read_document(text, segmenter=segmenter, id="d")
    assert compiled == render(document, "conllu")
    sentences = conllu_sentences(compiled)
    assert len(sentences) >= 3
    for sentence_text, words in sentences:
        assert all(len(columns) == 10 and "  " not in columns[1] for columns in words)
        rebuilt = "".join(
            columns[1] + ("" if columns[9] == "SpaceAfter=No" else " ") for columns in words
        )
        assert rebuilt.rstrip(" ") == sentence_text
    assert sentences[0][1][1][:2] == ["2", "Ng."]


def test_conll_is_the_sentences_format_a_word_a_row(tiny_segmenter: Segmenter) -> None:
    document = read_document(ARTICLE.read_text(encoding="utf-8"), segmenter=tiny_segmenter)
    blocks = render(document, "conll", sep="+").split("\n\n")
    assert blocks.pop() == ""  # the last sentence's blank line ends the text
    sentences = render(document, "sentences", sep="+").splitlines()
    assert len(blocks) == len(sentences) == sum(len(p.sentences) for p in document.paragraphs)
    for block, sentence in zip(blocks, sentences, strict=True):
        rows = [row.split("\t") for row in block.split("\n")]
        assert [row[0] for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
        assert [row[1] for row in rows] == sentence.split(" ")
        assert all(row[2:] == ["_"] * 8 for row in rows)
    with pytest.raises(ValueError, match="may not hold whitespace"):
        render(document, "conll", sep="\t")


def test_document_structure(tiny_segmenter: Segmenter) -> None:
    doc = read_document(ARTICLE.read_text(encoding="utf-8"), segmenter=tiny_segmenter)
    assert len(doc.paragraphs) == 7
    assert doc.title is not None and doc.lead is not None and len(doc.body) == 5
    assert (
        doc.text[doc.title.start : doc.title.end]
        == "Phe đối lập Azerbaijan chuẩn bị cách mạng màu sắc"
    )


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_render_text_in_pieces_is_render_of_the_whole(
    tiny_segmenter: Segmenter, output_format: OutputFormat, monkeypatch
) -> None:
    article = (REPO / "examples" / "azerbaijan-election.txt").read_text(encoding="utf-8")
    # Odd spaces, a CRLF, a lone CR, decomposed letters and blank lines, two lines a Document.
    text = article + "\r\nHo\u0300a\u00a0bình.\rMưa\n\n\nGió  to !\n"
    monkeypatch.setattr(formats, "_LINES_AT_A_TIME", 2)
    pieces = list(render_text(text, output_format, segmenter=tiny_segmenter, id="a"))
    whole = render(read_document(text, segmenter=tiny_segmenter, id="a"), output_format)
    assert "".join(pieces) == whole
    if output_format in (OutputFormat.TEXT, OutputFormat.MASKED):
        assert len(pieces) > 5


_PIECES = st.sampled_from(
    [
        "Hà",
        "Nội",
        "hòa",
        "Ho\u0300a",
        " ",
        "  ",
        "\n",
        "'",
        '"',
        "“",
        "”",
        "‘",
        "’",
        "(",
        ")",
        "[",
        ".",
        ",",
        "...",
        "…",
        "!",
        "?",
        ":",
        "-",
        "–",
        "1.000",
        "3,5",
        "50%",
        "10:30",
        "TP.HCM",
        "TP.",
        "v.v.",
        "N.V.",
        "67/2014/NĐ-CP",
        "29A-123.45",
        "Zing.vn",
        "http://a.vn/x",
        "a@b.vn",
        "#tag",
        "@ai",
        "😀",
        "中",
        "A",
        "Ông",
        "x_y",
        "*",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=60))
def test_masked_lines_are_the_documents_masked_text(
    tiny_segmenter: Segmenter, pieces: list[str]
) -> None:
    text = "".join(pieces)
    lines = masked_lines(clean_characters(text).split("\n"), segmenter=tiny_segmenter)
    assert "".join(line + "\n" for line in lines) == render(
        read_document(text, segmenter=tiny_segmenter), "masked"
    )


def test_masked_lines_of_news_are_the_documents_masked_text() -> None:
    segmenter = Segmenter.load()
    for path in sorted(shared_path("data/news/sample-txt").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = masked_lines(clean_characters(text).split("\n"), segmenter=segmenter)
        whole = render(read_document(text, segmenter=segmenter), "masked")
        assert "".join(line + "\n" for line in lines) == whole, path.name
