"""Where chunks are segmented: in this process, in worker processes, or on a Dask cluster.

Every engine does the same thing: a :class:`ChunkProcessor` (the segmenter and the options,
in each worker process once: inherited by a forked worker, shipped to any other) maps tasks
to results, at most a bounded number in flight, results coming back in task order. Only the
main process touches the output folder, so the output and the resume guarantee are the same
whatever the engine.

>>> from pathlib import Path, PurePosixPath
>>> from tachtu.corpus.readers import InputKind
>>> from tachtu.model.lexicon import LongestMatchModel
>>> processor = ChunkProcessor(Segmenter(LongestMatchModel(["hà nội"])), ReadOptions(), WriteOptions())
>>> source = InputFile(Path("a.txt"), PurePosixPath("a.txt"), InputKind.TEXT)
>>> with open_engine(processor, engine="local", workers=0) as run_tasks:
...     [result] = next(run_tasks([[Chunk(source, 0, [(1, "Hà Nội".encode())], last=True)]]))
>>> result.data.decode(), result.stats.words
('Hà_Nội\\n', 1)
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import get_context
from typing import Any, Literal

try:
    import fcntl
except ImportError:  # not on a Unix
    fcntl = None  # type: ignore[assignment]

from tachtu.corpus.readers import (
    Chunk,
    InputError,
    InputFile,
    ReadOptions,
    parse_chunk,
    parse_texts,
)
from tachtu.corpus.stats import CorpusStats
from tachtu.corpus.writers import WriteOptions, document_bounds
from tachtu.document import Document, read_document
from tachtu.formats import (
    OutputFormat,
    conll_encoded,
    masked_encoded,
    render,
    structured_encoded,
)
from tachtu.words import LinePer, Segmenter

__all__ = [
    "ChunkProcessor",
    "ChunkResult",
    "Engine",
    "available_cores",
    "open_engine",
]

log = logging.getLogger(__name__)

Engine = Literal["local", "dask"]
Task = list[Chunk]
RunTasks = Callable[[Iterable[Task]], Iterator[list["ChunkResult"]]]


@dataclass(slots=True)
class ChunkResult:
    """One chunk done: its output bytes, its counts, and the input it could not use."""

    source: InputFile
    index: int
    last: bool
    position: int
    data: bytes
    stats: CorpusStats = field(default_factory=CorpusStats)
    errors: list[InputError] = field(default_factory=list)


class ChunkProcessor:
    """The work of one task, made picklable: segmenter and options travel once per worker."""

    def __init__(self, segmenter: Segmenter, read: ReadOptions, write: WriteOptions) -> None:
        self.segmenter = segmenter
        self.read = read
        self.write = write

    def __call__(self, task: Task) -> list[ChunkResult]:
        # Segmenting makes millions of short-lived objects and no reference cycles: refcounting
        # frees them all, and the cyclic collector, run every 700 allocations, only walks them
        # for nothing (about 15% of the time on the news benchmark). It is off for the task and
        # put back as it was, whatever process the task runs in.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return [self.process(chunk) for chunk in task]
        finally:
            if collecting:
                gc.enable()

    def process(self, chunk: Chunk) -> ChunkResult:
        output_format = self.write.output_format
        if output_format in _WITHOUT_DOCUMENTS and not any(c.isspace() for c in self.write.sep):
            return self._process_text(chunk, _WITHOUT_DOCUMENTS[output_format])
        stats = CorpusStats()
        errors: list[InputError] = []
        pieces: list[bytes] = []
        # One document at a time, rendered and dropped: a chunk's documents (tens of thousands
        # of words) are never all alive at once.
        for item in parse_chunk(chunk, self.read):
            if isinstance(item, InputError):
                errors.append(item)
                continue
            try:
                rendered = self._render(item, stats)
            except Exception as error:
                # A bug met on one document of a corpus must not cost the other million:
                # it is reported like bad input, with the document that triggered it.
                errors.append(_internal_error(chunk, item.id, error))
                continue
            before, after = document_bounds(item.id, output_format, chunk.source.kind)
            pieces += (before.encode("utf-8"), rendered, after.encode("utf-8"))
        stats.errors = len(errors)
        data = self.write.compress(b"".join(pieces), chunk.source)
        return ChunkResult(
            chunk.source, chunk.index, chunk.last, chunk.position, data, stats, errors
        )

    def _render(self, item: Document, stats: CorpusStats) -> bytes:
        """One unsegmented document segmented and rendered as UTF-8, counted into ``stats``."""
        output_format, sep = self.write.output_format, self.write.sep
        if output_format in (OutputFormat.JSONL, OutputFormat.CONLLU):
            data, counts = structured_encoded(
                item.text,
                output_format,
                segmenter=self.segmenter,
                sep=sep,
                id=item.id,
                metadata=item.metadata,
            )
            stats.add_counts(counts)
            return data
        document = read_document(
            item.text, segmenter=self.segmenter, id=item.id, metadata=item.metadata
        )
        stats.add(document)
        return render(document, output_format, sep=sep).encode("utf-8")

    def _process_text(self, chunk: Chunk, render_texts: RenderTexts) -> ChunkResult:
        """The ``text`` and ``masked`` formats without Documents: the segmenter's fused path
        writes the words (``masked``: the words and the kinds of each distinct chunk's units),
        and the counts come from the units directly (the same output and counts as the
        Document path: a test holds this), at several times its speed."""
        stats = CorpusStats()
        items = list(parse_texts(chunk, self.read))
        texts = [item[1] for item in items if not isinstance(item, InputError)]
        end = document_bounds("", self.write.output_format, chunk.source.kind)[1]
        sep = self.write.sep
        try:
            # The chunk's documents in one call to the model: about 5% faster than one call
            # each on news, where documents are short.
            data = render_texts(texts, self.segmenter, sep, stats, end)
            errors = [item for item in items if isinstance(item, InputError)]
        except Exception:
            # Some document trips the segmenter: one at a time, to find it and keep the others.
            stats, errors = CorpusStats(), []
            pieces: list[bytes] = []
            for item in items:
                if isinstance(item, InputError):
                    errors.append(item)
                    continue
                document_id, text = item
                try:
                    pieces.append(render_texts([text], self.segmenter, sep, stats, end))
                except Exception as error:  # reported like bad input; see process()
                    errors.append(_internal_error(chunk, document_id, error))
            data = b"".join(pieces)
        stats.errors = len(errors)
        data = self.write.compress(data, chunk.source)
        return ChunkResult(
            chunk.source, chunk.index, chunk.last, chunk.position, data, stats, errors
        )


def segment_and_count(
    texts: Sequence[str],
    segmenter: Segmenter,
    sep: str,
    stats: CorpusStats,
    end: str = "",
    *,
    line_per: LinePer = "paragraph",
) -> bytes:
    """``render(read_document(text), "text")`` of each text followed by ``end``, as UTF-8,
    counted into ``stats``, without Documents; ``line_per="sentence"``: ``"sentences"``.

    ``sep`` must hold no whitespace, or the words would not be what the Document path counts.
    """
    data, counts = segmenter.segment_encoded(texts, sep=sep, end=end, line_per=line_per)
    stats.add_counts(counts, len(texts))
    return data


def mask_and_count(
    texts: Sequence[str], segmenter: Segmenter, sep: str, stats: CorpusStats, end: str = ""
) -> bytes:
    """``render(read_document(text), "masked")`` of each text followed by ``end``, as UTF-8,
    counted into ``stats``, without Documents (``sep`` without whitespace, as for
    :func:`segment_and_count`)."""
    data, counts = masked_encoded(texts, segmenter=segmenter, sep=sep, end=end)
    stats.add_counts(counts, len(texts))
    return data


def conll_and_count(
    texts: Sequence[str], segmenter: Segmenter, sep: str, stats: CorpusStats, end: str = ""
) -> bytes:
    """``render(read_document(text), "conll")`` of each text, as UTF-8, counted into ``stats``,
    without Documents: the ``sentences`` lines of :func:`segment_and_count`, a row a word (a
    blank line, as ``end`` can be, gives nothing: each sentence ends with one)."""
    data = segment_and_count(texts, segmenter, sep, stats, end, line_per="sentence")
    return conll_encoded(data)


RenderTexts = Callable[[Sequence[str], Segmenter, str, CorpusStats, str], bytes]
# The formats whose output is line by line, made without Documents when ``sep`` allows.
_WITHOUT_DOCUMENTS: dict[OutputFormat, RenderTexts] = {
    OutputFormat.TEXT: segment_and_count,
    OutputFormat.SENTENCES: partial(segment_and_count, line_per="sentence"),
    OutputFormat.MASKED: mask_and_count,
    OutputFormat.CONLL: conll_and_count,
}


def _internal_error(chunk: Chunk, document_id: str, error: Exception) -> InputError:
    reason = f"internal error ({type(error).__name__}: {error}); please report it"
    return InputError(chunk.source.path, reason, document_id=document_id)


def available_cores() -> int:
    """The cores this process may run on (fewer than the machine's under a CPU affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def open_engine(
    processor: ChunkProcessor,
    *,
    engine: Engine = "local",
    workers: int | None = None,
    scheduler: str | None = None,
) -> Iterator[RunTasks]:
    """A function from tasks to results (in task order), running on ``engine``.

    ``local``: ``workers`` processes (``None``: one a core; ``0``: this process, no workers).
    ``dask``: the Dask cluster at ``scheduler``, or a local one of ``workers`` processes.
    """
    if engine == "local":
        if workers == 0:
            yield lambda tasks: map(processor, tasks)
        else:
            with _process_pool(processor, workers or available_cores()) as run_tasks:
                yield run_tasks
    elif engine == "dask":
        with _dask(processor, workers, scheduler) as run_tasks:
            yield run_tasks
    else:
        raise ValueError(f"unknown engine {engine!r}: local or dask")


def _in_order(submit: Callable[[Task], Future], tasks: Iterable[Task], limit: int) -> Iterator[Any]:
    """Results in task order, with at most ``limit`` tasks submitted and not yet taken.

    The bound is what keeps memory flat: input is read only as fast as results are written.
    """
    pending: deque[Future] = deque()
    try:
        for task in tasks:
            pending.append(submit(task))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


# The processor of this worker process, set once when the process starts.
_processor: ChunkProcessor | None = None


def _start_worker(processor: ChunkProcessor, parent: int, forked: bool) -> None:
    global _processor
    _processor = processor
    if forked:
        _leave_the_parents_state()
    # Ctrl-C reaches the whole process group: the main process decides, workers carry on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A main process killed with SIGKILL cannot stop its workers, and they would wait forever
    # on a queue that nobody closes: each worker watches for its parent to go instead.
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _leave_the_parents_state() -> None:
    """What a forked worker must not take over from the main process, put as a spawned one has
    it: the standard streams (a progress display may have replaced them with its own), a
    handler of SIGTERM (the pool stops broken workers with it), and the main process's objects,
    which are frozen so that the collector neither frees the main process's garbage here (a file
    object's finalizer would write its buffer a second time) nor walks them."""
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _run_in_worker(task: Task) -> list[ChunkResult]:
    assert _processor is not None, "worker started without _start_worker"
    return _processor(task)


@contextlib.contextmanager
def _process_pool(processor: ChunkProcessor, workers: int) -> Iterator[RunTasks]:
    with _one_thread_libraries(), _started_pool(processor, workers) as run_tasks:
        yield run_tasks


# Each worker is one thread of work, and segmenting needs no BLAS; yet numpy's OpenBLAS starts a
# thread for every core in every process that imports it, and they spin for a while: 0.1 s of
# CPU a worker here (2 cores), and a worker per core on a big machine makes that cores² threads.
# Dask's nanny sets the same for its workers. (A forked worker has numpy loaded already, and
# OpenBLAS starts no thread in it until it is used.)
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def _one_thread_libraries() -> Iterator[None]:
    """The environment that worker processes start with, while the pool lives: their numeric
    libraries on one thread, unless the user set otherwise. It is put back afterwards."""
    added = {name: value for name, value in _ONE_THREAD.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


@contextlib.contextmanager
def _started_pool(processor: ChunkProcessor, workers: int) -> Iterator[RunTasks]:
    method = _start_method()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context(method),
        initializer=_start_worker,
        initargs=(processor, os.getpid(), method == "fork"),
    )
    _widen_pipes(pool)
    if method == "fork":
        # The workers fork at the first task, before the pool starts its own threads: now,
        # while no other thread runs (the check above), not later, when one might.
        pool.submit(int)
    try:
        yield lambda tasks: _in_order(
            lambda task: pool.submit(_run_in_worker, task), tasks, 2 * workers + 1
        )
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


def _start_method() -> str:
    """How worker processes start: forked from this process where that is safe, else spawned.

    A forked worker has tachtu imported and the model loaded already: it takes its first task
    about 0.3 s sooner than a spawned one, which starts a Python, imports tachtu and reads the
    model (0.1 s against 0.4 s after the start of a run here), and each worker saves that CPU.
    Forking is safe on Linux while no other Python thread runs: a thread's locks (a progress
    display's, a stream's) would be taken forever in the child. macOS's system libraries do not
    survive a fork, and Windows has none.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _widen_pipes(pool: ProcessPoolExecutor) -> None:
    """Let the pipes that carry tasks to the workers and results back hold a whole chunk
    (1 MiB, Linux's limit for an unprivileged pipe) instead of 64 KiB.

    A task goes down its pipe in pieces that the main process's feeder thread writes as the
    worker reads: with a small pipe each piece waits for the feeder to get the GIL from the main
    thread, busy reading and writing files, and a worker went idle 0.6 s over the news set
    waiting for its next chunk (a result, coming back, waits in the same way). With wide pipes
    the feeder writes the next task while the worker is still on the one before. Best effort:
    the queues are the executor's own.
    """
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is None:
        return
    for queue in (getattr(pool, "_call_queue", None), getattr(pool, "_result_queue", None)):
        reader = getattr(queue, "_reader", None)
        if reader is not None:
            with contextlib.suppress(OSError, ValueError):
                fcntl.fcntl(reader.fileno(), set_size, _PIPE_BYTES)


_PIPE_BYTES = 1 << 20


def _run_on_dask(processor: ChunkProcessor, task: Task) -> list[ChunkResult]:
    return processor(task)


@contextlib.contextmanager
def _dask(
    processor: ChunkProcessor, workers: int | None, scheduler: str | None
) -> Iterator[RunTasks]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise RuntimeError("the dask engine needs dask: pip install 'tachtu[dask]'") from None
    with contextlib.ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers or available_cores(),
                    threads_per_worker=1,  # the segmenter holds the GIL: processes, not threads
                    processes=True,
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(scheduler))
        # One copy of the segmenter per worker, deserialized once and kept in its memory.
        shipped = client.scatter(processor, broadcast=True, hash=False)
        threads = sum(client.nthreads().values()) or 1
        log.info("dask: %d worker threads at %s", threads, client.scheduler.address)

        def submit(task: Task) -> Future:
            return client.submit(_run_on_dask, shipped, task, pure=False)

        yield lambda tasks: _in_order(submit, tasks, 2 * threads + 1)
