"""Reading corpus inputs: text files, JSON Lines, Parquet and CSV, plain or compressed, with
errors that name the file, line and document.

Reading is split in two so that the main process of a parallel run only moves bytes:
:func:`read_chunks` finds records and cuts a file into chunks (main process), and
:func:`parse_chunk` decodes and parses them into unsegmented :class:`~tachtu.document.Document`\\ s
(worker processes; :func:`parse_texts` into the ``(id, text)`` pairs the text formats need).
Every decode goes through one callable, :attr:`ReadOptions.decode`, so a legacy-encoding decoder
plugs in at a single place.

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "news.jsonl").write_text('{"id": "d1", "text": "Hà Nội", "url": "u"}\\n', "utf-8")
>>> [(doc.id, doc.text, dict(doc.metadata)) for doc in read_documents([folder])]
[('d1', 'Hà Nội', {'url': 'u'})]
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import decimal
import functools
import gzip
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload, runtime_checkable

from tachtu.document import Document
from tachtu.encodings import UTF16_BOMS

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "NOT_READ",
    "Chunk",
    "Compression",
    "DecodeErrors",
    "Decoder",
    "FileDecoder",
    "InputError",
    "InputFile",
    "InputKind",
    "JsonDecoder",
    "ReadOptions",
    "decode_text",
    "discover_inputs",
    "parse_chunk",
    "parse_texts",
    "read_chunks",
    "read_documents",
    "read_records",
    "read_text_file",
    "read_utf8_json",
    "text_files",
    "utf8_decoder",
]

log = logging.getLogger(__name__)

DecodeErrors = Literal["strict", "replace"]
Compression = Literal["gzip", "zstd"]
# bytes of one file (or one line of it) and the file's name for messages -> text
Decoder = Callable[[bytes, str], str]


@runtime_checkable
class FileDecoder(Protocol):
    """A decoder that can settle on one decoding for a whole file of records.

    Detecting an encoding costs far more than decoding; a JSON Lines file is one encoding, so
    it is detected once, from the file's first bytes, not once a line.
    """

    def __call__(self, data: bytes, path: str) -> str: ...

    def for_file(self, sample: bytes, path: str) -> Decoder:
        """The decoder for every record of the file that starts with ``sample``."""
        ...


@runtime_checkable
class JsonDecoder(Protocol):
    """A decoder that can also read a JSON line straight from its bytes, quicker than decoding
    the line and parsing the text, to the same value."""

    def __call__(self, data: bytes, path: str) -> str: ...

    def read_json(self, line: bytes) -> Any:
        """The value that ``json.loads`` of the decoded ``line`` gives, or :data:`NOT_READ`
        when that takes the long way (the line is read again as text then)."""
        ...


NOT_READ: Any = object()
"""What :meth:`JsonDecoder.read_json` answers for a line it leaves to the long way."""


class InputError(Exception):
    """Input that cannot be read as text; says which file, line and document, and why."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        reason: str,
        line: int | None = None,
        *,
        document_id: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        self.document_id = document_id
        where = f"{self.path}:{line}" if line is not None else self.path
        if document_id is not None:
            where += f" (document {document_id})"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[Callable[..., InputError], tuple[Any, ...]]:
        # Errors travel back from worker processes; the default pickling would lose the keywords.
        return (_input_error, (self.path, self.reason, self.line, self.document_id))

    def as_record(self) -> dict[str, Any]:
        """The error as one line of ``errors.jsonl``."""
        return {"file": self.path, "line": self.line, "id": self.document_id, "error": self.reason}


def _input_error(path: str, reason: str, line: int | None, document_id: str | None) -> InputError:
    return InputError(path, reason, line, document_id=document_id)


def decode_text(data: bytes, path: str | os.PathLike[str], errors: DecodeErrors = "strict") -> str:
    """UTF-8 bytes to text; a binary file or invalid UTF-8 raises :class:`InputError`."""
    if errors == "strict":
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(
                path, "binary file (NUL byte), not text", data.count(b"\n", 0, nul) + 1
            )
    # A byte order mark says UTF-8 and is no text. The codec is called directly, not through
    # "utf-8-sig": its Python wrapper costs more than a line of news takes to decode.
    skip = 3 if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = (data[skip:] if skip else data).decode("utf-8", errors)
    except UnicodeDecodeError as error:
        at = error.start + skip
        line = data.count(b"\n", 0, at) + 1
        bad = data[at : at + 4].hex(" ")
        raise InputError(
            path, f"invalid UTF-8 at byte {at} ({bad}); try --errors replace", line
        ) from None
    return text.replace("\x00", "\ufffd") if errors != "strict" else text


