"""A corpus run killed with SIGKILL at any point, then run again, equals one clean run.

The kill points are the run's own durability steps: every fsync, rename and truncate in the main
process is counted, and the run kills itself just before or just after the n-th one. That walks
the kill across every stage (output appended, output durable, journal durable, output renamed,
errors, stats, marker) deterministically, where a kill after a random delay would test whatever
the scheduler happened to pick.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tachtu.corpus import run

from .conftest import TINY_LEXICON
from .test_corpus import NEWS, output_tree

CHUNK_BYTES = 300

# Runs a corpus job and kills itself with SIGKILL at the n-th durability step (0: never).
KILLING_RUN = r"""
import json, os, signal, sys
from tachtu.corpus import run

out, kill_at, when, workers, model, chunk_bytes, engine, scheduler, *inputs = sys.argv[1:]
kill_at = int(kill_at)
steps = 0

def counted(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if steps == kill_at and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return step

for name in ("fsync", "replace", "truncate"):
    setattr(os, name, counted(getattr(os, name)))

def report(progress):
    print("progress", progress.documents, flush=True)

run(inputs, out, segmenter=model, workers=int(workers), chunk_bytes=int(chunk_bytes),
    engine=engine, scheduler=None if scheduler == "-" else scheduler, on_progress=report)
print(json.dumps({"steps": steps}), flush=True)
"""


def make_inputs(folder: Path) -> list[Path]:
    """The fixture corpus, a gzip copy of its feed, a broken line and a CSV table: every kind of
    output."""
    (folder / "feed-copy.jsonl.gz").write_bytes(
        gzip.compress(NEWS.joinpath("feed.jsonl").read_bytes())
    )
    (folder / "broken.jsonl").write_text('{"id": "x", "text": "Hà Nội"}\n{oops\n', "utf-8")
    # rows read in the main process, one cut over two lines and one that does not fit
    (folder / "table.csv").write_text(
        'id,text\nt1,"Hà Nội\nmưa to"\nt2\nt3,Thủ đô đón khách quốc tế\n', "utf-8"
    )
    return [NEWS, folder]


def clean_run(inputs: list[Path], out: Path) -> dict[str, bytes]:
    run(inputs, out, segmenter=TINY_LEXICON, workers=0, chunk_bytes=CHUNK_BYTES)
    return output_tree(out)


def count_steps(inputs: list[Path], out: Path) -> int:
    """How many durability steps a whole run takes."""
    done = killing_run(out, inputs, kill_at=0)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])["steps"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    return make_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def clean(inputs, tmp_path_factory) -> dict[str, bytes]:
    return clean_run(inputs, tmp_path_factory.mktemp("clean") / "out")


@pytest.fixture(scope="module")
def steps(inputs, tmp_path_factory) -> int:
    return count_steps(inputs, tmp_path_factory.mktemp("count") / "out")


def killing_run(
    out: Path,
    inputs: list[Path],
    kill_at: int,
    when: str = "before",
    workers: int = 0,
    scheduler: str | None = None,
):
    command = [sys.executable, "-c", KILLING_RUN, str(out), str(kill_at), when, str(workers)]
    command += [str(TINY_LEXICON), str(CHUNK_BYTES), "dask" if scheduler else "local"]
    command += [scheduler or "-", *map(str, inputs)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def finish(out: Path, inputs: list[Path], **engine) -> dict[str, bytes]:
    options = engine or {"workers": 0}
    summary = run(inputs, out, segmenter=TINY_LEXICON, chunk_bytes=CHUNK_BYTES, **options)
    assert summary.stats.errors == 2  # the broken line and row, each once however often read
    return output_tree(out)


def test_the_whole_run_has_many_kill_points(steps: int, clean: dict[str, bytes]) -> None:
    assert steps > 40
    assert len(clean) == 8 and clean["errors.jsonl"].count(b"\n") == 2


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 1.0])
@pytest.mark.parametrize("when", ["before", "after"])
def test_killed_then_rerun_equals_clean_run(
    tmp_path: Path, inputs, clean, steps: int, fraction: float, when: str
) -> None:
    kill_at = max(1, round(fraction * steps))
    killed = killing_run(tmp_path / "out", inputs, kill_at, when)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert finish(tmp_path / "out", inputs) == clean


def test_killed_twice_then_rerun_equals_clean_run(
    tmp_path: Path, inputs, clean, steps: int
) -> None:
    for kill_at in (steps // 3, steps // 4):
        killed = killing_run(tmp_path / "out", inputs, kill_at, "after")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert finish(tmp_path / "out", inputs) == clean


def _live_group_members(group: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find orphans")
def test_killed_from_outside_with_workers_leaves_no_orphans(tmp_path: Path, inputs, clean) -> None:
    command = [sys.executable, "-c", KILLING_RUN, str(tmp_path / "out"), "0", "never", "2"]
    command += [str(TINY_LEXICON), str(CHUNK_BYTES), "local", "-", *map(str, inputs)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stdout is not None
    reports = 0
    for line in process.stdout:
        reports += line.startswith("progress")
        if reports == 3:  # the start, then two tasks written
            os.kill(process.pid, signal.SIGKILL)
            break
    assert process.wait(timeout=60) == -signal.SIGKILL
    # The workers notice that their parent is gone and leave; give them a generous while.
    deadline = time.monotonic() + 30
    while _live_group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _live_group_members(process.pid) == []
    assert finish(tmp_path / "out", inputs) == clean


class Killed(BaseException):
    """Stands for SIGKILL inside the test process: nothing after it runs but cleanup."""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chunk_bytes=st.sampled_from([60, 200, 700, 1 << 20]),
    fraction=st.floats(min_value=0.0, max_value=1.0),
    again=st.booleans(),
)
def test_stopped_at_any_step_then_rerun_equals_clean_run(
    chunk_bytes: int, fraction: float, again: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "in").mkdir()
        inputs = make_inputs(Path(folder) / "in")
        options = {"segmenter": TINY_LEXICON, "workers": 0, "chunk_bytes": chunk_bytes}
        run(inputs, Path(folder) / "clean", **options)
        steps = _stop_at(0, lambda: run(inputs, Path(folder) / "count", **options))
        out = Path(folder) / "out"
        kill_at = 1 + round(fraction * (steps - 1))
        with pytest.raises(Killed):
            _stop_at(kill_at, lambda: run(inputs, out, **options))
        if again:
            # Stopped again while resuming; a resumed run has fewer steps and may finish first.
            with contextlib.suppress(Killed):
                _stop_at(1 + kill_at // 2, lambda: run(inputs, out, **options))
        run(inputs, out, **options)
        assert output_tree(out) == output_tree(Path(folder) / "clean")


def _stop_at(kill_at: int, job) -> int:
    """Run ``job``, raising :class:`Killed` at its ``kill_at``-th durability step; count them."""
    steps = 0
    real = {name: getattr(os, name) for name in ("fsync", "replace", "truncate")}

    def counted(name):
        def step(*args, **kwargs):
            nonlocal steps
            steps += 1
            if steps == kill_at:
                raise Killed
            return real[name](*args, **kwargs)

        return step

    try:
        for name in real:
            setattr(os, name, counted(name))
        job()
    finally:
        for name, function in real.items():
            setattr(os, name, function)
    return steps
