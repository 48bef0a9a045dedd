"""The corpus run: inputs in, a mirrored tree of segmented outputs out, resumable at any point.

The main process reads inputs into chunks, an engine segments them, and the main process writes
the results in order, each output file in ``OUT/.tachtu/partial`` until its last chunk is in.
The order of writes is what makes a kill at any moment harmless:

1. a task's output bytes are appended to their partial files and fsynced;
2. one journal line says which chunks those bytes hold, fsynced;
3. a partial file whose last chunk is in is renamed into the output tree (then its folder is
   fsynced, then the journal line of step 2 follows);
4. when every input is done: ``errors.jsonl``, then ``stats.json``, then the completion marker.

A rerun trusts the journal only: each partial file is cut back to the bytes the journal vouches
for, and reading resumes at the first chunk it does not list.

>>> import pathlib, tempfile
>>> from tachtu.model.lexicon import LongestMatchModel
>>> from tachtu.words import Segmenter
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "in").mkdir(), (folder / "in" / "a.txt").write_text("Hà Nội mưa.", "utf-8")
>>> summary = run([folder / "in"], folder / "out", workers=0,
...               segmenter=Segmenter(LongestMatchModel(["hà nội"])))
>>> (folder / "out" / "a.txt").read_text("utf-8"), summary.stats.syllables, summary.ok
('Hà_Nội mưa .\\n', 4, True)
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from tachtu.corpus.engines import ChunkProcessor, ChunkResult, Engine, open_engine
from tachtu.corpus.manifest import STATE_FOLDER, Manifest
from tachtu.corpus.readers import (
    Chunk,
    DecodeErrors,
    Decoder,
    InputFile,
    ReadOptions,
    discover_inputs,
    read_chunks,
)
from tachtu.corpus.stats import CorpusStats
from tachtu.corpus.writers import OutputCompression, WriteOptions, fsync_folder, write_atomic
from tachtu.formats import OutputFormat, sep_problem
from tachtu.normalize import ToneStyle, check_tone_style
from tachtu.words import Segmenter

__all__ = ["RunProgress", "RunSummary", "UsageError", "run"]

log = logging.getLogger(__name__)

STATS_FILE = "stats.json"
ERRORS_FILE = "errors.jsonl"
_RESERVED = {STATS_FILE, ERRORS_FILE, STATE_FOLDER}
# A task carries at most this many chunks, so a folder of tiny files still moves in batches.
_CHUNKS_PER_TASK = 256


class UsageError(ValueError):
    """The run cannot start as asked: outputs would collide or overwrite an input."""


@dataclass(frozen=True, slots=True)
class RunProgress:
    """Where a run stands; totals include what earlier runs into the same folder did."""

    documents: int
    syllables: int
    syllables_this_run: int  # what the speed is measured in
    errors: int
    bytes_done: int  # of the input files, as stored on disk
    bytes_total: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    out: Path
    stats: CorpusStats
    seconds: float  # spent on the outputs, over every run into this folder
    run_seconds: float  # this run, from start to finish
    files: int  # input files whose output is done
    resumed_files: int  # of those, the ones done by earlier runs
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every input was read."""
        return not self.errors

    def __str__(self) -> str:
        stats = self.stats
        rate = stats.syllables / self.seconds if self.seconds else 0.0
        text = (
            f"{stats.documents:,} documents, {stats.sentences:,} sentences, {stats.words:,} words, "
            f"{stats.syllables:,} syllables from {self.files:,} file{'s' * (self.files != 1)} "
            f"in {self.seconds:,.1f} s "
            f"({rate:,.0f} syllables/s) -> {self.out}"
        )
        if self.resumed_files:
            done = self.resumed_files
            text += f"; {done:,} {'file was' if done == 1 else 'files were'} done by an earlier run"
        if self.errors:
            count = len(self.errors)
            text += f"; {count:,} error{'s' * (count != 1)}, listed in {self.out / ERRORS_FILE}"
        return text


