"""Word segmentation side by side: tachtu and its peers on the same news text and dev set.

Each system runs in a fresh child process pinned to one core, so load time and peak memory are
its own. Measured for each: load time, syllables per second on raw news text (raw text in,
segmented text out) by the clock and by the process's CPU time, peak resident memory, and F1 on
the VLSP 2013 dev set. Each system runs ``--rounds`` times, each time in a new process (caches
start empty every time), and the fastest round counts: on a machine shared with other work the
slower rounds measure the other work. Peers come with ``pip install -e .[bench]`` (underthesea,
pyvi, python_rdrsegmenter; the last needs Java).

    python benchmarks/bench_segment.py --output benchmarks/results/segment.md

F1 on other gold files, and on each lower-cased or without its marks, in one run::

    python benchmarks/bench_segment.py --dev ../shared/data/vlsp2013-ws/dev.txt \
        ../shared/data/ud-vtb/dev.txt --dev-forms as-is lower-cased without-marks

Syllables are counted as :func:`tachtu.syllables.split_syllables` counts them, for every system.
RDRsegmenter segments tokenized text only, so it gets the text pre-tokenized (its speed leaves
tokenizing out, which flatters it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

CHUNK_LINES = 1000
SYSTEMS = ("tachtu", "tachtu-model-only", "underthesea", "pyvi", "rdrsegmenter")


def news_texts(paths: list[str], syllables: int) -> list[str]:
    """Whole documents from news files until about ``syllables`` syllable units."""
    from tachtu.syllables import split_syllables

    texts, total = [], 0
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for row in f:
                text = json.loads(row)["text"]
                texts.append(text)
                total += len(split_syllables(text))
                if total >= syllables:
                    return texts
    return texts


def load_system(name: str):
    """A function: list of raw paragraphs -> list of segmented paragraphs (``_`` inside words)."""
    if name == "tachtu":
        from tachtu.words import Segmenter

        segmenter = Segmenter.load()
        return segmenter.segment_batch
    if name == "tachtu-model-only":
        from tachtu.model import load_model
        from tachtu.syllables import split_syllables

        model = load_model()

        def joins_only(lines: list[str]) -> list[str]:
            batch = [split_syllables(line) for line in lines]
            started, cpu_started = time.perf_counter(), time.process_time()
            model.joins_batch(batch)
            joins_only.model_seconds += time.perf_counter() - started
            joins_only.model_cpu_seconds += time.process_time() - cpu_started
            return lines

        joins_only.model_seconds = 0.0
        joins_only.model_cpu_seconds = 0.0
        return joins_only
    if name == "underthesea":
        from underthesea import word_tokenize

        return lambda lines: [word_tokenize(line, format="text") for line in lines]
    if name == "pyvi":
        from pyvi import ViTokenizer

        return lambda lines: [ViTokenizer.tokenize(line) for line in lines]
    if name == "rdrsegmenter":
        from python_rdrsegmenter import load_segmenter

        from tachtu.syllables import split_syllables

        segmenter = load_segmenter()
        return lambda lines: [
            segmenter.tokenize(" ".join(split_syllables(line))) if line.strip() else ""
            for line in lines
        ]
    raise ValueError(f"unknown system {name!r}")


def measure(name: str, news: list[str], dev_sets: dict[str, list[str]]) -> dict:
    """Run in the child: pin to one core, load, segment news, then score each dev set."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from tachtu.evaluation import by_length, score
    from tachtu.syllables import split_syllables

    before_mb = resident_mb()
    started = time.perf_counter()
    segment = load_system(name)
    load_seconds = time.perf_counter() - started
    loaded_mb = resident_mb() - before_mb
    lines = [line for text in news for line in text.split("\n")]
    syllables = sum(len(split_syllables(line)) for line in lines)
    segment(lines[:20])  # warm-up: lazy imports and caches belong to loading, not to speed
    if hasattr(segment, "model_seconds"):
        segment.model_seconds = segment.model_cpu_seconds = 0.0
    # A stream is segmented a batch at a time; one batch of the whole text would measure the
    # size of the text, not the segmenter.
    chunks = [lines[i : i + CHUNK_LINES] for i in range(0, len(lines), CHUNK_LINES)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for chunk in chunks:
        segment(chunk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    seconds = getattr(segment, "model_seconds", seconds)
    cpu_seconds = getattr(segment, "model_cpu_seconds", cpu_seconds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f1, lengths = {}, {}
    if name != "tachtu-model-only":
        for label, gold in dev_sets.items():
            predicted = segment([g.replace("_", " ") for g in gold])
            f1[label] = round(score(gold, predicted).f1 * 100, 2)
            lengths[label] = [(row.gold, row.found) for row in by_length(gold, predicted)]
    return {
        "system": name,
        "load_s": round(load_seconds, 3),
        "syllables": syllables,
        "seconds": round(seconds, 3),
        "syllables_per_s": round(syllables / seconds),
        "cpu_syllables_per_s": round(syllables / cpu_seconds),
        "peak_mb": round(peak_mb, 1),
        "loaded_mb": round(loaded_mb, 1),
        "dev_f1": f1,
        "dev_by_length": lengths,
    }


DEV_FORMS = ("as-is", "lower-cased", "without-marks")


def read_dev_sets(paths: list[str], forms: list[str]) -> dict[str, list[str]]:
    """Gold lines by label (``vlsp2013-ws/dev.txt lower-cased``), each file in each form.

    The forms are those the training command reports: lower-cased input and gold, and every
    word of no letter or digit taken out of both (text typed without marks).
    """
    from tachtu.model.augment import robustness_forms

    dev_sets = {}
    for path in paths:
        gold = [line for line in Path(path).read_text("utf-8").split("\n") if line.strip()]
        name = "/".join(Path(path).parts[-2:])
        # the forms in DEV_FORMS's order: as it is, then those the training command reports
        variants = dict(
            zip(DEV_FORMS, ({name: gold} | robustness_forms(name, gold)).items(), strict=True)
        )
        for form in forms:
            label, lines = variants[form]
            dev_sets[label] = lines
    return dev_sets


def resident_mb() -> float:
    """Current resident set of this process (Linux), in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().split("\n"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} logical cores (one used), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def report(results: list[dict], args) -> str:
    by_name = {r["system"]: r for r in results}
    ours = by_name.get("tachtu")
    # one set keeps the column's old name, so the committed tables read alike
    f1_headers = (
        ["dev F1"] if len(args.dev_labels) == 1 else [f"F1 {label}" for label in args.dev_labels]
    )
    lines = [
        "# Word segmentation: tachtu and peers",
        "",
        f"Machine: {machine()}. Load average (1 min) when the run began: "
        f"{args.load_average:.2f}, when it ended: {args.load_average_end:.2f} (other work on the "
        "machine slows every system alike; the CPU-time column is what the process itself used).",
        f"Text: {', '.join(Path(p).name for p in args.news)}; "
        f"tachtu and its model on about {args.syllables:,} syllables, peers on about "
        f"{args.peer_syllables:,}. Dev: {', '.join(args.dev_labels)}. Fastest of {args.rounds} "
        "rounds per system, each in a fresh process.",
        f"Command: `python benchmarks/bench_segment.py {' '.join(sys.argv[1:])}`",
        "",
        "| system | load s | syllables/s | slowest round | syllables/s of CPU time "
        "| tachtu is × faster | peak MB | load adds MB | " + " | ".join(f1_headers) + " |",
        "|---|---|---|---|---|---|---|---|" + "---|" * len(f1_headers),
    ]
    for r in results:
        ratio = (
            f"{ours['syllables_per_s'] / r['syllables_per_s']:.1f}"
            if ours and r["system"] not in ("tachtu", "tachtu-model-only")
            else "–"
        )
        f1 = " | ".join(
            f"{r['dev_f1'][label]:.2f}" if label in r["dev_f1"] else "–"
            for label in args.dev_labels
        )
        lines.append(
            f"| {r['system']} | {r['load_s']:.2f} | {r['syllables_per_s']:,} | "
            f"{r['slowest_per_s']:,} | {r['cpu_syllables_per_s']:,} | {ratio} | "
            f"{r['peak_mb']:.0f} | {r['loaded_mb']:.0f} | {f1} |"
        )
    lines += [
        "",
        "`tachtu` is the public API end to end (`Segmenter.segment_batch`: normalization, "
        "syllable splitting, the model, joining the output). It splits and looks up each "
        "distinct whitespace-separated chunk once and remembers it; every round starts in a new "
        "process, so the timed pass pays for the first sight of every chunk. "
        "`tachtu-model-only` times `joins_batch` alone on pre-split syllables, which looks up "
        "every syllable (end to end can be the faster). Peak MB is the child process's maximum "
        "resident set, the interpreter and the input text included (the JVM too for "
        f"RDRsegmenter), the largest of the rounds; text goes through in batches of {CHUNK_LINES} "
        "lines. *Load adds MB* is the growth of the resident set while loading. The ratio "
        "compares clock speeds.",
        "",
        "Dev F1 of the peers is not a fair comparison: the VLSP 2013 dev set here is cut from "
        "the official VLSP 2013 training set, which underthesea and RDRsegmenter were trained "
        "on. On the held-out VLSP 2013 test set they score 97.95 and 97.90 (FINDINGS).",
        "",
    ]
    return "\n".join(lines + _length_tables(results, args.dev_labels))


def _length_tables(results: list[dict], labels: list[str]) -> list[str]:
    """Recall of each system by a gold word's length in syllables, a table a dev set."""
    scored = [r for r in results if r.get("dev_by_length")]
    if not scored:
        return []
    lines = [
        "## Recall by word length",
        "",
        "The share of the gold's words of 1, 2, 3, 4 and 5 or more syllables that each system "
        "found with both boundaries (`tachtu.evaluation.by_length`, as `tachtu evaluate "
        "--by-length` prints it). Long words are few and the hardest; legal and political "
        "writing has more of them than news.",
        "",
    ]
    for label in labels:
        rows = [r for r in scored if label in r["dev_by_length"]]
        if not rows:
            continue
        counts = [gold for gold, _ in rows[0]["dev_by_length"][label]]
        lines += [
            f"{label}:",
            "",
            "| system | 1 | 2 | 3 | 4 | 5+ |",
            "|---|---|---|---|---|---|",
            "| gold words | " + " | ".join(f"{n:,}" for n in counts) + " |",
        ]
        for r in rows:
            recalls = (
                f"{100 * found / gold:.2f}" if gold else "–"
                for gold, found in r["dev_by_length"][label]
            )
            lines.append(f"| {r['system']} | " + " | ".join(recalls) + " |")
        lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--news", nargs="+", default=["../shared/data/news/baomoi-2017-00.jsonl.gz"]
    )
    parser.add_argument("--syllables", type=int, default=2_000_000)
    parser.add_argument("--peer-syllables", type=int, default=100_000)
    parser.add_argument(
        "--dev", nargs="+", default=["../shared/data/vlsp2013-ws/dev.txt"], help="gold files"
    )
    parser.add_argument(
        "--dev-forms",
        nargs="+",
        default=["as-is"],
        choices=DEV_FORMS,
        help="each dev file also scored lower-cased or without its marks (input and gold)",
    )
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="runs per system, each in a new process; fastest counts",
    )
    parser.add_argument("--output", help="write the Markdown table here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        request = json.loads(sys.stdin.read())
        print(json.dumps(measure(args.child, request["news"], request["dev"])))
        return 0

    args.load_average = os.getloadavg()[0]
    dev_sets = read_dev_sets(args.dev, args.dev_forms)
    args.dev_labels = list(dev_sets)
    results = []
    for name in args.systems:
        amount = args.syllables if name.startswith("tachtu") else args.peer_syllables
        news = news_texts(args.news, amount)
        rounds = []
        for round_number in range(args.rounds):
            # The dev score does not change from round to round: computed in the first only.
            request = json.dumps({"news": news, "dev": {} if round_number else dev_sets})
            child = subprocess.run(
                [sys.executable, __file__, "--child", name],
                input=request,
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode:
                print(f"{name} failed:\n{child.stderr[-2000:]}", file=sys.stderr)
                break
            rounds.append(json.loads(child.stdout.strip().split("\n")[-1]))
            print(json.dumps(rounds[-1]), file=sys.stderr)
        if len(rounds) == args.rounds:
            fastest = min(rounds, key=lambda r: r["seconds"])
            results.append(
                {
                    **fastest,
                    "peak_mb": max(r["peak_mb"] for r in rounds),
                    "slowest_per_s": min(r["syllables_per_s"] for r in rounds),
                    "dev_f1": rounds[0]["dev_f1"],
                    "dev_by_length": rounds[0]["dev_by_length"],
                }
            )
    args.load_average_end = os.getloadavg()[0]
    table = report(results, args)
    print(table)
    if args.output:
        Path(args.output).write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
