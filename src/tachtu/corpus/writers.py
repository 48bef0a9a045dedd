"""Writing corpus outputs: names that mirror the inputs, rendering, compression, durable files.

Output is written a chunk at a time; a compressed output is one gzip member or zstd frame per
chunk. Concatenated members are one valid file, so a rerun can cut a half-written output back
to its last durable chunk and append to it, and the result is byte for byte what one clean run
writes.

>>> from pathlib import Path, PurePosixPath
>>> source = InputFile(Path("news/2017.jsonl.gz"), PurePosixPath("2017.jsonl.gz"), InputKind.JSONL, "gzip")
>>> WriteOptions(output_format="text").output_name(source)
'2017.txt.gz'
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tachtu.corpus.readers import Compression, InputFile, InputKind, gzip_codec
from tachtu.document import Document
from tachtu.formats import OutputFormat, conllu_id, render

__all__ = [
    "OutputCompression",
    "WriteOptions",
    "document_bounds",
    "fsync_folder",
    "gzip_member",
    "render_documents",
    "write_atomic",
]

# A rerun must write what a clean run writes, byte for byte, so the same chunk must compress to
# the same bytes in every process. ISA-L's levels 1 and 2 do not always: in 60 processes, each
# with other garbage on its heap, 4 (level 1) and 1 (level 2) wrote other bytes for the same 47
# texts, and the resume tests failed about one run in four. Levels 0 and 3 wrote the same bytes
# in all of 210; level 0 keeps no state outside the stream, whose match table starts zeroed, so
# it is the one taken. It is the fastest too: 15.5 MB of segmented news in 0.04 s to 6.1 MB
# (level 3: 0.05 s, 5.5 MB; on jsonl output 0.10 s against 0.18 s), where zlib's level 1, the
# fallback, takes 0.18 s to 6.0 MB.
GZIP_LEVEL = 0 if gzip_codec is not gzip else 1
if gzip_codec is not gzip:
    from isal import igzip_lib

# "same": compressed outputs for compressed inputs, with the same compression
OutputCompression = Literal["same", "none", "gzip", "zstd"]

_FORMAT_SUFFIXES = {
    OutputFormat.TEXT: ".txt",
    OutputFormat.SENTENCES: ".txt",
    OutputFormat.MASKED: ".txt",
    OutputFormat.JSONL: ".jsonl",
    OutputFormat.CONLLU: ".conllu",
    OutputFormat.CONLL: ".conll",
}
_COMPRESSION_SUFFIXES: dict[Compression, str] = {"gzip": ".gz", "zstd": ".zst"}
# Formats of bare lines: the documents of one input file are told apart by a blank line.
_LINE_FORMATS = frozenset({OutputFormat.TEXT, OutputFormat.SENTENCES, OutputFormat.MASKED})


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """How documents become output bytes. It travels to every worker, so it must pickle."""

    output_format: OutputFormat = OutputFormat.TEXT
    sep: str = "_"
    compression: OutputCompression = "same"

    def __post_init__(self) -> None:
        object.__setattr__(self, "output_format", OutputFormat(self.output_format))
        if self.compression not in ("same", "none", "gzip", "zstd"):
            raise ValueError(f"unknown compression {self.compression!r}")

    def compression_for(self, source: InputFile) -> Compression | None:
        if self.compression == "same":
            return source.compression
        return None if self.compression == "none" else self.compression

    def output_name(self, source: InputFile) -> str:
        """Where the output of ``source`` goes, relative to the output folder (POSIX form)."""
        name = source.stem.as_posix() + _FORMAT_SUFFIXES[self.output_format]
        compression = self.compression_for(source)
        return name + _COMPRESSION_SUFFIXES[compression] if compression else name

    def compress(self, data: bytes, source: InputFile) -> bytes:
        """One chunk's UTF-8 output as it is written: compressed as the output of ``source``, a
        whole gzip member or zstd frame."""
        match self.compression_for(source):
            case "gzip":
                # mtime=0 and no file name in the header: the same text gives the same bytes.
                return gzip_member(data) if data else b""
            case "zstd":
                return _zstd_compress(data) if data else b""
        return data


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member, always the same bytes for the same data (no time, no name).

    >>> zlib.decompress(gzip_member("Hà Nội".encode()), wbits=31).decode()
    'Hà Nội'
    """
    if gzip_codec is gzip:
        return zlib.compress(data, GZIP_LEVEL, wbits=31)
    # ISA-L writes the header itself: the bytes of igzip.compress(mtime=0), without the copy of
    # the whole member that putting a header before it takes
    return igzip_lib.compress(data, GZIP_LEVEL, igzip_lib.COMP_GZIP)


def _zstd_compress(data: bytes) -> bytes:
    try:
        import zstandard
    except ImportError:
        raise RuntimeError("writing .zst needs zstandard: pip install 'tachtu[zstd]'") from None
    return zstandard.ZstdCompressor(level=3).compress(data)


def render_documents(
    documents: Iterable[Document], options: WriteOptions, *, kind: InputKind = InputKind.TEXT
) -> str:
    """Documents as output text.

    A text file is one document, rendered as ``tachtu segment`` does. In a file of many
    documents (JSON Lines, Parquet, CSV) the text formats end each document with an empty line, and
    CoNLL-U starts each with ``# newdoc id``, so document boundaries survive.
    """
    pieces: list[str] = []
    for document in documents:
        before, after = document_bounds(document.id, options.output_format, kind)
        pieces += (before, render(document, options.output_format, sep=options.sep), after)
    return "".join(pieces)


def document_bounds(
    document_id: str, output_format: OutputFormat, kind: InputKind
) -> tuple[str, str]:
    """What goes before and after one rendered document in an output file (see
    :func:`render_documents`)."""
    if output_format is OutputFormat.CONLLU:
        return f"# newdoc id = {conllu_id(document_id)}\n", ""
    if kind is not InputKind.TEXT and output_format in _LINE_FORMATS:
        return "", "\n"
    return "", ""


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is then as durable as it gets
    finally:
        os.close(descriptor)


def write_atomic(path: Path, data: bytes, *, scratch: Path | None = None) -> None:
    """Write ``path`` whole or not at all: a temporary file, fsync, rename, fsync the folder.

    The temporary file goes in ``scratch`` (default: beside ``path``; it must be on the same
    file system), so a kill part way leaves nothing in the folder a user reads.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = (scratch or path.parent) / f".{path.name}.tmp"
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    fsync_folder(path.parent)
