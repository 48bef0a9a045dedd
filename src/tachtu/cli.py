"""The ``tachtu`` command: argument parsing only; the work is done by the library.

Exit codes: 0 all input processed; 1 some input could not be read (reported on stderr, the rest
was processed); 2 bad usage.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from tachtu import __version__
from tachtu.corpus.decoding import decode_with_changes, decoder
from tachtu.corpus.readers import (
    DecodeErrors,
    Decoder,
    InputError,
    InputFile,
    InputKind,
    ReadOptions,
    classify,
    read_chunks,
    read_records,
    read_text_file,
    text_files,
)
from tachtu.corpus.writers import WriteOptions, document_bounds
from tachtu.evaluation import (
    LengthScore,
    by_length,
    conllu_lines,
    disagreements,
    is_conll,
    score,
)
from tachtu.formats import LINE_FORMATS, OutputFormat, conll_encoded, render_text, sep_problem
from tachtu.normalize import ToneStyle, normalize, normalize_with_report
from tachtu.words import Segmenter

app = typer.Typer(
    help="Vietnamese word segmentation and corpus normalization.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
log = logging.getLogger("tachtu")
# Bad inputs a corpus run names on stderr; errors.jsonl lists them all.
_ERRORS_SHOWN = 10


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"tachtu {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Vietnamese word segmentation and corpus normalization."""


FilesArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files (.txt, .jsonl, .parquet, .csv, .tsv; .gz/.zst too) or folders (their .txt files); "
        "none or -: read standard input.",
        show_default=False,
    ),
]
# The name that stands for standard input among the files, as in most tools.
_STDIN_NAME = Path("-")


def _reads_stdin(files: list[Path] | None) -> bool:
    """Whether ``files`` asks for standard input: none, or ``-`` alone (``-`` among other
    files is refused: standard input has no place in their order)."""
    if not files or files == [_STDIN_NAME]:
        return True
    if _STDIN_NAME in files:
        raise typer.BadParameter(
            "- (standard input) cannot be given with files", param_hint="FILES"
        )
    return False


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
SepOption = Annotated[
    str | None,
    typer.Option(
        help="Joins the syllables of one word (default _); not for conllu, whose forms keep spaces.",
        show_default=False,
    ),
]
ToneStyleOption = Annotated[
    ToneStyle,
    typer.Option("--tone-style", help="Tone marks: keep as written, old (hòa) or new (hoà)."),
]
ErrorsOption = Annotated[
    DecodeErrors,
    typer.Option(
        "--errors",
        help="Undecodable input: strict reports the file (a line of standard input) and skips it; "
        "replace uses U+FFFD.",
    ),
]
EncodingOption = Annotated[
    str,
    typer.Option(
        "--encoding",
        "-e",
        help="Input encoding of files and standard input: auto (detect UTF-8, UTF-16 with its "
        "BOM, TCVN3, VNI, VISCII, Windows-1258, VIQR), or one of them by name.",
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="A model file instead of the shipped model.", show_default=False),
]
DictionaryOption = Annotated[
    Path | None,
    typer.Option(
        "--dict",
        help="User dictionary: one segmented phrase a line (Hà_Nội joins, 'phạt trực_tiếp' splits).",
        show_default=False,
    ),
]


TextFieldOption = Annotated[
    str, typer.Option(help="JSON Lines, Parquet and CSV: the text's field (column).")
]
IdFieldOption = Annotated[
    str, typer.Option(help="JSON Lines, Parquet and CSV: the id's field (column).")
]


def _fail(error: InputError) -> None:
    typer.echo(f"tachtu: error: {error}", err=True)


