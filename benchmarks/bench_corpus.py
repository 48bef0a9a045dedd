"""The corpus pipeline on the whole baomoi 2017 news set: wall time, syllables/s, memory, scaling.

Each configuration runs in a fresh child process, so its timings, CPU seconds and peak memory
are its own:

- ``segment_batch``: the model's own fast path (raw text in, segmented text out, no sentences
  or offsets), over texts already in memory: what the model alone costs.
- ``bare``: the bare segmenter over texts already in memory, in one process, one document at a
  time, the output format's own way, as ``tachtu segment`` does: ``Segmenter.segment`` for
  ``text``, ``Segmenter.segment_encoded`` for ``sentences``, ``masked_encoded`` for
  ``masked``, ``structured_encoded`` (UTF-8, as the pipeline keeps it) for ``jsonl`` and
  ``conllu``. It is what the pipeline's overhead is measured against.
- ``bare-tuned``: the same with the cyclic garbage collector off, as the pipeline's workers
  have it while they segment, so that the pipeline's own machinery can be told apart from
  that tuning.
- ``loop``: the same job as the pipeline written the plain way, in one process: each file
  read line by line (gzip through the same codec), ``json.loads``, ``Segmenter.segment``, the
  output written gzip-compressed at the pipeline's level. It is what a user would run without
  the pipeline: the pipeline's machinery (chunks, workers, journal, fsync, counts) is what the
  pipeline costs over it.
- ``local N`` / ``dask N``: ``tachtu.corpus.run`` with N worker processes, from the compressed
  files to compressed output files, with journal, stats and everything; ``local 0`` runs it all
  in the measuring process, on one core as ``bare`` does (the per-core comparison). Their CPU
  seconds are counted from the call, as the other configurations count theirs.

Peak memory is the maximum resident set of the main process, and of the largest worker
(``RUSAGE_CHILDREN``, which the operating system keeps for waited-for children). The machine
may be shared: the load average before and after each run is recorded, and the CPU seconds
(user + system, all processes) tell the cost independently of what else was running.

    nice python benchmarks/bench_corpus.py --output benchmarks/results/corpus.md
"""

from __future__ import annotations

import argparse
import datetime
import glob
import gzip
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "news" / "baomoi-2017-*.jsonl.gz"


def _texts(paths: list[str]) -> list[str]:
    texts = []
    for path in paths:
        with gzip.open(path, "rt", encoding="utf-8") as file:
            texts.extend(json.loads(line)["text"] for line in file)
    return texts


def _syllables(texts: list[str]) -> int:
    """Syllables as the pipeline counts them: in the cleaned text (a soft hyphen or a zero-width
    space inside a word splits it in the raw text, not in the clean one)."""
    from tachtu.normalize import clean_characters
    from tachtu.syllables import split_syllables

    return sum(len(split_syllables(clean_characters(text))) for text in texts)


