"""What the corpus pipeline costs over the bare segmenter, counted in instructions (callgrind).

Wall-clock rounds on a shared machine move by more than the 15% the pipeline is held to, so
the pipeline's own cost is also counted: four processes run under valgrind's callgrind, each
counting every instruction it executes, in any load.

- ``bare``: load the shipped model, read one news file's texts (gzip, ``json.loads``) and
  segment them one at a time with ``Segmenter.segment``: what ``bench_corpus.py`` calls bare;
- ``bare-load``: the same without segmenting;
- ``run``: load the model and run ``tachtu.corpus.run`` over the file in this process
  (``workers=0``): reading, parsing, segmenting, compressing, writing, journal and stats;
- ``run-load``: load the model and import the pipeline's modules.

The bare segmenter is ``bare`` less ``bare-load``, the pipeline ``run`` less ``run-load``; the
ratio of the two is the pipeline's cost per core over the bare segmenter, and their difference
its own work. ``--functions`` adds the functions that make that difference.

The hash seed is fixed (a random one moves a count by about ±10M) and the numeric libraries
run one thread (OpenBLAS's idle thread spins under valgrind for a count that changes from run
to run). A process takes about 2.5 minutes on the news file; two run at a time.

    python benchmarks/bench_instructions.py                   # baomoi-2017-00
    python benchmarks/bench_instructions.py --functions 20 --output results.md
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_corpus import current_commit  # a script beside this one

REPO = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = REPO.parent / "shared" / "data" / "news" / "baomoi-2017-00.jsonl.gz"
MODES = ("bare", "bare-load", "run", "run-load")


def child(mode: str, path: str, scratch: str) -> None:
    """One measured process: what ``mode`` says, nothing else."""
    import gzip
    import json

    from tachtu.words import Segmenter

    segmenter = Segmenter.load()
    if mode.startswith("bare"):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            texts = [json.loads(line)["text"] for line in lines]
        if mode == "bare":
            for text in texts:
                segmenter.segment(text)
    elif mode == "run":
        from tachtu.corpus import run

        run([path], tempfile.mkdtemp(dir=scratch), segmenter=segmenter, workers=0)
    else:
        import tachtu.corpus.engines
        import tachtu.corpus.manifest
        import tachtu.corpus.readers
        import tachtu.corpus.runner
        import tachtu.corpus.writers  # noqa: F401 -- what run imports, loaded and not run


def count(mode: str, path: str, scratch: str) -> tuple[int, Path]:
    """Instructions of one child process under callgrind, and its profile."""
    profile = Path(scratch) / f"callgrind.{mode}.out"
    environment = dict(
        os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"
    )
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={profile}",
            sys.executable,
            __file__,
            "--child",
            mode,
            "--scratch",
            scratch,
            path,
        ],
        env=environment,
        capture_output=True,
        text=True,
    )
    collected = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not collected:
        raise RuntimeError(f"{mode} failed:\n{done.stderr[-2000:]}")
    return int(collected.group(1)), profile


def functions(profile: Path) -> Counter[str]:
    """Instructions by function, as callgrind_annotate lists them."""
    listing = subprocess.run(
        ["callgrind_annotate", "--auto=no", "--threshold=100", str(profile)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_function: Counter[str] = Counter()
    for line in listing.splitlines():
        found = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(.*)", line)
        if found and "PROGRAM TOTALS" not in line:
            # the function without the build's paths; a function without symbols (ISA-L's)
            # by its library
            name, _, library = found.group(2).partition(" [")
            name = re.sub(r"^.*/(?=[^/]+:)", "", name)
            if name.startswith("???:0x"):
                library = Path(library.rstrip("]"))
                name = f"({library.parent.name}/{library.name.split('.')[0]})"
            by_function[name] += int(found.group(1).replace(",", ""))
    return by_function


def report(totals: dict[str, int], path: str, top: int, profiles: dict[str, Path]) -> str:
    bare = totals["bare"] - totals["bare-load"]
    pipeline = totals["run"] - totals["run-load"]
    lines = [
        "# The corpus pipeline over the bare segmenter, in instructions",
        "",
        f"- input: `{Path(path).name}`; commit: {current_commit()}",
        "- command: `python benchmarks/bench_instructions.py"
        + (f" --functions {top}" if top else "")
        + "`",
        "",
        "| process | M instructions |",
        "|---|---:|",
        *(f"| {mode} | {totals[mode] / 1e6:,.1f} |" for mode in MODES),
        f"| the bare segmenter (bare less bare-load) | {bare / 1e6:,.1f} |",
        f"| the pipeline (run less run-load) | {pipeline / 1e6:,.1f} |",
        f"| the pipeline's own work | {(pipeline - bare) / 1e6:,.1f} |",
        "",
        f"The pipeline costs **{pipeline / bare:.3f}×** the bare segmenter per core.",
    ]
    if top:
        counted = {mode: functions(profile) for mode, profile in profiles.items()}
        names = set().union(*counted.values())
        own = Counter(
            {
                name: (counted["run"][name] - counted["run-load"][name])
                - (counted["bare"][name] - counted["bare-load"][name])
                for name in names
            }
        )
        lines += [
            "",
            "What makes the difference (pipeline less bare, by function):",
            "",
            "| function | M instructions |",
            "|---|---:|",
        ]
        for name, instructions in sorted(own.items(), key=lambda item: -abs(item[1]))[:top]:
            lines.append(f"| `{name}` | {instructions / 1e6:+,.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", default=str(DEFAULT_INPUT), help="a news file")
    parser.add_argument("--functions", type=int, default=0, help="list the top N functions")
    parser.add_argument("--jobs", type=int, default=2, help="processes counted at once")
    parser.add_argument("--output", type=Path, help="write the Markdown report here too")
    parser.add_argument("--scratch", help="folder for profiles and outputs")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.input, args.scratch)
        return
    if not shutil.which("valgrind"):
        parser.error("needs valgrind (for example: apt-get install valgrind)")
    if not Path(args.input).exists():
        parser.error(f"no such file: {args.input}")
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        with ThreadPoolExecutor(args.jobs) as pool:
            runs = pool.map(lambda mode: count(mode, args.input, scratch), MODES)
            counted = dict(zip(MODES, runs, strict=True))
        totals = {mode: instructions for mode, (instructions, _) in counted.items()}
        profiles = {mode: profile for mode, (_, profile) in counted.items()}
        text = report(totals, args.input, args.functions, profiles)
    print(text, end="")
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