# How standard input is named in errors and reports.
STDIN = "<stdin>"
# Line breaks as text files are read: the normalizer makes all three "\n".
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _stdin_lines(decode: Decoder, batch_size: int) -> Iterator[list[str | None]]:
    """Lines of standard input (each ended by ``"\\n"``, which is cut off) in batches, one at a
    time when a person is typing, decoded as a file's text is by ``decode`` (``auto`` settles
    on one encoding from the first batch). A line that cannot be decoded is reported with its
    number and comes as ``None``, so that the lines after it keep their place."""
    size = 1 if sys.stdin.isatty() else batch_size
    lines = iter(sys.stdin.buffer)
    read = 0  # lines (ended by b"\n") before the batch
    while batch := list(itertools.islice(lines, size)):
        data = b"".join(batch)
        if not read and (settle := getattr(decode, "for_file", None)) is not None:
            decode = settle(data, STDIN)
        try:
            decoded = _split_lines(decode(data, STDIN))
        except InputError:  # the lines one by one, to name the bad ones and keep the rest
            decoded = [
                line
                for number, raw in enumerate(batch, read + 1)
                for line in _decoded_line(decode, raw, number)
            ]
        yield decoded
        read += len(batch)


def _decoded_line(decode: Decoder, data: bytes, number: int) -> list[str | None]:
    try:
        return _split_lines(decode(data, STDIN))
    except InputError as error:
        _fail(InputError(STDIN, error.reason, number))
        return [None]


def _split_lines(text: str, breaks: re.Pattern[str] | None = None) -> list[str | None]:
    """``text`` cut at each ``"\\n"`` (or each match of ``breaks``); a break that ends the text
    starts no line."""
    pieces: list[str | None] = list(text.split("\n") if breaks is None else breaks.split(text))
    if len(pieces) > 1 and pieces[-1] == "":
        pieces.pop()
    return pieces


def _text_lines(decoded: list[str | None]) -> list[str]:
    """Decoded lines of standard input cut at every line break a file is cut at (``"\\r"``
    too), an undecodable line (``None``) as an empty one."""
    lines: list[str] = []
    for line in decoded:
        if line is None or "\r" not in line:  # most lines: a search for \r, not the regex
            lines.append(line or "")
            continue
        lines.extend(_split_lines(line, _LINE_BREAK))  # type: ignore[arg-type]
    return lines


def _stdin_text(decode: Decoder) -> str:
    """All of standard input as one text, read as a file is; undecodable input raises
    :class:`InputError`."""
    return decode(sys.stdin.buffer.read(), STDIN)


def _read_or_report(path: Path, decode: Decoder) -> str | None:
    """A text file's text, or ``None`` once the file (and line) that could not be read is named
    on stderr."""
    try:
        return read_text_file(path, decode=decode)
    except InputError as error:
        _fail(error)
        return None


def _word_sep(sep: str | None, output_format: OutputFormat) -> str:
    """``--sep`` checked against the format; ``_`` where it is not given."""
    if sep is None:
        return "_"
    if problem := sep_problem(sep, output_format):
        raise typer.BadParameter(problem, param_hint="--sep")
    return sep


def _decoder(encoding: str, errors: DecodeErrors) -> Decoder:
    try:
        return decoder(encoding, errors)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--encoding") from None


def _segment_stdin(
    segmenter: Segmenter, output_format: OutputFormat, sep: str, decode: Decoder
) -> bool:
    """Segment standard input to standard output; whether some of it could not be read (an
    undecodable line gives an empty line out in the line formats; in a structured format, all
    of standard input is one document, and it is not written)."""
    out = sys.stdout
    if output_format not in LINE_FORMATS:
        try:
            text = _stdin_text(decode)
        except InputError as error:
            _fail(error)
            return True
        out.write(document_bounds("stdin", output_format, InputKind.TEXT)[0])
        out.writelines(render_text(text, output_format, segmenter=segmenter, sep=sep, id="stdin"))
        return False
    failed = False
    for decoded in _stdin_lines(decode, 256):
        failed = failed or None in decoded
        batch = _text_lines(decoded)
        if output_format is OutputFormat.TEXT:
            out.writelines(line + "\n" for line in segmenter.segment_batch(batch, sep=sep))
        elif output_format is OutputFormat.SENTENCES:
            for line in batch:  # a line without units (a break between documents) stays one
                data = segmenter.segment_encoded([line], sep=sep, line_per="sentence")[0]
                out.write(data.decode() or "\n")
        elif output_format is OutputFormat.CONLL:
            # a line without units gives nothing: a blank line ends a sentence
            data = segmenter.segment_encoded(batch, sep=sep, line_per="sentence")[0]
            out.write(conll_encoded(data).decode())
        else:
            for line in batch:  # a line without units still gives one line out
                out.write(
                    "".join(render_text(line, output_format, segmenter=segmenter, sep=sep)) or "\n"
                )
        out.flush()
    return failed


