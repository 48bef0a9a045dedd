"""Output formats: a :class:`Document` -> corpus text.

- ``text``: words joined by ``sep`` inside, one space between, one paragraph a line; what
  PhoBERT-style models take.
- ``sentences``: ``text`` with one sentence a line, the layout of language-model corpora (a
  blank line between documents in a corpus file).
- ``masked``: ``text`` with every number ``1``, every bracket ``6`` and every other run of
  punctuation one ``7``; sentences separated by `` . ``, each line ending with ``.``.
- ``jsonl``: one document a line: paragraphs, sentences, words and their offsets.
- ``conllu``: one word a line, for Universal Dependencies tools.
- ``conll``: CoNLL-X as VnDT writes it: one word a line, its syllables joined by ``sep``, and a
  blank line after each sentence; no comments, so paragraphs and documents are not marked.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> doc = read_document("Giá tăng 5% (theo ông A). Dân lo: \\"Sao vậy?\\"", id="d",
...                     segmenter=Segmenter(LongestMatchModel([])))
>>> print(render(doc, "masked"), end="")
Giá tăng 1 6 theo ông A 6 7 . Dân lo 7 Sao vậy 7.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from operator import itemgetter
from typing import Any

from tachtu.document import Document, Paragraph, ParagraphSpan, paragraph_spans, read_document
from tachtu.model.features import join_masked
from tachtu.normalize import clean_characters, normalize
from tachtu.syllables import SyllableKind, word_form
from tachtu.words import LinePer, Segmenter, TextCounts, holds_line_break, unit_codes

__all__ = [
    "LINE_FORMATS",
    "OutputFormat",
    "conll_encoded",
    "conllu_id",
    "masked_encoded",
    "masked_lines",
    "masked_lines_counted",
    "read_document",
    "render",
    "render_structured",
    "render_text",
    "sep_problem",
    "structured_encoded",
]


class OutputFormat(StrEnum):
    TEXT = "text"
    SENTENCES = "sentences"
    MASKED = "masked"
    JSONL = "jsonl"
    CONLLU = "conllu"
    CONLL = "conll"


# Formats written one sentence or paragraph at a time, without a Document (see render_text).
LINE_FORMATS = frozenset(
    {OutputFormat.TEXT, OutputFormat.SENTENCES, OutputFormat.MASKED, OutputFormat.CONLL}
)


def sep_problem(sep: str, output_format: OutputFormat | str) -> str | None:
    """Why ``sep``, asked for, cannot join the syllables of a word in ``output_format``; ``None``
    if it can. (The functions that render take ``sep="_"`` by default and ``conllu`` ignores it.)

    >>> sep_problem("_", "text") is None
    True
    >>> sep_problem("\\n", "sentences")
    'may not hold a line break: sentences writes one paragraph or sentence a line'
    >>> sep_problem("+", "conllu")
    'does not apply to conllu: its forms keep the spaces between syllables, as UD writes them'
    """
    output_format = OutputFormat(output_format)
    if output_format is OutputFormat.CONLLU:
        # (so that the forms and SpaceAfter=No give the text back, as CoNLL-U requires)
        return (
            "does not apply to conllu: its forms keep the spaces between syllables,"
            " as UD writes them"
        )
    if output_format is OutputFormat.CONLL and any(c.isspace() for c in sep):
        return "may not hold whitespace: conll's columns are told apart by tabs, its words by lines"
    # jsonl writes a word's form as a JSON string, in which a line break is escaped.
    if output_format is not OutputFormat.JSONL and holds_line_break(sep):
        return (
            f"may not hold a line break: {output_format.value} writes one paragraph or sentence"
            " a line"
        )
    return None


# The classes of the masked format (a word of one such unit is written as its class).
_MASKS = {
    SyllableKind.NUMBER: "1",
    SyllableKind.BRACKET: "6",
    SyllableKind.PUNCTUATION: "7",
    SyllableKind.QUOTE: "7",
    SyllableKind.SYMBOL: "7",
}
# The same, a character for each kind (" ": none), as the compiled model is told them.
_MASK_CODES = tuple(_MASKS.get(kind, " ") for kind in SyllableKind)


def render(document: Document, output_format: OutputFormat | str, *, sep: str = "_") -> str:
    """The document in ``output_format``, ending with a newline (empty for an empty document)."""
    match OutputFormat(output_format):
        case OutputFormat.TEXT:
            lines = [" ".join(w.form(sep) for w in p.words()) for p in document.paragraphs]
        case OutputFormat.SENTENCES:
            lines = [
                " ".join(w.form(sep) for w in sentence.words)
                for paragraph in document.paragraphs
                for sentence in paragraph.sentences
            ]
        case OutputFormat.MASKED:
            lines = [_masked(p, sep) for p in document.paragraphs]
        case OutputFormat.JSONL:
            return _jsonl(document.id, document.text, document.metadata, _spans(document), sep)
        case OutputFormat.CONLLU:
            return _conllu(document.id, document.text, _spans(document))
        case OutputFormat.CONLL:
            # the sentences format's lines, a row a word, as the line-by-line path makes it
            _check_conll_sep(sep)
            sentences = render(document, OutputFormat.SENTENCES, sep=sep)
            return conll_encoded(sentences.encode("utf-8")).decode("utf-8")
    return "".join(line + "\n" for line in lines)


def _check_conll_sep(sep: str) -> None:
    if problem := sep_problem(sep, OutputFormat.CONLL):
        raise ValueError(f"sep {sep!r} {problem}")


def conll_encoded(sentences: bytes) -> bytes:
    """The ``sentences`` format's lines (UTF-8; words separated by one space, ``sep`` without
    whitespace) as ``conll``: a row a word, a blank line after each sentence; blank lines (the
    ends of documents) give nothing.

    >>> data = conll_encoded("Hà_Nội mưa .\\n\\n".encode())
    >>> print(data.decode().replace("\\t", " "), end="")
    1 Hà_Nội _ _ _ _ _ _ _ _
    2 mưa _ _ _ _ _ _ _ _
    3 . _ _ _ _ _ _ _ _
    <BLANKLINE>
    """
    rows: list[bytes] = []
    for line in sentences.split(b"\n"):
        if line:
            rows += [
                b"%d\t%s%s" % (i, form, _CONLL_EMPTY) for i, form in enumerate(line.split(b" "), 1)
            ]
            rows.append(b"\n")
    return b"".join(rows)


# The eight columns after FORM: tachtu gives no lemma, tag, head or relation.
_CONLL_EMPTY = b"\t_" * 8 + b"\n"


# Lines a Document holds at a time when a long text is rendered line by line (see render_text).
_LINES_AT_A_TIME = 2_000


def render_text(
    text: str,
    output_format: OutputFormat | str,
    *,
    segmenter: Segmenter,
    sep: str = "_",
    id: str = "",
) -> Iterator[str]:
    """``render(read_document(text, ...), output_format)`` in pieces that join to the same text.

    ``text``, ``sentences``, ``masked`` and ``conll`` output is made line by line, a few thousand
    lines at a time and without Documents, written by the model itself
    (:meth:`Segmenter.segment_encoded`, :func:`masked_encoded`): a 30 MB file as one Document
    took 2 GB and a minute, with its millions of words alive at once. ``jsonl`` and ``conllu``
    describe the document as a whole (offsets, one id) and come in one piece, made
    without a Document too (:func:`render_structured`).

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> segmenter = Segmenter(LongestMatchModel(["hà nội"]))
    >>> "".join(render_text("Hà Nội 5 tỷ.\\nMưa!", "masked", segmenter=segmenter))
    'Hà_Nội 1 tỷ 7.\\nMưa 7.\\n'
    """
    output_format = OutputFormat(output_format)
    if output_format not in LINE_FORMATS:
        yield render_structured(text, output_format, segmenter=segmenter, sep=sep, id=id)[0]
        return
    if output_format is OutputFormat.CONLL:
        _check_conll_sep(sep)
    # Cleaning never reaches across a line feed: the cleaned text's lines are the paragraphs.
    lines = clean_characters(text).split("\n")
    for start in range(0, len(lines), _LINES_AT_A_TIME):
        part = lines[start : start + _LINES_AT_A_TIME]
        # each line that has units, then a newline, as render writes it (each part's lines are
        # texts of one line)
        if output_format is OutputFormat.MASKED:
            data = masked_encoded(part, segmenter=segmenter, sep=sep)[0]
        else:
            line_per: LinePer = "paragraph" if output_format is OutputFormat.TEXT else "sentence"
            data = segmenter.segment_encoded(part, sep=sep, line_per=line_per)[0]
            if output_format is OutputFormat.CONLL:
                data = conll_encoded(data)
        yield data.decode("utf-8")


def render_structured(
    text: str,
    output_format: OutputFormat | str,
    *,
    segmenter: Segmenter,
    sep: str = "_",
    id: str = "",
    metadata: Mapping[str, Any] | None = None,
) -> tuple[str, TextCounts]:
    """``render(read_document(text, ...), output_format)`` for ``jsonl`` and ``conllu``, and
    what the document holds, without its Word objects (tests hold the two to the same text):
    written by the compiled model itself, or from the document's spans
    (:func:`tachtu.document.paragraph_spans`) by any other.

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> segmenter = Segmenter(LongestMatchModel(["hà nội"]))
    >>> text, counts = render_structured("Hà Nội mưa.", "jsonl", segmenter=segmenter, id="d")
    >>> [w["form"] for w in json.loads(text)["paragraphs"][0]["sentences"][0]["words"]], counts
    (['Hà_Nội', 'mưa', '.'], TextCounts(paragraphs=1, sentences=1, words=3, syllables=4))
    """
    rendered, counts = _structured(text, output_format, segmenter, sep, id, metadata)
    return (rendered if isinstance(rendered, str) else rendered.decode("utf-8")), counts


def structured_encoded(
    text: str,
    output_format: OutputFormat | str,
    *,
    segmenter: Segmenter,
    sep: str = "_",
    id: str = "",
    metadata: Mapping[str, Any] | None = None,
) -> tuple[bytes, TextCounts]:
    """:func:`render_structured` as UTF-8: what the compiled model writes goes out as it is,
    without a str of it (a corpus's jsonl is about ten times its text)."""
    rendered, counts = _structured(text, output_format, segmenter, sep, id, metadata)
    return (rendered.encode("utf-8") if isinstance(rendered, str) else rendered), counts


def _structured(
    text: str,
    output_format: OutputFormat | str,
    segmenter: Segmenter,
    sep: str,
    id: str,
    metadata: Mapping[str, Any] | None,
) -> tuple[str | bytes, TextCounts]:
    output_format = OutputFormat(output_format)
    text = normalize(text, tone_style=segmenter.tone_style)
    # The compiled model writes the paragraphs itself, from the units it keeps of each distinct
    # chunk of text (a test holds the two ways to the same text).
    if output_format is OutputFormat.JSONL:
        listed = segmenter.paragraphs_json(text, sep=sep)
        if listed is not None:
            return _jsonl_record_encoded(id, text, metadata or {}, listed[0]), listed[1]
    elif output_format is OutputFormat.CONLLU:
        written = segmenter.paragraphs_conllu(text, id=conllu_id(id))
        if written is not None:
            return written
    paragraphs = paragraph_spans(text, segmenter)
    sentences = [words for _, _, in_paragraph in paragraphs for _, _, words in in_paragraph]
    counts = TextCounts(
        len(paragraphs),
        len(sentences),
        sum(map(len, sentences)),
        sum(sum(map(len, map(_units_of, words))) for words in sentences),
    )
    match output_format:
        case OutputFormat.JSONL:
            return _jsonl(id, text, metadata or {}, paragraphs, sep), counts
        case OutputFormat.CONLLU:
            return _conllu(id, text, paragraphs), counts
    raise ValueError(f"{output_format} is a line format: see render_text")


def masked_encoded(
    texts: Sequence[str], *, segmenter: Segmenter, sep: str = "_", end: str = ""
) -> tuple[bytes, TextCounts]:
    """The ``masked`` lines of each text as UTF-8, each followed by a newline, and ``end`` after
    each text; and what the texts hold: what ``render(read_document(text), "masked")`` writes,
    without the Document (a test holds the two to the same text).

    The compiled model writes the lines itself (:meth:`Segmenter.segment_encoded`), as it does
    the ``text`` format, at about the same speed: each distinct chunk of text is split and
    classed once, and only the chunks the core does not split itself are classed here.

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> segmenter = Segmenter(LongestMatchModel([]))
    >>> data, counts = masked_encoded(["Giá 5% (theo A). Dân lo!", "Mưa."], segmenter=segmenter)
    >>> print(data.decode(), end="")
    Giá 1 6 theo A 6 7 . Dân lo 7.
    Mưa 7.
    >>> counts
    TextCounts(paragraphs=2, sentences=3, words=12, syllables=12)
    """
    masks_of = unit_codes(segmenter.tone_style, _MASK_CODES)
    return segmenter.segment_encoded(texts, sep=sep, end=end, masks_of=masks_of)


def masked_lines(lines: Sequence[str], *, segmenter: Segmenter, sep: str = "_") -> list[str]:
    """The ``masked`` lines of cleaned ``lines`` (:func:`clean_characters`), lines without units
    left out: what ``render(read_document(...), "masked")`` writes, without the Document.

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> masked_lines(["Giá tăng 5% (theo ông A). Dân lo!"], segmenter=Segmenter(LongestMatchModel([])))
    ['Giá tăng 1 6 theo ông A 6 7 . Dân lo 7.']
    """
    return masked_lines_counted(lines, segmenter=segmenter, sep=sep)[0]


def masked_lines_counted(
    lines: Sequence[str], *, segmenter: Segmenter, sep: str = "_"
) -> tuple[list[str], TextCounts]:
    """:func:`masked_lines`, and what the lines hold, as a Document of them counts it.

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> masked_lines_counted(["Mưa. Gió!", ""], segmenter=Segmenter(LongestMatchModel([])))
    (['Mưa 7 . Gió 7.'], TextCounts(paragraphs=1, sentences=2, words=4, syllables=4))
    """
    # The lines as one text: cleaned lines hold no line feed, so its lines are theirs.
    data, counts = masked_encoded(["\n".join(lines)], segmenter=segmenter, sep=sep)
    return data.decode("utf-8").split("\n")[:-1], counts


def _masked(paragraph: Paragraph, sep: str) -> str:
    units: list[str] = []
    masks: list[str] = []
    joins: list[bool] = []
    spans: list[tuple[int, int]] = []
    for sentence in paragraph.sentences:
        first = len(units)
        for word in sentence.words:
            units += word.syllables
            single = len(word.syllables) == 1
            masks.append(_MASKS.get(word.kind, " ") if single else " " * len(word.syllables))
            joins += [False] + [True] * (len(word.syllables) - 1)
        spans.append((first, len(units)))
    return join_masked(units, "".join(masks), joins, spans, sep)


def _spans(document: Document) -> list[ParagraphSpan]:
    return [
        (
            p.start,
            p.end,
            [
                (s.start, s.end, [(w.syllables, w.start, w.end, w.kind) for w in s.words])
                for s in p.sentences
            ],
        )
        for p in document.paragraphs
    ]


_units_of = itemgetter(0)  # of a word's span
_KIND_NAMES = {kind: kind.value for kind in SyllableKind}  # an enum's .value is a slow property
# What json.dumps(..., ensure_ascii=False) writes for a string.
_json_string = json.encoder.encode_basestring


def _jsonl(
    id: str, text: str, metadata: Mapping[str, Any], paragraphs: list[ParagraphSpan], sep: str
) -> str:
    """``json.dumps({**metadata, "id": id, "text": text, "paragraphs": [...]}, ensure_ascii=False)``
    and a newline, the paragraphs written as text: a dict for each of a corpus's words, then
    encoded, cost four times as much."""
    words_of = [
        [
            ", ".join(
                [
                    f'{{"form": {_json_string(word_form(units, sep))}, "start": {start}, '
                    f'"end": {end}, "kind": "{_KIND_NAMES[kind]}"}}'
                    for units, start, end, kind in words
                ]
            )
            for _, _, words in sentences
        ]
        for _, _, sentences in paragraphs
    ]
    listed = ", ".join(
        f'{{"start": {p_start}, "end": {p_end}, "sentences": ['
        + ", ".join(
            f'{{"start": {s_start}, "end": {s_end}, "words": [{words}]}}'
            for (s_start, s_end, _), words in zip(sentences, sentence_words, strict=True)
        )
        + "]}"
        for (p_start, p_end, sentences), sentence_words in zip(paragraphs, words_of, strict=True)
    )
    return _jsonl_record(id, text, metadata, listed)


def _jsonl_record_encoded(id: str, text: str, metadata: Mapping[str, Any], listed: bytes) -> bytes:
    """:func:`_jsonl_record` as UTF-8, from paragraph objects written as UTF-8."""
    if "paragraphs" in metadata:
        return _jsonl_record(id, text, metadata, listed.decode("utf-8")).encode("utf-8")
    head = json.dumps({**metadata, "id": id, "text": text}, ensure_ascii=False)
    return b"".join((head[:-1].encode("utf-8"), b', "paragraphs": [', listed, b"]}\n"))


def _jsonl_record(id: str, text: str, metadata: Mapping[str, Any], listed: str) -> str:
    """The jsonl line of a document whose paragraph objects, joined by ", ", are ``listed``."""
    if "paragraphs" in metadata:  # a field of the source record sets the key's place
        record = {**metadata, "id": id, "text": text, "paragraphs": json.loads(f"[{listed}]")}
        return json.dumps(record, ensure_ascii=False) + "\n"
    # The last key: the record without it, closed after it.
    head = json.dumps({**metadata, "id": id, "text": text}, ensure_ascii=False)
    return f'{head[:-1]}, "paragraphs": [{listed}]}}\n'


def conllu_id(id: str) -> str:
    """A document id as CoNLL-U comments can hold it: each run of whitespace (a line break
    would end the comment and start a line of garbage) one ``_``.

    >>> conllu_id("r 1\\n# sent_id = x")
    'r_1_#_sent_id_=_x'
    """
    return "_".join(id.split())


def _conllu(id: str, text: str, paragraphs: list[ParagraphSpan]) -> str:
    id = conllu_id(id)
    out: list[str] = []
    for p_number, (_, _, sentences) in enumerate(paragraphs, 1):
        for s_number, (s_start, s_end, words) in enumerate(sentences, 1):
            sent_id = f"{id}-{p_number}-{s_number}" if id else f"{p_number}-{s_number}"
            if s_number == 1:
                out.append("# newpar")
            out.append(f"# sent_id = {sent_id}")
            # Runs of whitespace are one space, in the text and in a form, so that the forms
            # and SpaceAfter=No give the text back (as CoNLL-U requires).
            out.append(f"# text = {' '.join(text[s_start:s_end].split())}")
            for i, (_, start, end, _) in enumerate(words):
                glued = i + 1 < len(words) and words[i + 1][1] == end
                misc = "SpaceAfter=No" if glued else "_"
                # UD Vietnamese writes the syllables of a word with spaces between them; units
                # glued in the text (Ng.) stay glued.
                form = " ".join(text[start:end].split())
                out.append(f"{i + 1}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
            out.append("")
    return "".join(line + "\n" for line in out)
