"""Legacy encodings on real news: round trips and detection, per document and per sentence.

Every document of a folder of UTF-8 text files is encoded into each legacy encoding (and UTF-8,
UTF-8 NFD), then

- decoded back with the encoding named: is the text equal to the original, character for
  character? Where it is not, each difference is put down to what the encoding cannot hold
  (characters outside its repertoire, which ``errors="replace"`` wrote as ``?``), to the TCVN3
  capitals that VN3 has no codes for, or to anything else (a bug);
- detected with ``encoding="auto"``: is the encoding found, and does auto-decoding give the same
  text as decoding with the encoding named? Every confusion is listed.

Short texts are measured the same way on the title and on the first sentence of each document.

    python benchmarks/bench_detect.py ../shared/data/news/sample-txt --output benchmarks/results/detect.md
"""

from __future__ import annotations

import argparse
import codecs
import difflib
import platform
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tachtu.encodings import decode, detect, encode

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = REPO.parent / "shared" / "data" / "news" / "sample-txt"
ENCODINGS = ("utf-8", "utf-8-nfd", "tcvn3", "vni", "viscii", "cp1258", "viqr")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


def to_bytes(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-nfd":
        return unicodedata.normalize("NFD", text).encode("utf-8")
    return encode(text, encoding, errors="replace")


def named(encoding: str) -> str:
    """The encoding name decode takes, and detection should find."""
    return "utf-8" if encoding.startswith("utf-8") else encoding


_unwritten: list[int] = []


def _record_unwritten(error: UnicodeEncodeError) -> tuple[str, int]:
    _unwritten.extend(range(error.start, error.end))
    return "?", error.end


codecs.register_error("bench-detect-record", _record_unwritten)


def unwritten(text: str, encoding: str) -> set[int]:
    """Offsets of the characters the encoder could not write (as ``errors="replace"`` finds them).

    Most are characters outside the encoding's table; VIQR also cannot write some letters where
    they stand (đ after a letter, as in GĐ or NĐ-CP).
    """
    if encoding.startswith("utf-8"):
        return set()
    _unwritten.clear()
    encode(text, encoding, errors="bench-detect-record")
    return set(_unwritten)


def differences(original: str, decoded: str, encoding: str) -> Counter[str]:
    """Differing characters of ``original``, by cause: unrepresentable, case, other."""
    causes: Counter[str] = Counter()
    lost = unwritten(original, encoding)
    matcher = difflib.SequenceMatcher(None, original, decoded, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        was, now = original[a1:a2], decoded[b1:b2]
        if op == "replace" and len(was) == len(now):
            for offset, (old, new) in enumerate(zip(was, now, strict=True)):
                if a1 + offset in lost:
                    causes["unrepresentable"] += 1
                elif old.lower() == new.lower():
                    causes["case"] += 1
                else:
                    causes["other"] += 1
        else:
            unwritable = sum(a1 + offset in lost for offset in range(len(was)))
            causes["unrepresentable"] += unwritable
            causes["other"] += max(len(was), len(now)) - unwritable
    return causes


@dataclass
class RoundTrips:
    exact: int = 0
    only_unrepresentable: int = 0
    with_case: int = 0
    other: int = 0
    characters: Counter[str] = field(default_factory=Counter)


@dataclass
class Detections:
    texts: int = 0
    ascii_only: int = 0
    correct: int = 0
    same_text: int = 0
    confidence_of_correct: list[float] = field(default_factory=list)
    confusions: list[str] = field(default_factory=list)


def _describe(text: str, index: int) -> str:
    char = text[index]
    if char in "đĐ" and index and text[index - 1].isalpha():
        return "đ after a letter"
    if char.isalpha() and not char.isascii() and unicodedata.normalize("NFD", char)[0].isascii():
        word = re.findall(r"[^\W\d_]+", text[max(0, index - 12) : index + 12])
        inside = next((w for w in word if char in w), char)
        return f"`{char}` closing `{inside}`"
    return f"`{char}` U+{ord(char):04X}"


def first_sentence(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    body = lines[1] if len(lines) > 1 else lines[0]
    return _SENTENCE_END.split(body.strip(), maxsplit=1)[0]


def measure_detection(texts: dict[str, str], encoding: str) -> Detections:
    result = Detections()
    for name, text in texts.items():
        data = to_bytes(text, encoding)
        expected = "ascii" if data.isascii() and text.isascii() else named(encoding)
        result.texts += 1
        result.ascii_only += expected == "ascii"
        found = detect(data)
        if found.encoding == expected:
            result.correct += 1
            result.confidence_of_correct.append(found.confidence)
        else:
            result.confusions.append(
                f"{name}: {encoding} detected as {found.encoding} "
                f"(confidence {found.confidence:.2f}; {found.reason})"
            )
        explicit = decode(data, expected if expected == "ascii" else named(encoding)).text
        result.same_text += decode(data).text == explicit
    return result


def measure_round_trips(documents: dict[str, str], encoding: str) -> RoundTrips:
    result = RoundTrips()
    for text in documents.values():
        decoded = decode(to_bytes(text, encoding), named(encoding)).text
        if decoded == text:
            result.exact += 1
            continue
        causes = differences(text, decoded, encoding)
        result.characters.update(causes)
        if causes["other"]:
            result.other += 1
        elif causes["case"]:
            result.with_case += 1
        else:
            result.only_unrepresentable += 1
    return result


def throughput(documents: dict[str, str], encoding: str) -> tuple[float, float]:
    """(MB of encoded bytes decoded per second with the name given, ms per detect of a document)."""
    blobs = [to_bytes(text, encoding) for text in documents.values()]
    start = time.perf_counter()
    for blob in blobs:
        decode(blob, named(encoding))
    decoding = time.perf_counter() - start
    start = time.perf_counter()
    for blob in blobs:
        detect(blob)
    detecting = time.perf_counter() - start
    return sum(map(len, blobs)) / decoding / 1e6, detecting / len(blobs) * 1e3


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def report(folder: Path, command: str) -> str:
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        raise SystemExit(f"no .txt files in {folder}")
    documents = {path.stem: path.read_text(encoding="utf-8") for path in paths}
    not_nfc = [
        name for name, text in documents.items() if not unicodedata.is_normalized("NFC", text)
    ]
    titles = {name: text.splitlines()[0].strip() for name, text in documents.items()}
    sentences = {name: first_sentence(text) for name, text in documents.items()}
    out = [
        "# Legacy encodings: round trips and detection on news",
        "",
        f"Command: `{command}`",
        "",
        f"{len(documents)} documents ({sum(map(len, documents.values())):,} characters) from "
        f"`{folder.name}`; Python {platform.python_version()} on {platform.machine()}."
        + (f" Not NFC as read: {', '.join(not_nfc)}." if not_nfc else " All NFC as read."),
        "",
        "## Round trips, per document",
        "",
        'Encoded with `errors="replace"`, decoded with the encoding named. *Unrepresentable*: the',
        "encoder could not write the character (no code in the table, or for VIQR no spelling where",
        "it stands) and wrote `?`; *case*: a TCVN3 toned capital that came back lower case (VN3 has",
        "no code for it; decoding restores capitals in lines of capitals, words of capitals and at",
        "sentence starts); *other*: anything else, which would be a bug.",
        "",
        "| encoding | exact | only unrepresentable | + TCVN3 case | other | chars unrepresentable | chars case | chars other |",
        "|---|---|---|---|---|---|---|---|",
    ]
    unrepresentable: dict[str, Counter[str]] = {}
    for encoding in ENCODINGS:
        trips = measure_round_trips(documents, encoding)
        out.append(
            f"| {encoding} | {trips.exact}/{len(documents)} | {trips.only_unrepresentable} | "
            f"{trips.with_case} | {trips.other} | {trips.characters['unrepresentable']} | "
            f"{trips.characters['case']} | {trips.characters['other']} |"
        )
        unrepresentable[encoding] = Counter()
        for text in documents.values():
            unrepresentable[encoding].update(
                {_describe(text, i) for i in unwritten(text, encoding)}
            )
    out += ["", "Characters each encoding could not write (number of documents):", ""]
    for encoding, chars in unrepresentable.items():
        if chars:
            listed = ", ".join(f"{what} ({n})" for what, n in chars.most_common())
            out.append(f"- {encoding}: {listed}")
    for title, texts in (
        ("Detection, per document", documents),
        ("Detection, short texts: the first sentence of each document", sentences),
        ("Detection, short texts: the title of each document", titles),
    ):
        sizes = sorted(len(text.split()) for text in texts.values())
        out += [
            "",
            f"## {title}",
            "",
            f"Words per text: median {sizes[len(sizes) // 2]}, min {sizes[0]}, max {sizes[-1]}.",
            "",
            "*Correct*: the encoding found is the one used (texts whose bytes are pure ASCII must be",
            "found as `ascii`). *Same text*: auto-decoding gives the text that decoding with the",
            "encoding named gives. A confidence of 0.00 means two readings had equal evidence and",
            "the order of preference in `tachtu.encodings.detection` decided.",
            "",
            "| encoding | texts | pure ASCII | correct | accuracy | same text | min confidence when correct |",
            "|---|---|---|---|---|---|---|",
        ]
        confusions: list[str] = []
        total = correct = 0
        for encoding in ENCODINGS:
            found = measure_detection(texts, encoding)
            total += found.texts
            correct += found.correct
            lowest = min(found.confidence_of_correct, default=float("nan"))
            out.append(
                f"| {encoding} | {found.texts} | {found.ascii_only} | {found.correct} | "
                f"{percent(found.correct, found.texts)} | {percent(found.same_text, found.texts)} | "
                f"{lowest:.2f} |"
            )
            confusions += found.confusions
        out += ["", f"All encodings: {correct}/{total} ({percent(correct, total)}).", ""]
        out += ["Confusions:" if confusions else "Confusions: none.", ""]
        out += [f"- {line}" for line in confusions]
    out += [
        "",
        "## Speed",
        "",
        "One process; decoding includes NFC and mojibake checks, detection reads every table, except for clean Vietnamese UTF-8 (see `tachtu.encodings.detection`).",
        "",
        "| encoding | decode MB/s (encoded bytes) | detect ms per document |",
        "|---|---|---|",
    ]
    for encoding in ENCODINGS:
        speed, per_document = throughput(documents, encoding)
        out.append(f"| {encoding} | {speed:.1f} | {per_document:.2f} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=DEFAULT_FOLDER,
        help="folder of UTF-8 .txt documents",
    )
    parser.add_argument("--output", type=Path, help="write the Markdown report here as well")
    args = parser.parse_args(argv)
    command = "python benchmarks/bench_detect.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    text = report(args.folder, command.strip())
    print(text, end="")
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