@app.command(
    epilog="Example: tachtu segment --format masked article.txt  |  echo 'Hà Nội mùa thu' | tachtu segment"
)
def segment(
    files: FilesArgument = None,
    output_format: FormatOption = OutputFormat.TEXT,
    sep: SepOption = None,
    tone_style: ToneStyleOption = "keep",
    errors: ErrorsOption = "strict",
    encoding: EncodingOption = "auto",
    model: ModelOption = None,
    dictionary: DictionaryOption = None,
    text_field: TextFieldOption = "text",
    id_field: IdFieldOption = "id",
) -> None:
    """Word-segment text: one paragraph a line in, one a line out."""
    word_sep = _word_sep(sep, output_format)
    decode = _decoder(encoding, errors)
    stdin = _reads_stdin(files)
    segmenter = _load_segmenter(model, dictionary, tone_style)
    out = sys.stdout
    if stdin:
        if _segment_stdin(segmenter, output_format, word_sep, decode):
            raise typer.Exit(1)
        return
    failed = False
    # In the sentences format a text file is one document, and a blank line comes between two
    # documents; the documents of a file of records each end with one already.
    separate = False
    read = ReadOptions(text_field=text_field, id_field=id_field, decode=decode)
    for path in text_files(files or []):
        source = classify(path, default=InputKind.TEXT)
        if source.kind is not InputKind.TEXT:
            # JSON Lines, Parquet and CSV: read and written as tachtu corpus does.
            if separate and output_format is OutputFormat.SENTENCES:
                out.write("\n")
            out.flush()
            failed = _segment_records(source, segmenter, read, output_format, word_sep) or failed
            separate = False
            continue
        text = _read_or_report(path, decode)
        if text is None:
            failed = True
            continue
        if separate and output_format is OutputFormat.SENTENCES:
            out.write("\n")
        separate = True
        # The document's id and what comes before it as a corpus run writes them.
        document_id = source.stem.as_posix()
        out.write(document_bounds(document_id, output_format, InputKind.TEXT)[0])
        # line formats without Documents; the same words as a Document's (tests hold this)
        for piece in render_text(
            text, output_format, segmenter=segmenter, sep=word_sep, id=document_id
        ):
            out.write(piece)
    if failed:
        raise typer.Exit(1)


def _segment_records(
    source: InputFile,
    segmenter: Segmenter,
    read: ReadOptions,
    output_format: OutputFormat,
    sep: str,
) -> bool:
    """Segment a file of records to standard output, a chunk at a time,
    with the corpus pipeline's own reading and writing; whether some of it could not be read.
    A bad record is named on stderr, and the others are written."""
    # Imported here: the engines bring the worker machinery, which other commands do not need.
    from tachtu.corpus.engines import ChunkProcessor

    processor = ChunkProcessor(
        segmenter, read, WriteOptions(output_format=output_format, sep=sep, compression="none")
    )
    failed = False
    for chunk in read_chunks(source, text_field=read.text_field, decode=read.decode):
        result = processor.process(chunk)
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        for error in result.errors:
            _fail(error)
            failed = True
    return failed


