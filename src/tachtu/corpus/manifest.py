"""The record a run keeps in ``OUT/.tachtu``: what made it, and which outputs are durable.

- ``run.json``: the options that decide the output bytes; a rerun with other options is refused
  rather than mixing two kinds of output in one tree.
- ``journal.jsonl``: one line per finished task, appended and fsynced only after the output it
  describes is durable. A line cut short by a kill is ignored and trimmed away.
- ``complete``: written last, after ``stats.json`` and ``errors.jsonl``.

>>> import tempfile
>>> manifest = Manifest(Path(tempfile.mkdtemp()))
>>> manifest.open({"format": "text"})
>>> manifest.append([{"file": "a.txt", "chunk": 0, "end": 12, "last": True,
...                   "stats": {"documents": 1}, "errors": []}], seconds=0.5)
>>> manifest.close()
>>> manifest.open({"format": "text"})
>>> manifest.files["a.txt"].complete, manifest.seconds
(True, 0.5)
>>> manifest.close()
"""

from __future__ import annotations

import io
import json
import logging
import os
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tachtu.corpus.stats import CorpusStats
from tachtu.corpus.writers import fsync_folder, write_atomic

__all__ = ["STATE_FOLDER", "FileRecord", "Manifest", "RunConflictError"]

log = logging.getLogger(__name__)

STATE_FOLDER = ".tachtu"


class RunConflictError(ValueError):
    """The output folder cannot take this run: other options, or another run writing to it."""


@dataclass(slots=True)
class FileRecord:
    """What the journal says about one output file."""

    chunks: list[dict[str, Any]] = field(default_factory=list)  # durable chunks, in order

    @property
    def end(self) -> int:
        """Bytes of output that are durable."""
        return self.chunks[-1]["end"] if self.chunks else 0

    @property
    def complete(self) -> bool:
        return bool(self.chunks) and self.chunks[-1]["last"]


class Manifest:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out / STATE_FOLDER
        self.partial_folder = self.folder / "partial"
        self.files: dict[str, FileRecord] = {}
        self.seconds = 0.0
        self._journal: io.BufferedWriter | None = None
        self._lock: int | None = None

    def open(self, config: dict[str, Any]) -> None:
        """Take the folder for this run, check ``config`` against the earlier runs, read the journal."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self._check(config)
            self._read_journal()
        except BaseException:
            self.close()  # the lock too: a caller that goes on may open the folder again
            raise

    def _check(self, config: dict[str, Any]) -> None:
        settings = self.folder / "run.json"
        if settings.exists():
            earlier = json.loads(settings.read_text(encoding="utf-8"))
            changed = sorted(
                k for k in config.keys() | earlier.keys() if config.get(k) != earlier.get(k)
            )
            if changed:
                details = ", ".join(
                    f"{k}: {earlier.get(k)!r} then, {config.get(k)!r} now" for k in changed
                )
                raise RunConflictError(
                    f"{self.out} holds a run made with other options ({details}); "
                    "use another output folder, or delete this one to start over"
                )
        else:
            write_atomic(settings, _json_line(config))

    def _take_lock(self) -> None:
        import fcntl

        self._lock = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # Released by the kernel when the process dies, however it dies.
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            self._lock = None
            raise RunConflictError(f"another run is writing to {self.out}") from None
        _locking.add(self)

    def _drop_lock_in_child(self) -> None:
        """In a process forked from this one: let go of the lock's descriptor, which is this
        process's, not the child's. A flock belongs to the open file, which the child shares:
        a worker still alive after its main process was killed would keep the folder locked,
        and the rerun would be refused as another run until the worker noticed."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _read_journal(self) -> None:
        path = self.folder / "journal.jsonl"
        self.files = {}
        self.seconds = 0.0
        data = path.read_bytes() if path.exists() else b""
        good = 0  # bytes of whole, readable lines
        for line in data.splitlines(keepends=True):
            try:
                entry = json.loads(line) if line.endswith(b"\n") else None
            except ValueError:
                entry = None
            if entry is None:
                log.info("%s: ignoring a journal line cut short by a kill", path)
                break
            self._apply(entry)
            good += len(line)
        if good < len(data):
            os.truncate(path, good)
        self._journal = open(path, "ab")  # noqa: SIM115 -- kept open for the run, closed by close()
        if not data:
            fsync_folder(self.folder)

    def _apply(self, entry: dict[str, Any]) -> None:
        if "restart" in entry:
            self.files.pop(entry["restart"], None)
            return
        self.seconds += entry.get("seconds", 0.0)
        for chunk in entry["chunks"]:
            record = self.files.setdefault(chunk["file"], FileRecord())
            if chunk["chunk"] == len(record.chunks):
                record.chunks.append(chunk)
            elif chunk["chunk"] > len(record.chunks):
                raise RunConflictError(
                    f"{self.folder}: the journal skips chunks of {chunk['file']}; "
                    "delete the output folder to start over"
                )

    def append(self, chunks: list[dict[str, Any]], *, seconds: float) -> None:
        """Record chunks whose output is durable; durable itself when this returns."""
        self._write({"seconds": round(seconds, 6), "chunks": chunks})
        self.seconds += seconds
        for chunk in chunks:
            self.files.setdefault(chunk["file"], FileRecord()).chunks.append(chunk)

    def restart(self, key: str) -> None:
        """Forget what was done on ``key``: its output could not be recovered."""
        self._write({"restart": key})
        self.files.pop(key, None)

    def _write(self, entry: dict[str, Any]) -> None:
        assert self._journal is not None, "open() the manifest first"
        self._journal.write(_json_line(entry))
        self._journal.flush()
        os.fsync(self._journal.fileno())

    def totals(self, keys: Iterable[str]) -> tuple[CorpusStats, list[dict[str, Any]]]:
        """Counts and errors over the journal: ``keys`` first, in their order, then the rest."""
        stats = CorpusStats()
        errors: list[dict[str, Any]] = []
        for chunk in self._chunks(keys):
            stats.merge(CorpusStats.from_dict(chunk["stats"]))
            errors.extend(chunk["errors"])
        return stats, errors

    def _chunks(self, keys: Iterable[str]) -> Iterator[dict[str, Any]]:
        ordered = list(dict.fromkeys(keys))
        ordered += sorted(self.files.keys() - set(ordered))
        for key in ordered:
            if key in self.files:
                yield from self.files[key].chunks

    @property
    def completion_marker(self) -> Path:
        return self.folder / "complete"

    def clear_complete(self) -> None:
        self.completion_marker.unlink(missing_ok=True)

    def mark_complete(self, summary: dict[str, Any]) -> None:
        write_atomic(self.completion_marker, _json_line(summary))

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
        _locking.discard(self)


def _json_line(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


# The manifests whose lock this process holds, for a child forked from it to let go of.
_locking: weakref.WeakSet[Manifest] = weakref.WeakSet()


def _drop_locks_in_child() -> None:
    for manifest in list(_locking):
        manifest._drop_lock_in_child()
    _locking.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_locks_in_child)
