"""Build the baseline lexicon shipped in ``src/tachtu/model/data/lexicon.txt.gz``.

A multi-syllable gold word goes in when its syllables are written as that one word in at least
half of the places where they occur together, so ambiguous runs (``học sinh`` inside ``học sinh
học``) stay out. Only training files are read; the dev set stays unseen.

    python scripts/build_lexicon.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import gzip
from collections import Counter
from pathlib import Path

from tachtu.normalize import tone_key

TRAINING_FILES = (
    "vlsp2013-ws/train.txt",
    "vlsp2013-pos/train.txt",
    "viettreebank/train.txt",
    "ud-vtb/train.txt",
)
MAX_SYLLABLES = 8


def gold_sentences(data: Path):
    for name in TRAINING_FILES:
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            words = [tuple(tone_key(s) for s in w.split("_")) for w in line.split()]
            if words:
                yield words


def build(data: Path, min_count: int, min_share: float) -> list[str]:
    as_word: Counter[tuple[str, ...]] = Counter()
    for words in gold_sentences(data):
        as_word.update(w for w in words if 1 < len(w) <= MAX_SYLLABLES)
    candidates = {w for w, n in as_word.items() if n >= min_count}
    together: Counter[tuple[str, ...]] = Counter()
    for words in gold_sentences(data):
        flat = [s for w in words for s in w]
        for i in range(len(flat)):
            for n in range(2, min(MAX_SYLLABLES, len(flat) - i) + 1):
                run = tuple(flat[i : i + n])
                if run in candidates:
                    together[run] += 1
    return sorted(" ".join(w) for w in candidates if as_word[w] >= min_share * together[w])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("src/tachtu/model/data/lexicon.txt.gz"))
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--min-share", type=float, default=0.5)
    args = parser.parse_args()
    words = build(args.data, args.min_count, args.min_share)
    # mtime=0 keeps the file byte-identical across rebuilds.
    with gzip.GzipFile(args.out, "wb", mtime=0) as out:
        out.write(("\n".join(words) + "\n").encode("utf-8"))
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
