"""Reading text from files, with errors that name the file and line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

__all__ = ["DecodeErrors", "InputError", "read_text_file", "text_files"]

DecodeErrors = Literal["strict", "replace"]


class InputError(Exception):
    """Input that cannot be read as text; says which file and line, and why."""

    def __init__(self, path: str | os.PathLike[str], reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


def decode_text(data: bytes, path: str | os.PathLike[str], errors: DecodeErrors = "strict") -> str:
    """UTF-8 bytes to text; a binary file or invalid UTF-8 raises :class:`InputError`."""
    if errors == "strict":
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(
                path, "binary file (NUL byte), not text", data.count(b"\n", 0, nul) + 1
            )
    try:
        return data.decode("utf-8-sig", errors=errors).replace("\x00", "\ufffd")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 4].hex(" ")
        raise InputError(
            path, f"invalid UTF-8 at byte {error.start} ({bad}); try --errors replace", line
        ) from None


def read_text_file(path: str | os.PathLike[str], errors: DecodeErrors = "strict") -> str:
    """The text of a UTF-8 file; unreadable, binary or undecodable files raise :class:`InputError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    return decode_text(data, path, errors)


def text_files(paths: list[Path]) -> list[Path]:
    """Files named directly, then the ``.txt`` files under each folder, recursively and sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            found.append(path)
    return found