def read_text_file(
    path: str | os.PathLike[str], errors: DecodeErrors = "strict", *, decode: Decoder | None = None
) -> str:
    """The text of a file, UTF-8 unless ``decode`` says otherwise, decompressed first when its
    name ends in ``.gz`` or ``.zst``; unreadable, binary or undecodable files raise
    :class:`InputError`."""
    source = classify(Path(path), default=InputKind.TEXT)
    if source.compression is not None:
        [chunk] = _text_chunks(source)
        if chunk.error is not None:
            raise chunk.error
        data = chunk.records[0][1]
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise InputError(path, error.strerror or str(error)) from None
    if decode is not None:
        return decode(data, str(path))
    return decode_text(data, path, errors)


def text_files(paths: list[Path]) -> list[Path]:
    """Files named directly, then the plain ``.txt`` files under each folder, recursively and
    sorted, found as :func:`discover_inputs` finds a folder's files (hidden ones left out, the
    suffix in any case). A folder with none is named in a warning."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            texts = [
                source.path
                for source in _folder_inputs(path, None)
                if source.kind is InputKind.TEXT and source.compression is None
            ]
            if not texts:
                log.warning(
                    "%s: no .txt file in this folder (JSON Lines, Parquet, CSV and compressed"
                    " files are read when named, and by tachtu corpus)",
                    path,
                )
            found.extend(texts)
        else:
            found.append(path)
    return found


class InputKind(StrEnum):
    TEXT = "text"  # one document a file, one paragraph a line
    JSONL = "jsonl"  # one document a line
    PARQUET = "parquet"  # one document a row
    CSV = "csv"  # one document a row, under a header that names the columns


_COMPRESSION_SUFFIXES: dict[str, Compression] = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
_KIND_SUFFIXES = {
    ".txt": InputKind.TEXT,
    ".jsonl": InputKind.JSONL,
    ".ndjson": InputKind.JSONL,
    ".parquet": InputKind.PARQUET,
    ".csv": InputKind.CSV,
    ".tsv": InputKind.CSV,
}


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file and where it stands under the folder (or name) it was given as."""

    path: Path
    relative: PurePosixPath  # names its output: the output tree mirrors these
    kind: InputKind
    compression: Compression | None = None

    @property
    def stem(self) -> PurePosixPath:
        """``relative`` without its kind and compression suffixes: ``2017/a.jsonl.gz`` -> ``2017/a``."""
        name = self.relative.name
        lower = name.lower()
        for suffixes in (_COMPRESSION_SUFFIXES, _KIND_SUFFIXES):
            for suffix in suffixes:
                if lower.endswith(suffix) and len(name) > len(suffix):
                    name, lower = name[: -len(suffix)], lower[: -len(suffix)]
                    break
        return self.relative.with_name(name)

    @property
    def size(self) -> int:
        """Bytes on disk (0 when it cannot be read): what progress is measured in."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@overload
def classify(
    path: Path, relative: PurePosixPath | None = None, *, default: InputKind
) -> InputFile: ...
@overload
def classify(
    path: Path, relative: PurePosixPath | None = None, *, default: None = None
) -> InputFile | None: ...
def classify(
    path: Path, relative: PurePosixPath | None = None, *, default: InputKind | None = None
) -> InputFile | None:
    """The :class:`InputFile` for ``path`` by its suffixes; ``default`` when they name no kind."""
    lower, compression = _without_compression_suffix(path.name.lower())
    kind = next((k for suffix, k in _KIND_SUFFIXES.items() if lower.endswith(suffix)), default)
    if kind is None:
        return None
    return InputFile(path, relative or PurePosixPath(path.name), kind, compression)


def _without_compression_suffix(lower: str) -> tuple[str, Compression | None]:
    """A lower-cased file name without its compression suffix, and the compression it names."""
    for suffix, compression in _COMPRESSION_SUFFIXES.items():
        if lower.endswith(suffix):
            return lower[: -len(suffix)], compression
    return lower, None


def discover_inputs(
    paths: Iterable[str | os.PathLike[str]], *, skip: str | os.PathLike[str] | None = None
) -> tuple[list[InputFile], list[InputError]]:
    """Input files: each file named, then the known files under each folder, sorted.

    Under a folder, hidden files and folders and the folder ``skip`` (a run's own output) are left
    out, and only ``.txt``, ``.jsonl``/``.ndjson``, ``.parquet`` and ``.csv``/``.tsv`` files
    (also ``.gz``/``.zst``) are taken; a folder with none of them is named in a warning. A file
    named directly is text unless its suffix says otherwise. Paths that do not exist come back
    as errors.
    """
    skipped = Path(skip).resolve() if skip is not None else None
    found: list[InputFile] = []
    missing: list[InputError] = []
    for path in map(Path, paths):
        if path.is_dir():
            inputs = _folder_inputs(path, skipped)
            if not inputs:
                log.warning(
                    "%s: no input file in this folder (.txt, .jsonl, .ndjson, .parquet, .csv,"
                    " .tsv; .gz or .zst too)",
                    path,
                )
            found.extend(inputs)
        elif path.exists():
            # A file named directly is read as text unless its suffixes say otherwise.
            found.append(classify(path, default=InputKind.TEXT))
        else:
            missing.append(InputError(path, "no such file or folder"))
    return found, missing


def _folder_inputs(folder: Path, skipped: Path | None) -> list[InputFile]:
    inputs = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".") and (skipped is None or (here / d).resolve() != skipped)
        ]
        for name in filenames:
            path = here / name
            if name.startswith(".") or not path.is_file():
                continue
            source = classify(path, PurePosixPath(path.relative_to(folder).as_posix()))
            if source is not None:
                inputs.append(source)
    return sorted(inputs, key=lambda source: source.relative.parts)


def _decode_strict(data: bytes, path: str) -> str:
    return decode_text(data, path)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How records become documents. It travels to every worker, so it must pickle."""

    text_field: str = "text"
    id_field: str = "id"
    # The one place bytes become text: a legacy-encoding decoder is a drop-in replacement.
    decode: Decoder = _decode_strict

    @classmethod
    def utf8(cls, errors: DecodeErrors = "strict", **fields: Any) -> ReadOptions:
        """Options that read UTF-8, invalid bytes being an error or U+FFFD."""
        return cls(decode=utf8_decoder(errors), **fields)

    def describe(self) -> dict[str, str]:
        """What a rerun must match to resume: a different decoder gives different output."""
        decode: Callable[..., Any] = self.decode
        arguments = ""
        if isinstance(self.decode, functools.partial):
            bound = self.decode
            decode, arguments = bound.func, f"{bound.args}{sorted(bound.keywords.items())}"
        name = getattr(decode, "__qualname__", None)
        return {
            "text_field": self.text_field,
            "id_field": self.id_field,
            # A function by its name (an address in a repr would differ from run to run).
            "decode": f"{decode.__module__}.{name}{arguments}" if name else repr(decode),
        }


def _decode_with(errors: DecodeErrors, data: bytes, path: str) -> str:
    return decode_text(data, path, errors)


def utf8_decoder(errors: DecodeErrors = "strict") -> Decoder:
    """A picklable ``(data, path) -> text`` that reads UTF-8 with ``errors``."""
    return _decode_strict if errors == "strict" else functools.partial(_decode_with, errors)


@dataclass(slots=True)
class Chunk:
    """A run of records from one input file: the unit of work a worker gets."""

    source: InputFile
    index: int  # chunks of a file are numbered from 0 in file order
    # (line or row number from 1, the raw record): bytes of a line or file, a Parquet row, or a
    # CSV row (its cells' bytes by column, or the InputError of a row that does not fit)
    records: list[tuple[int, Any]] = field(default_factory=list)
    size: int = 0  # bytes of text in the records: what the chunking is measured in
    position: int = 0  # bytes of the file on disk read so far
    last: bool = False
    error: InputError | None = None  # reading stopped here; the records before it stand
    decode: Decoder | None = None  # the file's own decoder, when the options' one settled on it


def read_chunks(
    source: InputFile,
    *,
    chunk_bytes: int = 1 << 20,
    text_field: str = "text",
    decode: Decoder | None = None,
) -> Iterator[Chunk]:
    """Cut ``source`` into chunks of about ``chunk_bytes`` of text, each cut after a whole record.

    The same file always gives the same chunks, which is what lets a rerun skip the chunks that
    are done. The last chunk has ``last`` set; a file that cannot be read, or stops being readable
    part way, ends with a chunk whose ``error`` says where. A :class:`FileDecoder` ``decode``
    settles on one decoding for a JSON Lines or CSV file, from its first bytes, and every chunk of
    the file carries it.
    """
    settled: Decoder | None = None
    # Text files are one record each, and Parquet strings are decoded already.
    if source.kind in (InputKind.JSONL, InputKind.CSV):
        sample = _sample(source)
        if sample.startswith(UTF16_BOMS):
            # Records are cut at newline bytes, which UTF-16 spreads over two: one error for
            # the file, not one for each of its lines.
            name = "JSON Lines" if source.kind is InputKind.JSONL else "CSV"
            reason = f"UTF-16 {name} cannot be read a line at a time; convert it to UTF-8"
            yield Chunk(source, 0, error=InputError(source.path, reason), last=True)
            return
        if sample and isinstance(decode, FileDecoder):
            settled = decode.for_file(sample, str(source.path))
    match source.kind:
        case InputKind.TEXT:
            chunks = _text_chunks(source)
        case InputKind.JSONL:
            chunks = _line_chunks(source, chunk_bytes)
        case InputKind.PARQUET:
            chunks = _parquet_chunks(source, chunk_bytes, text_field)
        case InputKind.CSV:
            # The header is decoded here, to find the text's column; the cells in the workers.
            header_decoder = settled or decode or _decode_strict
            chunks = _csv_chunks(source, chunk_bytes, text_field, header_decoder)
    held: Chunk | None = None
    for chunk in chunks:
        chunk.decode = settled
        if held is not None:
            yield held
        held = chunk
    if held is None:
        held = Chunk(source, 0, error=InputError(source.path, "empty file"))
    elif not held.records and held.index == 0 and held.error is None:
        held.error = InputError(source.path, "empty file")
    held.last = True
    yield held


# What a file decoder settles on: the first whole lines of the file, as much as detection reads.
_SAMPLE_BYTES = 1 << 18
_SURROGATE = re.compile("[\ud800-\udfff]")


def _sample(source: InputFile) -> bytes:
    """The file's first whole lines, up to :data:`_SAMPLE_BYTES`, whatever the chunk size."""
    try:
        with _open(source) as (stream, _):
            data = stream.read(_SAMPLE_BYTES)
    except _FILE_ERRORS:
        return b""  # reading the file proper reports what is wrong with it
    cut = data.rfind(b"\n") + 1
    return data[:cut] if cut and len(data) == _SAMPLE_BYTES else data


class _CountingReader(io.RawIOBase):
    """A file that counts the bytes read from disk, for progress through compressed files."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


# What a broken compressed file raises part way through.
_READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)
with contextlib.suppress(ImportError):
    import zstandard

    _READ_ERRORS += (zstandard.ZstdError,)
try:
    # JSON Lines read straight from UTF-8 bytes, without a str of the whole line first: about
    # 30% less time than decoding each line and parsing it with json.
    import msgspec
except ImportError:  # the standard library's json reads them all the same
    msgspec = None  # type: ignore[assignment]
_flat_json_object: Callable[[bytes], dict[str, Any] | None] | None
try:
    # Most corpus records are flat objects of strings: the core reads those in one pass over
    # the line, each string unescaped and decoded at once (a news file's records 256M -> 159M
    # instructions), and leaves all else to msgspec.
    from tachtu.model._core import json_object as _flat_json_object
except ImportError:  # pragma: no cover - where the C extension is not built
    _flat_json_object = None
gzip_codec: ModuleType
try:
    # The gzip of corpus files, read here and written by tachtu.corpus.writers: ISA-L reads
    # about three times as fast as zlib (on a news corpus that is most of what the main process
    # does) and writes at its level 0 (see writers) four times as fast.
    from isal import igzip as gzip_codec
    from isal.isal_zlib import error as _isal_error

    _READ_ERRORS += (_isal_error,)  # type: ignore[operator]  # its stubs call the class an instance
except ImportError:  # a platform with no isal wheel: the standard library does both
    gzip_codec = gzip
# What reading a file may raise that is reported as the file's error.
_FILE_ERRORS: tuple[type[BaseException], ...] = (*_READ_ERRORS, InputError)


@contextlib.contextmanager
def _open(source: InputFile) -> Iterator[tuple[io.BufferedIOBase, _CountingReader]]:
    counter = _CountingReader(open(source.path, "rb"))  # noqa: SIM115 -- closed below
    try:
        match source.compression:
            case "gzip":
                stream: io.BufferedIOBase = gzip_codec.GzipFile(fileobj=counter, mode="rb")
            case "zstd":
                stream = io.BufferedReader(_zstd_reader(source, counter))
            case None:
                stream = io.BufferedReader(counter)
        yield stream, counter
    finally:
        counter.close()


def _zstd_reader(source: InputFile, raw: _CountingReader) -> Any:
    # What it returns reads like an io.RawIOBase without being one.
    try:
        import zstandard
    except ImportError:
        raise InputError(
            source.path, "reading .zst needs zstandard: pip install 'tachtu[zstd]'"
        ) from None
    # Several frames one after another are one file: our own output is written that way.
    return zstandard.ZstdDecompressor().stream_reader(
        raw,  # type: ignore[arg-type]  # any object with read() will do
        read_across_frames=True,
    )


def _read_error(source: InputFile, error: BaseException, line: int | None = None) -> InputError:
    if isinstance(error, InputError):
        return error
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return InputError(source.path, f"cannot read: {reason}", line)


def _text_chunks(source: InputFile) -> Iterator[Chunk]:
    try:
        with _open(source) as (stream, counter):
            data = stream.read()
            position = counter.count
    except _FILE_ERRORS as error:
        yield Chunk(source, 0, error=_read_error(source, error))
        return
    yield Chunk(source, 0, [(1, data)], len(data), position)


def _line_chunks(source: InputFile, chunk_bytes: int) -> Iterator[Chunk]:
    chunk = Chunk(source, 0)
    number = 0
    reading = _BlockReader(source)
    try:
        for number, line in enumerate(_lines(reading.blocks()), 1):
            # isspace, not strip: the same test without a copy of every line
            if not line or line.isspace():
                continue  # a blank line holds no record
            chunk.records.append((number, line))
            chunk.size += len(line)
            if chunk.size >= chunk_bytes:
                chunk.position = reading.position
                yield chunk
                chunk = Chunk(source, chunk.index + 1)
        chunk.position = reading.position
    except _FILE_ERRORS as error:
        chunk.error = _read_error(source, error, number + 1 if number else None)
    if chunk.records or chunk.error or chunk.index == 0:
        yield chunk


# Reads of a file's bytes (decompressed): large ones, since a decompressor's every read costs
# (on a gzip news file, reads of 1 MiB take about 45M instructions fewer than a line at a time).
# A gzip reader that meets a broken stream drops all that the failing read had decompressed, so
# where a file breaks, it is read again from there in smaller reads, down to single bytes:
# every whole line before the break is read, as many as the standard library's reader gets.
_READ_SIZES = (1 << 20, 1 << 12, 1)


class _BlockReader:
    """A file's bytes a block at a time, and how far into the file on disk they reach."""

    def __init__(self, source: InputFile) -> None:
        self.source = source
        self.position = 0  # bytes of the file on disk read so far

    def blocks(self) -> Iterator[bytes]:
        delivered = 0
        for size in _READ_SIZES:
            try:
                with _open(self.source) as (stream, counter):
                    skipped = 0  # what an earlier, larger read gave already
                    while skipped < delivered and (
                        block := stream.read1(min(delivered - skipped, _READ_SIZES[0]))
                    ):
                        skipped += len(block)
                    while block := stream.read1(size):
                        delivered += len(block)
                        self.position = counter.count
                        yield block
                return
            except _READ_ERRORS:
                if size == _READ_SIZES[-1]:
                    raise


def _lines(blocks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a file read in ``blocks``, each with its newline but the last, as iterating
    the file gives them."""
    pending: list[bytes] = []  # the start of a line that goes on in the next block
    for block in blocks:
        start = 0
        end = block.find(b"\n") + 1
        if pending and end:
            pending.append(block[:end])
            yield b"".join(pending)
            pending.clear()
            start, end = end, block.find(b"\n", end) + 1
        while end:
            yield block[start:end]
            start, end = end, block.find(b"\n", end) + 1
        if start < len(block):
            pending.append(block[start:] if start else block)
    if pending:
        yield b"".join(pending)


def _parquet_chunks(source: InputFile, chunk_bytes: int, text_field: str) -> Iterator[Chunk]:
    if source.compression is not None:
        yield Chunk(
            source, 0, error=InputError(source.path, "Parquet compresses itself: unpack it")
        )
        return
    try:
        import pyarrow.parquet as pq
    except ImportError:
        reason = "reading Parquet needs pyarrow: pip install 'tachtu[parquet]'"
        yield Chunk(source, 0, error=InputError(source.path, reason))
        return
    chunk = Chunk(source, 0)
    row = 0
    try:
        with pq.ParquetFile(source.path) as table:
            if text_field not in table.schema_arrow.names:
                # One error for the file, not one for each of its million rows.
                columns = table.schema_arrow.names
                chunk.error = InputError(source.path, _no_column(text_field, columns))
                yield chunk
                return
            rows = max(table.metadata.num_rows, 1)
            size = source.size
            for batch in table.iter_batches(batch_size=1024):
                for record in batch.to_pylist():
                    row += 1
                    chunk.records.append((row, record))
                    chunk.size += sum(len(v) for v in record.values() if isinstance(v, str))
                    if chunk.size >= chunk_bytes:
                        chunk.position = size * row // rows
                        yield chunk
                        chunk = Chunk(source, chunk.index + 1)
            chunk.position = size
    except Exception as error:  # pyarrow raises its own types for files that are no Parquet
        chunk.error = _read_error(source, error, row + 1 if row else None)
    if chunk.records or chunk.error or chunk.index == 0:
        yield chunk


# A news article or a law can be longer than the csv module's default limit of 128 KiB a field.
_CSV_FIELD_LIMIT = 1 << 30


def _csv_chunks(
    source: InputFile, chunk_bytes: int, text_field: str, decode: Decoder
) -> Iterator[Chunk]:
    """Rows of a CSV (``.csv``, commas) or TSV (``.tsv``, tabs) file under its header, each a
    record of its cells by column name, numbered by the line it starts on.

    The rows are cut here, in the process that reads the file, and their cells stay bytes until
    a worker decodes them, as JSON lines do: each line is read as Latin-1, which gives every byte
    a character of its own, so that the commas, tabs, quotes and line breaks the csv module looks
    for are those of the bytes. In UTF-8 and in the legacy encodings the reader takes, no other
    character holds those bytes.
    """
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    chunk = Chunk(source, 0)
    reading = _BlockReader(source)
    lines = (line.decode("latin-1") for line in _lines(reading.blocks()))
    name, _ = _without_compression_suffix(source.relative.name.lower())
    # strict: a quote left open is an error, not a cell that runs on to the end of the file
    rows = csv.reader(lines, delimiter="\t" if name.endswith(".tsv") else ",", strict=True)
    start = 1
    try:
        first = next(rows, None)
        if first is None:
            yield chunk  # no line at all: read_chunks calls it empty
            return
        first[0] = first[0].removeprefix(codecs.BOM_UTF8.decode("latin-1"))
        try:
            header = [decode(cell.encode("latin-1"), str(source.path)) for cell in first]
        except InputError as error:
            chunk.error = InputError(source.path, error.reason, 1)
        else:
            repeated = sorted({column for column in header if header.count(column) > 1})
            if repeated:
                chunk.error = InputError(source.path, f"the header names {repeated[0]!r} twice", 1)
            elif text_field not in header:
                # One error for the file, not one for each of its rows.
                chunk.error = InputError(source.path, _no_column(text_field, header), 1)
        if chunk.error is not None:
            yield chunk
            return
        start = rows.line_num + 1
        while True:
            record: dict[str, bytes] | InputError
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as error:
                # A quote left open, or text after a closing one: the row is named and the
                # parser starts again on the next line (at the end of the file, it ends).
                record = InputError(source.path, _not_csv(error), start)
            else:
                if not row:
                    start = rows.line_num + 1
                    continue  # a blank line holds no record
                if len(row) == len(header):
                    cells = zip(header, row, strict=True)
                    record = {column: cell.encode("latin-1") for column, cell in cells}
                    chunk.size += sum(map(len, row))
                else:
                    fields = f"{len(row)} field" + ("s" if len(row) != 1 else "")
                    reason = f"{fields} where the header names {len(header)}"
                    record = InputError(source.path, reason, start)
            chunk.records.append((start, record))
            start = rows.line_num + 1
            if chunk.size >= chunk_bytes:
                chunk.position = reading.position
                yield chunk
                chunk = Chunk(source, chunk.index + 1)
        chunk.position = reading.position
        if chunk.index == 0 and not chunk.records:
            chunk.error = InputError(source.path, "a header and no rows", 1)
    except csv.Error as error:  # in the header: no row can be told apart
        chunk.error = InputError(source.path, _not_csv(error), start)
    except _FILE_ERRORS as error:
        chunk.error = _read_error(source, error, start)
    if chunk.records or chunk.error or chunk.index == 0:
        yield chunk


def _not_csv(error: csv.Error) -> str:
    """What the csv module's error says, in a CSV file's terms.

    >>> print(_not_csv(csv.Error("new-line character seen in unquoted field - do you need ...")))
    not CSV: a carriage return (\\r) outside quotes; rows end in \\n or \\r\\n
    """
    reason = str(error)
    if reason.startswith("new-line character seen in unquoted field"):
        # Its advice is for Python code that opens the file; here the lines are cut at \n, and
        # what is left is a lone \r, as old Mac files end their rows.
        reason = "a carriage return (\\r) outside quotes; rows end in \\n or \\r\\n"
    return f"not CSV: {reason}"


def _no_column(text_field: str, columns: Sequence[str]) -> str:
    """Why a table gives no text, with the columns it has, among which the right one may be.

    >>> _no_column("text", ["id", "content"])
    "no column 'text'; the columns are 'id', 'content'"
    """
    named = ", ".join(map(repr, columns[:20])) + (", …" if len(columns) > 20 else "")
    return (
        f"no column {text_field!r}; the columns are {named}"
        if columns
        else f"no column {text_field!r}"
    )


def _csv_record(
    source: InputFile, number: int, cells: dict[str, bytes], decode: Decoder
) -> dict[str, str]:
    """A CSV row's cells decoded; a cell that cannot be raises the InputError of its row."""
    path = str(source.path)
    try:
        return {column: decode(cell, path) for column, cell in cells.items()}
    except InputError as error:
        raise InputError(source.path, error.reason, number) from None


def parse_chunk(
    chunk: Chunk, options: ReadOptions, *, metadata: bool = True
) -> Iterator[Document | InputError]:
    """The chunk's records as unsegmented documents, or the error that spoils each one.

    Without ``metadata`` the documents carry only their text and id, which is all that the
    text formats write.
    """
    for item in _records(chunk, options):
        if isinstance(item, InputError):
            yield item
            continue
        (document_id, text), record = item
        if metadata and record is not None:
            yield Document(document_id, text, (), _record_metadata(record, options))
        else:
            yield Document(document_id, text, ())


def parse_texts(chunk: Chunk, options: ReadOptions) -> Iterator[tuple[str, str] | InputError]:
    """:func:`parse_chunk` without metadata, as ``(id, text)`` pairs: all that the text formats
    need, without a Document made for each record (a few percent of what the pipeline adds to
    segmenting news)."""
    for item in _records(chunk, options):
        yield item if isinstance(item, InputError) else item[0]


def read_records(
    chunk: Chunk, options: ReadOptions
) -> Iterator[tuple[dict[str, Any], str] | InputError]:
    """Each record of a chunk of JSON Lines, Parquet or CSV as ``(record, text)``, its values as
    JSON holds them, or the error that spoils it: for tools that rewrite records whole.

    >>> source = InputFile(Path("a.jsonl"), PurePosixPath("a.jsonl"), InputKind.JSONL)
    >>> lines = [(1, '{"text": "Hà Nội", "n": 1}'.encode()), (2, b'{"n": 2}')]
    >>> good, bad = read_records(Chunk(source, 0, lines), ReadOptions())
    >>> good, str(bad)
    (({'text': 'Hà Nội', 'n': 1}, 'Hà Nội'), "a.jsonl:2 (document a:2): no field 'text'")
    """
    for item in _records(chunk, options):
        if isinstance(item, InputError):
            yield item
        else:
            (_, text), record = item
            yield {str(key): _json_value(value) for key, value in record.items()}, text


def _records(chunk: Chunk, options: ReadOptions) -> Iterator[Any]:
    """The chunk's ``((id, text), record)`` pairs (record None for a text file), or the error
    that spoils each one."""
    source = chunk.source
    decode = chunk.decode or options.decode
    # The plain UTF-8 reader is a function (its name is part of a run's resume check), so its
    # quick way is named here.
    read_json = (
        decode.read_json
        if isinstance(decode, JsonDecoder)
        else read_utf8_json
        if decode is _decode_strict
        else None
    )
    for number, raw in chunk.records:
        try:
            if source.kind is InputKind.TEXT:
                yield _text_file(source, raw, options), None
            elif isinstance(raw, InputError):  # a CSV row that does not fit its header
                yield raw
            else:
                if source.kind is InputKind.JSONL:
                    record = _json_record(source, number, raw, decode, read_json)
                elif source.kind is InputKind.CSV:
                    record = _csv_record(source, number, raw, decode)
                else:
                    record = raw
                yield _record_text(source, number, record, options), record
        except InputError as error:
            yield error
    if chunk.error is not None:
        yield chunk.error


def _text_file(source: InputFile, data: bytes, options: ReadOptions) -> tuple[str, str]:
    """The id and text of a text file's one document."""
    document_id = source.stem.as_posix()
    try:
        text = options.decode(data, str(source.path))
    except InputError as error:
        raise InputError(source.path, error.reason, error.line, document_id=document_id) from None
    if not text or text.isspace():
        raise InputError(source.path, "empty file", document_id=document_id)
    return document_id, text


def read_utf8_json(line: bytes) -> Any:
    """The value of a JSON line read straight from its UTF-8 bytes, or :data:`NOT_READ`.

    msgspec refuses all that the long way (decode, ``json.loads``, the surrogate check) reports
    (invalid UTF-8, lone surrogates, malformed JSON) and more (NaN, a BOM, numbers out of
    range): such a line is left to the long way, which says what is wrong or reads it as the
    standard library does. A line msgspec reads, it reads to the same values. The core's reader
    of flat objects goes first and refuses at least as much (tests hold it to ``json.loads``).
    """
    if msgspec is None:
        return NOT_READ
    if _flat_json_object is not None:
        record = _flat_json_object(line)
        if record is not None:
            return record
    try:
        return msgspec.json.decode(line)
    except msgspec.DecodeError:
        return NOT_READ


def _json_record(
    source: InputFile,
    number: int,
    line: bytes,
    decode: Decoder,
    read_json: Callable[[bytes], Any] | None,
) -> Any:
    if read_json is not None:
        record = read_json(line)
        if record is not NOT_READ:
            return record
    try:
        text = decode(line, str(source.path))
    except InputError as error:
        raise InputError(source.path, error.reason, number) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            source.path, f"malformed JSON: {error.msg} at column {error.colno}", number
        ) from None
    # JSON can escape half of a surrogate pair ("\ud800"), which is no Unicode character: such
    # a string could be neither segmented nor written as UTF-8. Only escapes make one.
    if "\\u" in text:
        surrogate = _lone_surrogate(record)
        if surrogate is not None:
            reason = f"malformed JSON: lone surrogate \\u{ord(surrogate):04x} (not a character)"
            raise InputError(source.path, reason, number)
    return record


def _lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in the strings of a JSON value, keys included, or None."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        for item in value:
            surrogate = _lone_surrogate(item)
            if surrogate is not None:
                return surrogate
    return None


def _record_metadata(record: dict[str, Any], options: ReadOptions) -> MappingProxyType:
    """A record's fields but its text, which the output formats carry through."""
    # Output formats write the id as "id": the id field itself is only dropped when that is its name.
    text_field, id_field = options.text_field, options.id_field
    return MappingProxyType(
        {
            key: _json_value(value)
            for key, value in record.items()
            if key != text_field and not (key == "id" and id_field == "id")
        }
    )


def _record_text(
    source: InputFile, number: int, record: Any, options: ReadOptions
) -> tuple[str, str]:
    """The id and text of a record, or the InputError that says why it has none."""
    if not isinstance(record, dict):
        raise InputError(source.path, f"not a JSON object but {type(record).__name__}", number)
    text_field, id_field = options.text_field, options.id_field
    found_id = record.get(id_field)
    if found_id == "" and source.kind is InputKind.CSV:
        found_id = None  # an empty cell is CSV's way to give no value
    document_id = f"{source.stem.as_posix()}:{number}" if found_id is None else str(found_id)
    if text_field not in record:
        raise InputError(source.path, f"no field {text_field!r}", number, document_id=document_id)
    text = record[text_field]
    if not isinstance(text, str):
        reason = f"field {text_field!r} is {type(text).__name__}, not a string"
        raise InputError(source.path, reason, number, document_id=document_id)
    if not text or text.isspace():  # as "not text.strip()", without a copy of the text
        raise InputError(source.path, "empty text", number, document_id=document_id)
    return document_id, text


def _json_value(value: Any) -> Any:
    """Parquet values JSON cannot hold (dates, decimals, bytes) become strings."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def read_documents(
    paths: Iterable[str | os.PathLike[str]],
    *,
    options: ReadOptions | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Document]:
    """Unsegmented documents from files and folders, in order; the first step of a pipeline.

    A bad record is passed to ``on_error`` and skipped, or raised when ``on_error`` is ``None``.
    """
    options = options or ReadOptions()
    sources, missing = discover_inputs(paths)
    for error in missing:
        if on_error is None:
            raise error
        on_error(error)
    for source in sources:
        for chunk in read_chunks(source, text_field=options.text_field, decode=options.decode):
            for item in parse_chunk(chunk, options):
                if isinstance(item, Document):
                    yield item
                elif on_error is None:
                    raise item
                else:
                    on_error(item)
