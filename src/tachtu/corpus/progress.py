"""A live progress bar for corpus runs, drawn by the main process on standard error.

It shows documents, syllables per second and the time left (from the bytes of input read), and
draws nothing when standard error is not a terminal, so logs and CI output stay clean.

>>> with progress_bar(enabled=False) as on_progress:
...     on_progress(RunProgress(1, 5, 5, 0, 10, 20))
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

from tachtu.corpus.runner import RunProgress

__all__ = ["RunProgress", "progress_bar"]


@contextlib.contextmanager
def progress_bar(*, enabled: bool | None = None) -> Iterator[Callable[[RunProgress], None]]:
    """A callback for :func:`tachtu.corpus.run` that draws the bar; ``None``: only on a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda progress: None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("[bold]segmenting"),
        BarColumn(bar_width=30),
        TaskProgressColumn(),
        TextColumn("{task.fields[documents]:>10,} documents"),
        TextColumn("{task.fields[rate]:>9,.0f} syllables/s"),
        TextColumn("{task.fields[errors]:,} errors"),
        TextColumn("eta"),
        TimeRemainingColumn(),
        transient=False,
        # Drawn on each update (after each unit of work written, several a second) rather than
        # by a thread of rich's own: with no thread running, the run can fork its workers (see
        # tachtu.corpus.engines).
        auto_refresh=False,
    )
    task = bar.add_task("corpus", total=None, documents=0, rate=0.0, errors=0)
    started = time.monotonic()

    def update(progress: RunProgress) -> None:
        elapsed = max(time.monotonic() - started, 1e-9)
        bar.update(
            task,
            total=progress.bytes_total or None,
            completed=progress.bytes_done,
            documents=progress.documents,
            rate=progress.syllables_this_run / elapsed,
            errors=progress.errors,
            refresh=True,
        )

    with bar:
        yield update
