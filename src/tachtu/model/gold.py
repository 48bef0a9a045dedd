"""Gold segmented text as the trainer reads it: files of ``_``-joined lines, CoNLL-U or CoNLL-X,
and each line's units labeled as the segmenter will see them.

>>> labeled_units("Hà_Nội có 1.000 người_dân")
(['Hà', 'Nội', 'có', '1.000', 'người', 'dân'], [0, 1, 0, 0, 0, 1])
"""

from __future__ import annotations

import gzip
from pathlib import Path

from tachtu.evaluation import conllu_lines, is_conll
from tachtu.syllables import split_syllables

__all__ = ["GoldFileError", "gold_lines", "labeled_units", "located", "text_key"]


class GoldFileError(ValueError):
    """A gold file that cannot be read as UTF-8 text; the message names the file and line."""


def gold_lines(path: str | Path) -> list[str]:
    """Gold sentences of a file as ``_``-joined lines; CoNLL-U and CoNLL-X files (``.conllu``,
    ``.conll``, or told by their rows) are converted. UTF-8, compressed too (``.gz``, ``.zst``);
    a file that is not raises :class:`GoldFileError`, which names it and the line.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".conllu", delete=False) as f:
    ...     _ = f.write("# text = Hà Nội đẹp\\n1\\tHà Nội\\t_\\n2\\tđẹp\\t_\\n\\n")
    >>> gold_lines(f.name)
    ['Hà_Nội đẹp']
    >>> os.unlink(f.name)
    """
    path = Path(path)
    data = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise GoldFileError(f"{path}: not gzip ({error})") from None
        name = name.removesuffix(".gz")
    elif name.endswith((".zst", ".zstd")):
        data = _zstd_decompressed(path, data)
        name = name.rsplit(".", 1)[0]
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GoldFileError(f"{path}:{line}: invalid UTF-8 at byte {error.start}") from None
    # Line ends as reading the file in text mode gives them: CR LF and a lone CR are one LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_conll(name, text):
        return conllu_lines(text)
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def _zstd_decompressed(path: Path, data: bytes) -> bytes:
    """A zstd file's bytes, all its frames (the corpus writers write several), decompressed."""
    try:
        import zstandard
    except ImportError:
        raise GoldFileError(
            f"{path}: reading .zst needs zstandard: pip install 'tachtu[zstd]'"
        ) from None
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True)
        return reader.read()
    except zstandard.ZstdError as error:
        raise GoldFileError(f"{path}: not zstd ({error})") from None


def labeled_units(line: str) -> tuple[list[str], list[int]]:
    """Units of a gold line as the segmenter sees them, and 1 where a unit continues a word.

    >>> labeled_units("TP.HCM có 1.000 người_dân")
    (['TP.HCM', 'có', '1.000', 'người', 'dân'], [0, 0, 0, 0, 1])
    """
    words = line.split()
    text = " ".join(word.replace("_", " ") for word in words)
    starts = set()
    position = 0
    for word in words:
        starts.add(position)
        position += len(word) + 1
    units = split_syllables(text)
    labels: list[int] = []
    position = 0
    for unit in units:
        at = text.find(unit, position)
        labels.append(0 if at in starts or not labels else 1)
        position = at + len(unit)
    return units, labels


def text_key(line: str) -> str:
    """Letters and digits of a line, lower-cased: the same sentence in any file or format.

    >>> text_key("Hà_Nội , 1.000 người .")
    'hànội1000người'
    """
    return "".join(c for c in line.lower() if c.isalnum())


def located(data: Path, name: str) -> Path:
    """Where the trainer reads a file it is given by ``name``: as given (from the working
    directory, or absolute) where there is such a file, else under ``data``, where the default
    files are.

    >>> located(Path("../shared/data"), "vlsp2013-ws/dev.txt").as_posix()
    '../shared/data/vlsp2013-ws/dev.txt'
    """
    given = Path(name)
    return given if given.is_file() else data / given
