"""Sentence-boundary precision and recall on the gold sentences of a segmented corpus.

The gold file has one sentence a line, tokenized (spaces around punctuation, syllables of a word
joined by ``_``). Consecutive lines are detokenized back into running text and joined into
paragraphs; the splitter's boundaries inside each paragraph are compared with the gold line ends.
Lines without sentence-final punctuation (titles, bylines) stand as paragraphs of their own, since
no splitter can see a boundary after them in running text.

    python benchmarks/bench_sentences.py ../shared/data/vlsp2013-ws/dev.txt
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from tachtu.sentences import sentence_spans
from tachtu.syllables import syllables

_ATTACH_LEFT = re.compile(r" ([,.;:!?…)\]”’%]|\.\.\.)")
_ATTACH_RIGHT = re.compile(r"([(\[“‘]) ")
_FINAL = (".", "!", "?", "…", '"', "”", ")")


def detokenize(line: str, quote_open: bool) -> tuple[str, bool]:
    """Running text from a tokenized line; straight quotes alternate open/close across lines."""
    text = line.replace("_", " ")
    text = _ATTACH_LEFT.sub(r"\1", text)
    text = _ATTACH_RIGHT.sub(r"\1", text)
    out = []
    parts = text.split('"')
    for i, part in enumerate(parts):
        if i:
            if quote_open:  # closing quote: glue to the left
                out[-1] = out[-1].rstrip()
                out.append('"')
            else:
                out.append('"')
                part = part.lstrip()
            quote_open = not quote_open
        out.append(part)
    return "".join(out).strip(), quote_open


def paragraphs(lines: list[str]) -> list[list[str]]:
    groups: list[list[str]] = []
    current: list[str] = []
    quote_open = False
    for line in lines:
        text, quote_open = detokenize(line, quote_open)
        if not text:
            continue
        current.append(text)
        if not text.endswith(_FINAL):
            groups.append(current)
            current, quote_open = [], False
    if current:
        groups.append(current)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "gold", type=Path, nargs="?", default=Path("../shared/data/vlsp2013-ws/dev.txt")
    )
    parser.add_argument("--show", type=int, default=10, help="print this many errors of each kind")
    args = parser.parse_args()
    lines = args.gold.read_text(encoding="utf-8").splitlines()
    true_positive = predicted = gold = 0
    missed: list[str] = []
    spurious: list[str] = []
    groups = paragraphs(lines)
    for group in groups:
        text = " ".join(group)
        gold_ends = set()
        position = 0
        for sentence in group[:-1]:
            position += len(sentence)
            gold_ends.add(position)
            position += 1
        units = syllables(text)
        ends = {units[last - 1].end for _, last in sentence_spans(units)[:-1]}
        true_positive += len(ends & gold_ends)
        predicted += len(ends)
        gold += len(gold_ends)
        missed += [text[max(0, e - 40) : e + 30] for e in sorted(gold_ends - ends)]
        spurious += [text[max(0, e - 40) : e + 30] for e in sorted(ends - gold_ends)]
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{args.gold.name}: {len(lines)} gold sentences in {len(groups)} paragraphs")
    print(
        f"boundaries inside paragraphs: gold {gold}, predicted {predicted}, correct {true_positive}"
    )
    print(f"P={precision * 100:.2f} R={recall * 100:.2f} F1={f1 * 100:.2f}")
    for name, examples in (("missed", missed), ("spurious", spurious)):
        print(f"\n{name} ({len(examples)}):")
        for example in examples[: args.show]:
            print(f"  …{example}…")


if __name__ == "__main__":
    main()