@app.command("normalize", epilog="Example: tachtu normalize --report old-page.txt > clean.txt")
def normalize_command(
    files: FilesArgument = None,
    tone_style: ToneStyleOption = "keep",
    errors: ErrorsOption = "strict",
    encoding: EncodingOption = "auto",
    report: Annotated[
        bool, typer.Option("--report", help="Print what changed, kind by kind, to stderr.")
    ] = False,
    text_field: TextFieldOption = "text",
) -> None:
    """Write clean NFC text: legacy encodings, decomposed input, odd spaces, misplaced tone marks.

    A JSON Lines, Parquet or CSV file gives JSON Lines: each record, its text normalized.
    """
    decode = _decoder(encoding, errors)
    # What decoding changed (mojibake, decomposed characters, ...), by file, for the report:
    # the text that normalization then sees is already clean of it.
    decoding_changes: dict[str, Counter[str]] = {}
    if report:

        def decode(data: bytes, path: str) -> str:
            text, changes = decode_with_changes(encoding, errors, data, path)
            decoding_changes.setdefault(path, Counter()).update(changes)
            return text

    def normalized(text: str, changes: Counter[str]) -> str:
        if not report:
            return normalize(text, tone_style=tone_style)
        result = normalize_with_report(text, tone_style=tone_style)
        changes.update(result.changes)
        return result.text

    def print_report(path: str, changes: Counter[str]) -> None:
        if report:
            counts = decoding_changes.get(path, Counter()) + changes
            listed = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
            typer.echo(f"{path}: {listed or 'no changes'}", err=True)

    failed = False
    stdin = _reads_stdin(files)
    if stdin:
        changes: Counter[str] = Counter()
        for decoded in _stdin_lines(decode, 256):
            failed = failed or None in decoded
            text = "".join(("" if line is None else line) + "\n" for line in decoded)
            sys.stdout.write(normalized(text, changes))
            sys.stdout.flush()
        print_report(STDIN, changes)
    read = ReadOptions(text_field=text_field, decode=decode)
    for path in [] if stdin else text_files(files or []):
        source = classify(path, default=InputKind.TEXT)
        changes = Counter()
        if source.kind is not InputKind.TEXT:
            # JSON Lines, Parquet and CSV: each record as a JSON line, its text normalized.
            for chunk in read_chunks(source, text_field=text_field, decode=read.decode):
                for item in read_records(chunk, read):
                    if isinstance(item, InputError):
                        _fail(item)
                        failed = True
                        continue
                    record, text = item
                    record[text_field] = normalized(text, changes)
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            print_report(str(path), changes)
            continue
        file_text = _read_or_report(path, decode)
        if file_text is None:
            failed = True
            continue
        text = normalized(file_text, changes)
        # its last line ended, or it would run on into the next file's first line
        sys.stdout.write(text if not text or text.endswith("\n") else text + "\n")
        print_report(str(path), changes)
    if failed:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold segmented text, one sentence a line, words joined by _; or CoNLL-U "
            "(.conllu) or CoNLL-X (.conll, as VnDT), a word's syllables in its FORM."
        ),
    ],
    predicted: Annotated[
        Path | None,
        typer.Argument(
            help="Predicted segmentation, in either form; none: segment the gold text itself.",
            show_default=False,
        ),
    ] = None,
    model: ModelOption = None,
    dictionary: DictionaryOption = None,
    top: Annotated[
        int,
        typer.Option(
            min=0,
            help="Also list the N most frequent places where the prediction differs from the "
            "gold, each as the gold and the prediction wrote it.",
        ),
    ] = 0,
    lengths: Annotated[
        bool,
        typer.Option(
            "--by-length",
            help="Also print recall and precision by a word's length in syllables (1 to 5+).",
        ),
    ] = False,
    errors: ErrorsOption = "strict",
    encoding: EncodingOption = "auto",
) -> None:
    """Print precision, recall and F1 over words, as the VLSP 2013 scorer does."""
    decode = _decoder(encoding, errors)
    segmenter = _load_segmenter(model, dictionary) if predicted is None else None
    try:
        gold_lines = _segmented_lines(gold, decode)
        if not any(line.strip() for line in gold_lines):
            raise InputError(gold, "no gold words to score")
        if predicted is not None:
            predicted_lines = _segmented_lines(predicted, decode)
        else:
            assert segmenter is not None  # loaded above, before any file is read
            predicted_lines = segmenter.segment_batch(
                [line.replace("_", " ") for line in gold_lines]
            )
    except InputError as error:
        _fail(error)
        raise typer.Exit(1) from None
    if len(gold_lines) != len(predicted_lines):
        # The usual cause: a prediction written a sentence a line, against gold of paragraphs.
        hint = (
            " (the sentences and conll formats write a sentence a line: segment with text)"
            if len(predicted_lines) > len(gold_lines)
            else ""
        )
        typer.echo(
            f"tachtu: error: {len(gold_lines)} gold lines, {len(predicted_lines)} predicted{hint}",
            err=True,
        )
        raise typer.Exit(1)
    scores = score(gold_lines, predicted_lines)
    typer.echo(str(scores))
    if scores.misaligned:
        shown = ", ".join(map(str, scores.misaligned_lines[:5]))
        more = ", …" if scores.misaligned > 5 else ""
        lines = "line" if scores.misaligned == 1 else f"{scores.misaligned} lines"
        typer.echo(
            f"tachtu: warning: {predicted or 'the segmented text'}: {lines} {shown}{more} "
            "with other characters than the gold's; their words that differ count as errors",
            err=True,
        )
    if top:
        places = disagreements(gold_lines, predicted_lines)
        typer.echo(_disagreement_listing(places, top), nl=False)
    if lengths:
        typer.echo(_length_table(by_length(gold_lines, predicted_lines)), nl=False)


