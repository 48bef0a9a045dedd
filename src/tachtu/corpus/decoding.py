"""Bytes to text for input files and records: UTF-8 or a legacy Vietnamese encoding.

The decoders here plug into :attr:`tachtu.corpus.readers.ReadOptions.decode` and into the CLI's
file reading. ``auto`` detects the encoding of each file (or record) from its bytes; what it
chose, when that is not UTF-8, is logged, so a user sees which files were legacy-encoded.

>>> from tachtu.encodings import encode
>>> decode_bytes("auto", "strict", encode("Tiếng Việt", "vni"), "old.txt")
'Tiếng Việt'
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Any

from tachtu.corpus.readers import (
    NOT_READ,
    DecodeErrors,
    Decoder,
    InputError,
    decode_text,
    read_utf8_json,
    utf8_decoder,
)
from tachtu.encodings import UTF16_BOMS, canonical_name, decode, decodes_to_itself, detect

__all__ = ["AutoDecoder", "RepairingUtf8Decoder", "decode_bytes", "decode_with_changes", "decoder"]

log = logging.getLogger(__name__)
_PLAIN_UNICODE = frozenset({"utf-8", "ascii"})


def decoder(encoding: str = "auto", errors: DecodeErrors = "strict") -> Decoder:
    """A picklable ``(data, path) -> text`` for ``encoding``; unknown names raise ``ValueError``."""
    name = canonical_name(encoding)
    if name == "utf-8":
        # The plain UTF-8 reader names the line of a bad byte and skips detection.
        return utf8_decoder(errors)
    if name == "auto":
        return AutoDecoder(errors)
    return functools.partial(decode_bytes, name, errors)


@dataclasses.dataclass(frozen=True, slots=True)
class AutoDecoder:
    """Detects the encoding of what it decodes; in a file of records, once for the file.

    Detection costs about as much as segmenting the text it looks at; decoding with a known
    encoding costs a few percent of it. The corpus readers ask :meth:`for_file` once per JSON
    Lines file, with its first bytes, and decode every line with the answer.
    """

    errors: DecodeErrors = "strict"

    def __call__(self, data: bytes, path: str) -> str:
        return decode_bytes("auto", self.errors, data, path)

    def for_file(self, sample: bytes, path: str) -> Decoder:
        detection = detect(sample)
        best_score = detection.candidates[0][1] if detection.candidates else 1.0
        if detection.encoding not in _PLAIN_UNICODE and best_score <= 0:
            return utf8_decoder(self.errors)  # as decode_bytes does: see there
        if detection.encoding not in _PLAIN_UNICODE:
            log.warning(
                "%s: read as %s (detected, confidence %.2f)",
                path,
                detection.encoding,
                detection.confidence,
            )
        if detection.encoding in _PLAIN_UNICODE:
            # A sample of ASCII alone (JSON written with its non-ASCII escaped, an English
            # header) says nothing against UTF-8, and the rest of the file may well need it.
            return RepairingUtf8Decoder(self.errors)
        return functools.partial(decode_bytes, detection.encoding, self.errors)


@dataclasses.dataclass(frozen=True, slots=True)
class RepairingUtf8Decoder:
    """UTF-8 as ``auto`` reads it (NFC, mojibake repaired), and JSON lines read the quick way
    when that changes nothing in them: what ``auto`` settles on for a UTF-8 file of records.

    >>> RepairingUtf8Decoder().read_json('{"text": "Việt"}'.encode())
    {'text': 'Việt'}
    >>> RepairingUtf8Decoder().read_json('{"text": "Viá»‡t"}'.encode()) is NOT_READ
    True
    """

    errors: DecodeErrors = "strict"

    def __call__(self, data: bytes, path: str) -> str:
        return decode_bytes("utf-8", self.errors, data, path)

    def read_json(self, line: bytes) -> Any:
        """The value ``json.loads(self(line, path))`` gives, when decoding leaves every string
        of it as it is; else :data:`NOT_READ`.

        The line is read straight from its bytes (:func:`read_utf8_json`), which leaves to the
        long way what it would report (invalid UTF-8, a BOM, lone surrogates, malformed JSON).
        Decoding could change only the characters inside strings (what lies between them is
        ASCII, JSON's own, and neither composes with a mark nor forms a mojibake run), and those
        characters are in the strings of the value as they were in the line. So where every
        string decodes to itself the two ways agree; where one does not (repaired in the line,
        or only made by an escape), the line goes the long way.
        """
        value = read_utf8_json(line)
        if value is NOT_READ or not _strings_decode_to_themselves(value):
            return NOT_READ
        return value


def _strings_decode_to_themselves(value: Any) -> bool:
    if isinstance(value, str):
        return decodes_to_itself(value)
    if isinstance(value, dict):
        return all(decodes_to_itself(key) for key in value) and all(
            _strings_decode_to_themselves(item) for item in value.values()
        )
    if isinstance(value, list):
        return all(_strings_decode_to_themselves(item) for item in value)
    return True


def decode_bytes(encoding: str, errors: DecodeErrors, data: bytes, path: str) -> str:
    """Decode ``data`` read from ``path``; undecodable bytes raise :class:`InputError`."""
    return _decode_bytes(encoding, errors, data, path)[0]


def decode_with_changes(
    encoding: str, errors: DecodeErrors, data: bytes, path: str
) -> tuple[str, dict[str, int]]:
    """What :func:`decoder` gives for ``data``, and what decoding changed, kind by kind
    (mojibake repaired, decomposed characters composed, TCVN3 capitals restored, ...).

    >>> decode_with_changes("auto", "strict", "Viá»‡t Nam".encode(), "a.txt")
    ('Việt Nam', {'mojibake': 1})
    """
    name = canonical_name(encoding)
    if name == "utf-8":
        return utf8_decoder(errors)(data, path), {}
    return _decode_bytes(name, errors, data, path)


def _decode_bytes(
    encoding: str, errors: DecodeErrors, data: bytes, path: str
) -> tuple[str, dict[str, int]]:
    # UTF-16 holds a NUL byte in every ASCII character; its byte-order mark tells it from binary.
    if errors == "strict" and b"\x00" in data and not data.startswith(UTF16_BOMS):
        decode_text(data, path, errors)  # raises, naming the line of the NUL byte
    detected = encoding == "auto"
    if detected:
        detection = detect(data)
        best_score = detection.candidates[0][1] if detection.candidates else 1.0
        if detection.encoding not in _PLAIN_UNICODE and best_score <= 0:
            # Nothing reads as Vietnamese: more likely broken UTF-8 than a legacy encoding, and
            # an error that names the bad byte's line helps more than a guess.
            return decode_text(data, path, errors), {}
        encoding = detection.encoding
    try:
        decoded = decode(data, encoding, errors=errors)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            path,
            f"cannot be read as {encoding} at byte {error.start} ({error.reason}); "
            "try --errors replace or another --encoding",
            line,
        ) from None
    if detected and encoding not in _PLAIN_UNICODE:
        log.warning(
            "%s: read as %s (detected, confidence %.2f)", path, encoding, detection.confidence
        )
    if decoded.changes:
        log.info("%s: %s", path, ", ".join(f"{k} {n}" for k, n in sorted(decoded.changes.items())))
    return decoded.text, decoded.changes
