"""The Dask engine on a LocalCluster: the same output as local processes, and the same resume."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tachtu.corpus import run

from .conftest import TINY_LEXICON
from .test_corpus import output_tree
from .test_corpus_resume import (
    CHUNK_BYTES,
    clean_run,
    count_steps,
    finish,
    killing_run,
    make_inputs,
)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    return make_inputs(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def clean(inputs, tmp_path_factory) -> dict[str, bytes]:
    return clean_run(inputs, tmp_path_factory.mktemp("clean") / "out")


@pytest.fixture(scope="module")
def scheduler():
    """The address of a two-process LocalCluster, closed when the module's tests are done."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_engine_writes_what_local_processes_write(
    tmp_path: Path, inputs, clean, scheduler
) -> None:
    summary = run(
        inputs,
        tmp_path / "out",
        segmenter=TINY_LEXICON,
        chunk_bytes=CHUNK_BYTES,
        engine="dask",
        scheduler=scheduler,
    )
    assert output_tree(tmp_path / "out") == clean
    assert summary.stats.documents == 29 and summary.stats.errors == 2


def test_dask_run_stopped_part_way_resumes(tmp_path: Path, inputs, clean, scheduler) -> None:
    class Stop(Exception):
        pass

    reports = []

    def stop_after_three_tasks(progress) -> None:
        reports.append(progress)
        if len(reports) == 4:  # the start, then three tasks written
            raise Stop

    options = {"segmenter": TINY_LEXICON, "chunk_bytes": CHUNK_BYTES, "engine": "dask"}
    with pytest.raises(Stop):
        run(
            inputs,
            tmp_path / "out",
            scheduler=scheduler,
            on_progress=stop_after_three_tasks,
            **options,
        )
    assert not (tmp_path / "out" / "stats.json").exists()
    assert finish(tmp_path / "out", inputs, engine="dask", scheduler=scheduler) == clean


def test_dask_client_killed_then_rerun_equals_clean_run(
    tmp_path: Path, inputs, clean, scheduler
) -> None:
    steps = count_steps(inputs, tmp_path / "count")
    killed = killing_run(tmp_path / "out", inputs, steps // 2, "after", scheduler=scheduler)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert finish(tmp_path / "out", inputs, engine="dask", scheduler=scheduler) == clean


def test_the_command_prints_no_chatter_of_the_cluster(tmp_path: Path) -> None:
    # Dask logs every step of a LocalCluster at INFO; the command shows warnings and errors only.
    (tmp_path / "a.txt").write_text("Hà Nội mưa.", encoding="utf-8")
    command = [sys.executable, "-m", "tachtu", "corpus", str(tmp_path / "a.txt")]
    command += ["--out", str(tmp_path / "out"), "--model", str(TINY_LEXICON)]
    command += ["--engine", "dask", "--workers", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "a.txt").read_text("utf-8") == "Hà_Nội mưa .\n"
    assert "INFO" not in done.stderr and "Scheduler" not in done.stderr, done.stderr