def _load_segmenter(
    model: Path | None, dictionary: Path | None, tone_style: ToneStyle = "keep"
) -> Segmenter:
    """The segmenter of a command's options; a model or dictionary that cannot be read is bad
    usage (exit 2)."""
    try:
        return Segmenter.load(model, dict=dictionary, tone_style=tone_style)
    except OSError as error:
        if error.filename is None:
            message = str(error)
        else:  # which option named the file, and what is wrong with it, in words
            named = {str(model): "--model", str(dictionary): "--dict"}
            option = named.get(str(error.filename), "")
            message = f"{option} {error.filename}: {error.strerror or error}".lstrip()
        typer.echo(f"tachtu: error: {message}", err=True)
        raise typer.Exit(2) from None
    except ValueError as error:
        typer.echo(f"tachtu: error: {error}", err=True)
        raise typer.Exit(2) from None


def _segmented_lines(path: Path, decode: Decoder) -> list[str]:
    """The lines of a segmented file; a CoNLL-U or CoNLL-X file's sentences as lines (told by
    its name without the compression suffix, or by its rows)."""
    text = read_text_file(path, decode=decode)
    if is_conll(classify(path, default=InputKind.TEXT).stem.name, text):
        return conllu_lines(text)
    return text.rstrip("\n").split("\n")


def _length_table(rows: list[LengthScore]) -> str:
    """One line for each word length: the gold words, how many were found, the recall; the
    predicted words, how many are gold words, the precision."""
    out = ["syllables     gold    found  recall  predicted  correct  precision"]
    for row in rows:
        name = f"{row.syllables}+" if row is rows[-1] else str(row.syllables)
        out.append(
            f"{name:<9} {row.gold:>8,} {row.found:>8,} {row.recall * 100:>7.2f} "
            f"{row.predicted:>10,} {row.correct:>8,} {row.precision * 100:>10.2f}"
        )
    return "\n".join(out) + "\n"


def _disagreement_listing(places: Counter[tuple[str, str]], top: int) -> str:
    """The ``top`` most frequent places of disagreement, a line each: how often, the gold's
    words, the predicted words."""
    out = [f"{places.total()} places differ; the most frequent, gold -> predicted:"]
    out += [f"{n:>7}  {gold}  ->  {predicted}" for (gold, predicted), n in places.most_common(top)]
    return "\n".join(out) + "\n"


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def train(ctx: typer.Context) -> None:
    """Train a word model from gold data (run 'tachtu train --help' for its options)."""
    # The trainer owns its options (argparse), so they are documented and tested in one place.
    from tachtu.model.training import main as train_main

    raise typer.Exit(train_main(ctx.args, prog="tachtu train") or 0)