def child(
    configuration: str, paths: list[str], output_format: str, scratch: str, encoding: str
) -> dict:
    """Run one configuration in this (fresh) process and measure it."""
    from tachtu.words import Segmenter

    load_before = os.getloadavg()[0]
    result: dict = {"configuration": configuration}
    if configuration in ("segment_batch", "bare", "bare-tuned"):
        from tachtu.corpus import CorpusStats
        from tachtu.formats import masked_encoded, structured_encoded

        segmenter = Segmenter.load()
        texts = _texts(paths)
        if configuration == "bare-tuned":
            import gc

            # What the pipeline's workers do while segmenting (see tachtu.corpus.engines).
            gc.disable()
        started, cpu = time.perf_counter(), time.process_time()
        if configuration == "segment_batch":
            for start in range(0, len(texts), 256):
                segmenter.segment_batch(texts[start : start + 256])
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            syllables = _syllables(texts)
            documents = len(texts)
        elif output_format in ("text", "sentences"):
            segment = (
                segmenter.segment
                if output_format == "text"
                else lambda text: segmenter.segment_encoded([text], line_per="sentence")
            )
            for text in texts:
                segment(text)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            syllables = _syllables(texts)
            documents = len(texts)
        else:
            stats = CorpusStats()
            for number, text in enumerate(texts):
                if output_format == "masked":
                    counts = masked_encoded([text], segmenter=segmenter)[1]
                else:
                    # bytes, as the pipeline keeps them
                    counts = structured_encoded(
                        text, output_format, segmenter=segmenter, id=str(number)
                    )[1]
                stats.add_counts(counts)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            syllables, documents = stats.syllables, stats.documents
        result.update(seconds=seconds, cpu_seconds=cpu, documents=documents, syllables=syllables)
    elif configuration == "loop":
        from tachtu.corpus.readers import gzip_codec
        from tachtu.corpus.writers import GZIP_LEVEL

        segmenter = Segmenter.load()
        started, cpu = time.perf_counter(), time.process_time()
        documents = 0
        for path in paths:
            out = Path(scratch) / ("loop-" + Path(path).name)
            with (
                gzip_codec.open(path, "rb") as lines,
                gzip_codec.open(out, "wb", compresslevel=GZIP_LEVEL) as output,
            ):
                for line in lines:
                    text = segmenter.segment(json.loads(line)["text"])
                    output.write((text + "\n\n").encode("utf-8"))
                    documents += 1
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        syllables = _syllables(_texts(paths))
        result.update(seconds=seconds, cpu_seconds=cpu, documents=documents, syllables=syllables)
    else:
        from tachtu.corpus import run
        from tachtu.corpus.decoding import decoder

        engine, workers = configuration.split()
        out = Path(scratch) / configuration.replace(" ", "-")
        shutil.rmtree(out, ignore_errors=True)
        # CPU seconds from here, as the other configurations count them: not this process's
        # start and imports (the workers' whole lives are inside the run)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        summary = run(
            paths,
            out,
            output_format=output_format,
            engine=engine,
            workers=int(workers),
            decode=decoder(encoding),
        )
        seconds = time.perf_counter() - started
        self_usage = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        main_cpu = (self_usage.ru_utime + self_usage.ru_stime) - (before.ru_utime + before.ru_stime)
        cpu = main_cpu + children.ru_utime + children.ru_stime
        result.update(
            seconds=seconds,
            cpu_seconds=cpu,
            main_cpu_seconds=main_cpu,
            documents=summary.stats.documents,
            syllables=summary.stats.syllables,
            errors=summary.stats.errors,
            worker_peak_mib=children.ru_maxrss / 1024,
            output_mib=sum(p.stat().st_size for p in out.glob("*.gz")) / 2**20,
        )
        shutil.rmtree(out, ignore_errors=True)
    result["main_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["load_before"] = load_before
    result["load_after"] = os.getloadavg()[0]
    return result


def measure(
    configuration: str, paths: list[str], output_format: str, scratch: str, encoding: str
) -> dict:
    command = [sys.executable, __file__, "--child", configuration, "--format", output_format]
    command += ["--encoding", encoding]
    command += ["--scratch", scratch, *paths]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    result["syllables_per_second"] = result["syllables"] / result["seconds"]
    print(json.dumps(result), file=sys.stderr, flush=True)
    return result


def report(
    results: list[dict],
    paths: list[str],
    output_format: str,
    repeat: int,
    configurations: list[str],
    encoding: str = "utf-8",
) -> str:
    by_name: dict[str, dict] = {}
    for r in results:  # the best round of each configuration: the one least disturbed
        best = by_name.get(r["configuration"])
        if best is None or r["seconds"] < best["seconds"]:
            by_name[r["configuration"]] = r
    bare = by_name.get("bare")
    lines = [
        "# Corpus pipeline benchmark",
        "",
        f"- date: {datetime.datetime.now().isoformat(timespec='minutes')}",
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores "
        f"({_cpu_model()}), Python {platform.python_version()}",
        f"- commit: {current_commit()}",
        f"- input: {len(paths)} files, `{Path(paths[0]).name}` … `{Path(paths[-1]).name}`; "
        f"output format `{output_format}`, gzip-compressed like the input; the pipeline decodes "
        f"with `--encoding {encoding}`",
        f"- command: `python benchmarks/bench_corpus.py --format {output_format} --configurations {' '.join(map(shlex.quote, configurations))} --repeat {repeat} --encoding {encoding}` "
        "(inputs as above; one child process a configuration and round)",
        "",
        "| configuration | round | documents | syllables | wall s | syllables/s | CPU s | "
        "main CPU s | vs bare (per CPU s) | main peak MiB | worker peak MiB | "
        "load before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        per_cpu = r["syllables"] / r["cpu_seconds"]
        versus = f"{per_cpu / (bare['syllables'] / bare['cpu_seconds']):.2f}×" if bare else "–"
        worker = f"{r['worker_peak_mib']:.0f}" if "worker_peak_mib" in r else "–"
        main_cpu = f"{r['main_cpu_seconds']:.1f}" if "main_cpu_seconds" in r else "–"
        lines.append(
            f"| {r['configuration']} | {r['round']} | {r['documents']:,} | {r['syllables']:,} | "
            f"{r['seconds']:.1f} | {r['syllables_per_second']:,.0f} | {r['cpu_seconds']:.1f} | "
            f"{main_cpu} | {versus} | {r['main_peak_mib']:.0f} | {worker} | "
            f"{r['load_before']:.2f} → {r['load_after']:.2f} |"
        )
    one, two = by_name.get("local 1"), by_name.get("local 2")
    lines.append("")
    lines.append("From the best round of each configuration:")
    lines.append("")
    if one and two:
        lines.append(
            f"- 2 workers vs 1: {one['seconds'] / two['seconds']:.2f}× the throughput (wall clock)."
        )
    tuned = by_name.get("bare-tuned")
    if tuned and one:
        lines.append(
            f"- pipeline with 1 worker vs bare-tuned (its machinery alone): wall "
            f"{one['seconds'] / tuned['seconds'] - 1:+.1%}, CPU seconds "
            f"{one['cpu_seconds'] / tuned['cpu_seconds'] - 1:+.1%}."
        )
    # The machine's speed drifts by tens of percent over minutes: ratios within one round (runs
    # seconds apart) are steadier than ratios of bests taken from different rounds.
    for numerator, denominator, what in (
        ("local 1", "local 2", "2 workers vs 1, wall clock"),
        ("local 1", "bare", "1-worker pipeline time over bare"),
        # workers=0: the whole pipeline in one process, on one core, as bare runs
        ("local 0", "bare", "in-process pipeline (one core) time over bare"),
        ("local 1", "loop", "1-worker pipeline time over the plain loop"),
    ):
        ratios = _paired(results, numerator, denominator)
        if ratios:
            shown = ", ".join(f"{r:.2f}" for r in ratios)
            lines.append(
                f"- {what}, round by round: {shown} (median {statistics.median(ratios):.2f})."
            )
    if bare and one:
        lines.append(
            f"- pipeline with 1 worker vs bare, per core: wall {one['seconds'] / bare['seconds'] - 1:+.1%}, "
            f"CPU seconds {one['cpu_seconds'] / bare['cpu_seconds'] - 1:+.1%} "
            "(the CPU figure includes the main process reading, writing and compressing)."
        )
    return "\n".join(lines) + "\n"


def _paired(results: list[dict], numerator: str, denominator: str) -> list[float]:
    """``numerator`` seconds / ``denominator`` seconds, round by round."""
    seconds = {(r["configuration"], r["round"]): r["seconds"] for r in results}
    rounds = sorted({r["round"] for r in results})
    return [
        seconds[numerator, n] / seconds[denominator, n]
        for n in rounds
        if (numerator, n) in seconds and (denominator, n) in seconds
    ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def current_commit() -> str:
    """The checkout's commit, short, for the reports of the benchmarks."""
    done = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", help=f"news files (default: {DEFAULT_DATA})")
    parser.add_argument(
        "--configurations",
        nargs="+",
        default=["segment_batch", "bare", "loop", "local 1", "local 2", "dask 2"],
        help="what to measure: segment_batch, bare, bare-tuned, loop, 'local N', 'dask N'",
    )
    parser.add_argument("--format", default="text", help="output format (default: text)")
    parser.add_argument(
        "--encoding",
        default="utf-8",
        help="how the pipeline decodes its input, as tachtu corpus --encoding (default: utf-8; "
        "the command's own default is auto)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the configurations")
    parser.add_argument("--output", type=Path, help="write the Markdown table here")
    parser.add_argument("--scratch", help="folder for outputs (default: a temporary folder)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    paths = args.inputs or sorted(glob.glob(str(DEFAULT_DATA)))
    if not paths:
        parser.error(f"no input files: {DEFAULT_DATA} is empty")
    if args.child:
        print(json.dumps(child(args.child, paths, args.format, args.scratch, args.encoding)))
        return
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        # Round robin, so that a burst of load from elsewhere hits one round, not one configuration.
        results = [
            {**measure(c, paths, args.format, scratch, args.encoding), "round": round_number}
            for round_number in range(1, args.repeat + 1)
            for c in args.configurations
        ]
    table = report(results, paths, args.format, args.repeat, args.configurations, args.encoding)
    print(table)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