def run(
    inputs: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    output_format: OutputFormat | str = OutputFormat.TEXT,
    sep: str | None = None,
    segmenter: Segmenter | str | os.PathLike[str] | None = None,
    dictionary: str | os.PathLike[str] | None = None,
    tone_style: ToneStyle = "keep",
    text_field: str = "text",
    id_field: str = "id",
    errors: DecodeErrors = "strict",
    decode: Decoder | None = None,
    compression: OutputCompression = "same",
    engine: Engine = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_bytes: int = 1 << 20,
    on_progress: Callable[[RunProgress], None] | None = None,
) -> RunSummary:
    """Segment every document of ``inputs`` into the folder ``out``; rerun to resume.

    ``inputs`` are text files (one document a file), JSON Lines (``text_field``, ``id_field``;
    other fields are carried into ``jsonl`` output), Parquet and CSV (``.csv``, ``.tsv``: a
    header names the columns), plain or ``.gz``/``.zst``, and
    folders of them. The output tree mirrors each input: a folder's files under ``out``, a file
    named directly at ``out/NAME``. ``sep`` joins the syllables of a word (``_`` when not
    given; not for ``conllu``, whose forms keep spaces). ``segmenter``: a loaded one, a model
    file, or ``None`` for the shipped model; ``dictionary``: a user dictionary file for a model
    loaded here (see :meth:`Segmenter.load`). ``decode`` (bytes, file name -> text) replaces UTF-8 decoding with
    ``errors``. ``engine``/``workers``/``scheduler``: see :func:`~tachtu.corpus.engines.open_engine`.
    ``chunk_bytes``: input text per unit of work. ``on_progress`` is called in this process
    after each unit of work is written.

    Bad input never stops a run: it is listed in ``out/errors.jsonl`` and in the summary.
    Raises :class:`UsageError` when the run cannot start as asked, and :class:`RunConflictError`
    when ``out`` holds a run made with other options.
    """
    started = time.monotonic()
    out = Path(out)
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine {engine!r}: local or dask")
    if engine == "dask" and importlib.util.find_spec("distributed") is None:
        raise UsageError("the dask engine needs dask: pip install 'tachtu[dask]'")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if workers is not None and workers < 0:
        raise UsageError(f"workers {workers}: 0 (none) or more")
    if chunk_bytes < 1:
        raise UsageError(f"chunk_bytes {chunk_bytes}: 1 or more")
    try:
        output_format = OutputFormat(output_format)
    except ValueError:
        known = ", ".join(f.value for f in OutputFormat)
        raise UsageError(f"unknown output format {output_format!r}: {known}") from None
    if sep is None:
        sep = "_"
    elif problem := sep_problem(sep, output_format):
        raise UsageError(f"sep {sep!r} {problem}")
    segmenter, model = _load_segmenter(segmenter, tone_style, dictionary)
    read = (
        ReadOptions(text_field=text_field, id_field=id_field, decode=decode)
        if decode
        else (ReadOptions.utf8(errors, text_field=text_field, id_field=id_field))
    )
    write = WriteOptions(output_format, sep, compression)
    config = {
        "format": write.output_format.value,
        "sep": sep,
        "compression": compression,
        "chunk_bytes": chunk_bytes,
        "model": model,
        "tone_style": segmenter.tone_style,
        **read.describe(),
    }
    input_paths = [Path(path) for path in inputs]
    if any(path.is_dir() and path.resolve() == out.resolve() for path in input_paths):
        raise UsageError(f"{out} is an input folder: write the output elsewhere")
    sources, missing = discover_inputs(input_paths, skip=out)
    keys = _output_keys(sources, write, out)

    manifest = Manifest(out)
    manifest.open(config)
    writer: _OutputWriter | None = None
    try:
        manifest.clear_complete()
        for source in sources:
            _forget_lost_output(manifest, keys[source])
        done = [s for s in sources if _is_complete(manifest, keys[s])]
        pending = [(s, _resume(manifest, s, keys[s])) for s in sources if s not in done]
        if done:
            log.info("%d of %d input files were done by an earlier run", len(done), len(sources))
        writer = _OutputWriter(out, manifest, keys, started)
        writer.progress_base(
            manifest.totals(keys.values())[0],
            sum(s.size for s in done),
            sum(s.size for s in sources),
        )
        if on_progress is not None:
            on_progress(writer.progress())
        processor = ChunkProcessor(segmenter, read, write)
        with open_engine(
            processor, engine=engine, workers=workers, scheduler=scheduler
        ) as run_tasks:
            for results in run_tasks(_tasks(pending, chunk_bytes, read)):
                writer.write(results)
                if on_progress is not None:
                    on_progress(writer.progress())
        stats, journal_errors = manifest.totals(keys[s] for s in sources)
        all_errors = [error.as_record() for error in missing] + journal_errors
        stats.errors += len(missing)
        summary = RunSummary(
            out=out,
            stats=stats,
            seconds=manifest.seconds,
            run_seconds=time.monotonic() - started,
            files=sum(_is_complete(manifest, keys[s]) for s in sources),
            resumed_files=len(done),
            errors=all_errors,
        )
        # Outputs are durable by now; then the errors and the stats; the marker comes last.
        errors_data = b"".join(_error_line(e) for e in all_errors)
        write_atomic(out / ERRORS_FILE, errors_data, scratch=manifest.folder)
        write_atomic(
            out / STATS_FILE, _stats_json(stats, manifest.seconds), scratch=manifest.folder
        )
        manifest.mark_complete({"files": summary.files, "errors": len(all_errors)})
        return summary
    finally:
        if writer is not None:
            writer.close()
        manifest.close()