@app.command(
    epilog="Example: tachtu corpus news/ --out segmented/ --format jsonl  |  on a Dask cluster: "
    "tachtu corpus news/ --out segmented/ --engine dask --scheduler tcp://10.0.0.5:8786"
)
def corpus(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Files and folders: .txt (one document a file), .jsonl, .parquet, .csv, .tsv;"
            " .gz/.zst too.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Output folder; it mirrors the inputs. Rerun to resume.",
            show_default=False,
        ),
    ],
    output_format: FormatOption = OutputFormat.TEXT,
    sep: SepOption = None,
    tone_style: ToneStyleOption = "keep",
    errors: ErrorsOption = "strict",
    encoding: EncodingOption = "auto",
    model: ModelOption = None,
    dictionary: DictionaryOption = None,
    text_field: TextFieldOption = "text",
    id_field: IdFieldOption = "id",
    compression: Annotated[
        str, typer.Option(help="Output compression: same (as the input), none, gzip or zstd.")
    ] = "same",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes; default one a core, 0 none.", show_default=False, min=0
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="local (processes) or dask.")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address; none: a Dask cluster on this machine.", show_default=False
        ),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option(help="Bytes of input text in one unit of work.", min=1)
    ] = 1 << 20,
) -> None:
    """Segment a whole corpus into a folder, in parallel; a run killed at any point resumes."""
    _word_sep(sep, output_format)  # refused as segment refuses it; run() takes None as its default
    from tachtu.corpus import RunConflictError, UsageError, run
    from tachtu.corpus.progress import progress_bar
    from tachtu.corpus.runner import ERRORS_FILE

    choices: dict[str, tuple[str, tuple[str, ...]]] = {
        "--compression": (compression, ("same", "none", "gzip", "zstd")),
        "--engine": (engine, ("local", "dask")),
    }
    for option, (value, allowed) in choices.items():
        if value not in allowed:
            raise typer.BadParameter(
                f"{value!r} is not one of {', '.join(allowed)}", param_hint=option
            )
    try:
        with progress_bar() as on_progress:
            summary = run(
                inputs,
                out,
                output_format=output_format,
                sep=sep,
                segmenter=model,
                dictionary=dictionary,
                tone_style=tone_style,
                text_field=text_field,
                id_field=id_field,
                errors=errors,
                decode=_decoder(encoding, errors),
                compression=compression,  # type: ignore[arg-type]
                engine=engine,  # type: ignore[arg-type]
                workers=workers,
                scheduler=scheduler,
                chunk_bytes=chunk_size,
                on_progress=on_progress,
            )
    except (UsageError, RunConflictError) as error:
        typer.echo(f"tachtu: error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(str(summary))
    if not summary.ok:
        # The first of them on stderr, as tachtu segment names each bad file: all of them are
        # in errors.jsonl, which a run over a whole corpus may fill with thousands.
        for record in summary.errors[:_ERRORS_SHOWN]:
            _fail(
                InputError(
                    record["file"], record["error"], record["line"], document_id=record["id"]
                )
            )
        if len(summary.errors) > _ERRORS_SHOWN:
            more = len(summary.errors) - _ERRORS_SHOWN
            typer.echo(f"tachtu: … and {more:,} more in {summary.out / ERRORS_FILE}", err=True)
        raise typer.Exit(1)


class _MessageFormatter(logging.Formatter):
    """``tachtu: warning: …``, as the command's own messages are written."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return f"tachtu: {record.levelname.lower()}: {record.message}"


def main() -> None:
    stderr_handler = logging.StreamHandler()
    stderr_handler.setFormatter(_MessageFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[stderr_handler])
    # Dask sets its own loggers to INFO, and a logger's records reach the root's handler past
    # the root's level: without a level of its own, the handler printed every step of the
    # cluster (its scheduler, nannies, connections) into a user's terminal.
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.WARNING)
    app()
