"""Output formats: a :class:`Document` -> corpus text.

- ``text``: words joined by ``sep`` inside, one space between, one paragraph a line; what
  PhoBERT-style models take.
- ``masked``: ``text`` with every number ``1``, every bracket ``6`` and every other run of
  punctuation one ``7``; sentences separated by `` . ``, each line ending with ``.``.
- ``jsonl``: one document a line: paragraphs, sentences, words and their offsets.
- ``conllu``: one word a line, for Universal Dependencies tools.

>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> doc = read_document("Giá tăng 5% (theo ông A). Dân lo: \\"Sao vậy?\\"", id="d",
...                     segmenter=Segmenter(LongestMatchModel([])))
>>> print(render(doc, "masked"), end="")
Giá tăng 1 6 theo ông A 6 7 . Dân lo 7 Sao vậy 7.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import StrEnum

from tachtu.document import Document, Paragraph, read_document
from tachtu.normalize import clean_characters
from tachtu.syllables import SyllableKind
from tachtu.words import Segmenter, Word

__all__ = ["OutputFormat", "read_document", "render", "render_text"]


class OutputFormat(StrEnum):
    TEXT = "text"
    MASKED = "masked"
    JSONL = "jsonl"
    CONLLU = "conllu"


_MASKS = {
    SyllableKind.NUMBER: "1",
    SyllableKind.BRACKET: "6",
    SyllableKind.PUNCTUATION: "7",
    SyllableKind.QUOTE: "7",
    SyllableKind.SYMBOL: "7",
}
_SENTENCE_BREAK = "."


def render(document: Document, output_format: OutputFormat | str, *, sep: str = "_") -> str:
    """The document in ``output_format``, ending with a newline (empty for an empty document)."""
    match OutputFormat(output_format):
        case OutputFormat.TEXT:
            lines = [" ".join(w.form(sep) for w in p.words()) for p in document.paragraphs]
        case OutputFormat.MASKED:
            lines = [_masked(p, sep) for p in document.paragraphs]
        case OutputFormat.JSONL:
            return json.dumps(_as_json(document, sep), ensure_ascii=False) + "\n"
        case OutputFormat.CONLLU:
            return _conllu(document)
    return "".join(line + "\n" for line in lines)


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

    ``text`` and ``masked`` output is made line by line, so a long text becomes Documents of a
    few thousand lines in turn: a 30 MB file as one Document took 2 GB and a minute, with its
    millions of words alive at once. ``jsonl`` and ``conllu`` describe the document as a whole
    (offsets, one id) and come in one piece.

    >>> from tachtu.model.lexicon import LongestMatchModel
    >>> segmenter = Segmenter(LongestMatchModel(["hà nội"]))
    >>> "".join(render_text("Hà Nội 5 tỷ.\\nMưa!", "masked", segmenter=segmenter))
    'Hà_Nội 1 tỷ 7.\\nMưa 7.\\n'
    """
    output_format = OutputFormat(output_format)
    if output_format not in (OutputFormat.TEXT, OutputFormat.MASKED):
        yield render(read_document(text, segmenter=segmenter, id=id), output_format, sep=sep)
        return
    # Cleaning never reaches across a line feed: the cleaned text's lines are the paragraphs.
    lines = clean_characters(text).split("\n")
    for start in range(0, len(lines), _LINES_AT_A_TIME):
        part = "\n".join(lines[start : start + _LINES_AT_A_TIME])
        yield render(read_document(part, segmenter=segmenter, id=id), output_format, sep=sep)


def _masked(paragraph: Paragraph, sep: str) -> str:
    pieces: list[str] = []
    for number, sentence in enumerate(paragraph.sentences):
        if number:
            pieces.append(_SENTENCE_BREAK)
        for word in sentence.words:
            piece = _MASKS.get(word.kind, "") if len(word.syllables) == 1 else ""
            if piece == "7" and _ends_punctuation_run(pieces):
                # One 7 for a run of marks, even across a sentence break: `". "` -> `7 .`
                continue
            pieces.append(piece or word.form(sep))
    return " ".join(pieces) + "."


def _ends_punctuation_run(pieces: list[str]) -> bool:
    if pieces and pieces[-1] == _SENTENCE_BREAK:
        return len(pieces) > 1 and pieces[-2] == "7"
    return bool(pieces) and pieces[-1] == "7"


def _word_json(word: Word, sep: str) -> dict[str, object]:
    return {"form": word.form(sep), "start": word.start, "end": word.end, "kind": word.kind.value}


def _as_json(document: Document, sep: str) -> dict[str, object]:
    return {
        **document.metadata,
        "id": document.id,
        "text": document.text,
        "paragraphs": [
            {
                "start": p.start,
                "end": p.end,
                "sentences": [
                    {"start": s.start, "end": s.end, "words": [_word_json(w, sep) for w in s.words]}
                    for s in p.sentences
                ],
            }
            for p in document.paragraphs
        ],
    }


def _conllu(document: Document) -> str:
    out: list[str] = []
    text = document.text
    for p_number, paragraph in enumerate(document.paragraphs, 1):
        for s_number, sentence in enumerate(paragraph.sentences, 1):
            sent_id = (
                f"{document.id}-{p_number}-{s_number}" if document.id else f"{p_number}-{s_number}"
            )
            if s_number == 1:
                out.append("# newpar")
            out.append(f"# sent_id = {sent_id}")
            out.append(f"# text = {text[sentence.start : sentence.end]}")
            words = sentence.words
            for i, word in enumerate(words):
                glued = i + 1 < len(words) and words[i + 1].start == word.end
                misc = "SpaceAfter=No" if glued else "_"
                # UD Vietnamese writes the syllables of a word with spaces between them.
                form = " ".join(word.syllables)
                out.append(f"{i + 1}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
            out.append("")
    return "".join(line + "\n" for line in out)