def _load_segmenter(
    segmenter: Segmenter | str | os.PathLike[str] | None,
    tone_style: ToneStyle,
    dictionary: str | os.PathLike[str] | None = None,
) -> tuple[Segmenter, str]:
    """The segmenter, and a fingerprint of its model for the resume check."""
    try:
        check_tone_style(tone_style)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if isinstance(segmenter, Segmenter):
        if dictionary is not None:
            raise UsageError(
                "give a user dictionary to Segmenter.load, not with a loaded segmenter"
            )
        if tone_style not in ("keep", segmenter.tone_style):
            raise UsageError(
                f"the loaded segmenter writes tone style {segmenter.tone_style!r}: give "
                f"tone_style={tone_style!r} to Segmenter.load, not with a loaded segmenter"
            )
        # A model built in Python has no file to fingerprint: its type and user phrases are
        # what is checked.
        phrases = "\n".join(getattr(segmenter.model, "user_phrases", ()))
        digest = hashlib.sha256(phrases.encode()).hexdigest()[:16]
        return segmenter, f"object:{type(segmenter.model).__qualname__}:{digest}"
    try:
        if segmenter is None:
            from tachtu.model.perceptron import SHIPPED_MODEL

            data = resources.files("tachtu.model").joinpath("data", SHIPPED_MODEL).read_bytes()
            name = "shipped"
        else:
            data = Path(segmenter).read_bytes()
            name = Path(segmenter).name
        loaded = Segmenter.load(segmenter, dict=dictionary, tone_style=tone_style)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot load the model {segmenter or '(shipped)'}: {error}") from None
    fingerprint = f"{name}:sha256:{hashlib.sha256(data).hexdigest()[:16]}"
    phrases = "\n".join(getattr(loaded.model, "user_phrases", ()))
    if phrases:
        # A different dictionary gives different output: it must not resume this run.
        fingerprint += f":dict:{hashlib.sha256(phrases.encode()).hexdigest()[:16]}"
    return loaded, fingerprint


def _output_keys(sources: list[InputFile], write: WriteOptions, out: Path) -> dict[InputFile, str]:
    """Each input's output path under ``out``; refuses collisions and writing over an input."""
    keys: dict[InputFile, str] = {}
    taken: dict[str, InputFile] = {}
    inputs = {source.path.resolve() for source in sources}
    for source in sources:
        key = write.output_name(source)
        if key in taken:
            raise UsageError(
                f"{taken[key].path} and {source.path} would both be written to {out / key}"
            )
        if key.split("/")[0] in _RESERVED:
            raise UsageError(
                f"{source.path}: its output name {key} is reserved for the run's own files"
            )
        if (out / key).resolve() in inputs:
            raise UsageError(f"{source.path}: the output would be written over an input file")
        taken[key] = source
        keys[source] = key
    return keys


def _is_complete(manifest: Manifest, key: str) -> bool:
    record = manifest.files.get(key)
    return record is not None and record.complete


def _forget_lost_output(manifest: Manifest, key: str) -> None:
    """A finished output that is gone (deleted or moved since) is done again, not skipped."""
    record = manifest.files.get(key)
    if record is not None and record.complete and record.end and not (manifest.out / key).exists():
        log.warning("%s: the finished output is gone; doing this file again", key)
        manifest.restart(key)


def _identity(source: InputFile) -> list[int]:
    """Size and modification time: a changed input cannot resume from its old chunks."""
    try:
        status = source.path.stat()
    except OSError:
        return [0, 0]
    return [status.st_size, status.st_mtime_ns]


def _resume(manifest: Manifest, source: InputFile, key: str) -> int:
    """How many chunks of ``key`` are done; its partial output is cut back to match."""
    record = manifest.files.get(key)
    if record is None or not record.chunks:
        return 0
    partial = manifest.partial_folder / key
    final = manifest.out / key
    if not partial.exists() and final.exists():
        # Killed between renaming the finished output and recording its last chunk.
        os.replace(final, partial)
    end = record.end
    if record.chunks[0].get("input") != _identity(source):
        log.warning("%s: the input changed since the last run; starting this file again", key)
        manifest.restart(key)
        return 0
    if partial.exists() and partial.stat().st_size >= end:
        os.truncate(partial, end)
    elif end == 0:
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"")
    else:
        log.warning("%s: partial output lost; starting this file again", key)
        manifest.restart(key)
        return 0
    return len(record.chunks)


def _tasks(
    pending: list[tuple[InputFile, int]], chunk_bytes: int, read: ReadOptions
) -> Iterator[list[Chunk]]:
    """Chunks to do, in input order, grouped into tasks of about ``chunk_bytes``."""
    task: list[Chunk] = []
    size = 0
    for source, done in pending:
        chunks = read_chunks(
            source, chunk_bytes=chunk_bytes, text_field=read.text_field, decode=read.decode
        )
        for chunk in chunks:
            if chunk.index < done:
                continue
            task.append(chunk)
            size += chunk.size
            if size >= chunk_bytes or len(task) >= _CHUNKS_PER_TASK:
                yield task
                task, size = [], 0
    if task:
        yield task


class _OutputWriter:
    """Writes results in the order that keeps every kill recoverable (see the module's notes)."""

    def __init__(
        self, out: Path, manifest: Manifest, keys: dict[InputFile, str], started: float
    ) -> None:
        self.out = out
        self.manifest = manifest
        self.keys = keys
        self.open: dict[str, BinaryIO] = {}
        self.last_write = started
        self.stats = CorpusStats()
        self.syllables_before = 0
        self.bytes_finished = 0
        self.bytes_current = 0
        self.bytes_total = 0

    def progress_base(self, stats: CorpusStats, bytes_finished: int, bytes_total: int) -> None:
        self.stats = stats
        self.syllables_before = stats.syllables
        self.bytes_finished = bytes_finished
        self.bytes_total = bytes_total

    def write(self, results: list[ChunkResult]) -> None:
        entries = []
        unsynced: dict[str, BinaryIO] = {}
        for result in results:
            key = self.keys[result.source]
            file = self._file(key, result.index)
            file.write(result.data)
            entries.append(
                {
                    "file": key,
                    "chunk": result.index,
                    "end": file.tell(),
                    "last": result.last,
                    "input": _identity(result.source),
                    "stats": result.stats.as_dict(),
                    "errors": [error.as_record() for error in result.errors],
                }
            )
            self.stats.merge(result.stats)
            if result.last:
                unsynced.pop(key, None)
                self._finish(key)
                self.bytes_finished += result.source.size
                self.bytes_current = 0
            else:
                unsynced[key] = file
                self.bytes_current = result.position
        for file in unsynced.values():
            file.flush()
            os.fsync(file.fileno())
        now = time.monotonic()
        self.manifest.append(entries, seconds=now - self.last_write)
        self.last_write = now

    def _file(self, key: str, index: int) -> BinaryIO:
        file = self.open.get(key)
        if file is None:
            partial = self.manifest.partial_folder / key
            partial.parent.mkdir(parents=True, exist_ok=True)
            # Chunk 0 starts the file afresh; a later chunk continues a file cut back by _resume.
            file = open(partial, "wb" if index == 0 else "ab")  # noqa: SIM115 -- closed in _finish
            file.seek(0, os.SEEK_END)
            self.open[key] = file
        return file

    def _finish(self, key: str) -> None:
        file = self.open.pop(key)
        file.flush()
        os.fsync(file.fileno())
        empty = file.tell() == 0
        file.close()
        partial = self.manifest.partial_folder / key
        final = self.out / key
        if empty:
            # Nothing could be read from this input (its errors say why): no output file.
            partial.unlink()
            final.unlink(missing_ok=True)
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        fsync_folder(final.parent)

    def close(self) -> None:
        """Close what a stopped run left open; the journal decides what of it counts."""
        for file in self.open.values():
            file.close()
        self.open.clear()

    def progress(self) -> RunProgress:
        return RunProgress(
            documents=self.stats.documents,
            syllables=self.stats.syllables,
            syllables_this_run=self.stats.syllables - self.syllables_before,
            errors=self.stats.errors,
            bytes_done=self.bytes_finished + self.bytes_current,
            bytes_total=self.bytes_total,
        )


def _error_line(error: dict[str, Any]) -> bytes:
    # One key order, whether the error was met in this run or read back from the journal.
    record = {key: error.get(key) for key in ("file", "line", "id", "error")}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _stats_json(stats: CorpusStats, seconds: float) -> bytes:
    counts = {**stats.as_dict(), "seconds": round(seconds, 3)}
    return (json.dumps(counts, indent=2) + "\n").encode("utf-8")
