"""Legacy Vietnamese encodings: read TCVN3, VNI, VISCII, Windows-1258, VIQR and UTF-8 into NFC.

``decode`` turns bytes into clean NFC text and says what it did; with ``encoding="auto"`` (the
default) it first detects the encoding. ``encode`` writes text back into any of them, which is what
round-trip tests and benchmarks need. ``repair_mojibake`` fixes text that was already decoded wrongly
(``Viá»‡t Nam``, ``ViÖt Nam``).

Known losses, by the design of the encodings themselves:

- TCVN3 (VN3) has no toned capitals; they are written with the lower-case code (ABC users set them
  in an all-capitals font). Decoding restores them where the context shows capitals: lines of
  capitals, words whose other letters are capitals (``THủY`` -> ``THỦY``), the first letter of a
  line or sentence. Elsewhere (``Đông Nam Á`` mid-sentence) they come back lower case, and a line
  that really opens with a small toned vowel gets a capital (``restore_case=False`` turns this off).
- VISCII has no room for characters beyond ASCII other than Vietnamese letters (no curly quotes,
  dashes or NBSP); TCVN3 and VNI carry the Windows-1252 punctuation of 0x80-0x9F, not Latin-1
  letters (their bytes are Vietnamese letters there).
- VIQR cannot write ``đ`` right after another letter (``GĐ``), nor a word-final tone that its
  decoder reads as punctuation (only in misspelled words such as ``hôì``); see ``viqr``.

>>> data = encode("Tiếng Việt có dấu", "vni")
>>> data
b'Tie\\xe1ng Vie\\xe4t co\\xf9 da\\xe1u'
>>> decoded = decode(data)
>>> decoded.text, decoded.encoding, decoded.detected
('Tiếng Việt có dấu', 'vni', True)
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from tachtu.encodings import viqr
from tachtu.encodings.detection import UTF16_BOMS, Detection, detect
from tachtu.encodings.legacy import (
    CASE_RESTORED,
    CP1258,
    TCVN3,
    VISCII,
    VNI,
    ByteCodec,
    restore_tcvn3_capitals,
)
from tachtu.encodings.mojibake import needs_repair, repair, repair_mojibake
from tachtu.normalize import is_nfc, to_nfc

__all__ = [
    "ENCODINGS",
    "UTF16_BOMS",
    "Decoded",
    "Detection",
    "canonical_name",
    "decode",
    "decodes_to_itself",
    "detect",
    "encode",
    "repair_mojibake",
    "restore_tcvn3_capitals",
]

_BYTE_CODECS: dict[str, ByteCodec] = {codec.name: codec for codec in (TCVN3, VNI, VISCII, CP1258)}
_ALIASES = {
    "utf-8": ("utf8", "utf-8-sig"),
    "utf-16": ("utf16",),  # with its byte-order mark, as Windows Notepad saves "Unicode"
    "ascii": ("us-ascii",),
    "tcvn3": ("abc", "tcvn-3", "tcvn5712-3", "vn3", "vscii-3"),
    "vni": ("vni-windows", "vni-win"),
    "viscii": ("viscii1.1", "viscii-1.1"),
    "cp1258": ("windows-1258", "win1258", "cp-1258"),
    "viqr": ("vietnet",),
}
ENCODINGS: tuple[str, ...] = tuple(
    name for canonical, aliases in _ALIASES.items() for name in (canonical, *aliases)
)
"""Every name ``decode`` and ``encode`` accept, canonical names first in each group. ``decode``
also takes ``auto``. Case, ``_`` and spaces do not matter (``VNI_Windows`` is ``vni-windows``)."""

_CANONICAL = {
    alias: canonical for canonical in _ALIASES for alias in (canonical, *_ALIASES[canonical])
}

_BOM = codecs.BOM_UTF8

# Change kinds reported in Decoded.changes.
COMPOSED = "composed"
REPLACED = "replaced"


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with what was done to get it.

    ``changes`` counts each kind of change: ``mojibake`` (characters repaired),
    ``mojibake_unrepaired`` (runs recognized but beyond repair), ``composed`` (combining marks
    joined to their letter for NFC), ``replaced`` (undecodable bytes replaced under
    ``errors="replace"``), ``case_restored`` (TCVN3 capitals put back). ``reason`` says why
    detection chose the encoding (empty when it was given).
    """

    text: str
    encoding: str
    detected: bool
    confidence: float
    changes: dict[str, int] = field(default_factory=dict)
    reason: str = ""


@functools.lru_cache(maxsize=64)
def canonical_name(encoding: str) -> str:
    """The canonical name for any accepted name or alias; ``ValueError`` for an unknown one.

    >>> canonical_name("ABC"), canonical_name("Windows_1258"), canonical_name("auto")
    ('tcvn3', 'cp1258', 'auto')
    """
    key = re.sub(r"[\s_]+", "-", encoding.strip().lower())
    if key == "auto":
        return key
    try:
        return _CANONICAL[key]
    except KeyError:
        raise ValueError(
            f"unknown encoding {encoding!r}; expected auto or one of {', '.join(ENCODINGS)}"
        ) from None


def decode(
    data: bytes,
    encoding: str = "auto",
    *,
    errors: str = "strict",
    fix_mojibake: bool = True,
    restore_case: bool = True,
) -> Decoded:
    """Decode ``data`` to NFC text; ``encoding="auto"`` detects the encoding first.

    ``errors`` works as in ``bytes.decode``: with ``strict`` an undecodable byte raises
    ``UnicodeDecodeError`` (a ``ValueError``) whose message gives its byte offset; with ``auto`` it
    applies to the encoding found (detection reads the first 256 KiB). ``fix_mojibake``
    repairs mojibake in the decoded text; ``restore_case`` puts back TCVN3 capitals (see the module
    notes).

    >>> decode(b"Vi\\xd6t Nam", "abc").text
    'Việt Nam'
    >>> decode("Viá»‡t Nam".encode("utf-8")).changes
    {'mojibake': 1}
    """
    name = canonical_name(encoding)
    detected = name == "auto"
    confidence, reason = 1.0, ""
    if detected:
        detection = detect(data)
        name, confidence, reason = detection.encoding, detection.confidence, detection.reason
    counts: Counter[str] = Counter()
    if name in _BYTE_CODECS:
        text = _BYTE_CODECS[name].decode(data, errors)
    elif name == "utf-16":
        text = data.decode("utf-16", errors)
    else:
        # The UTF-8 codec itself where no BOM is to be skipped: utf-8-sig goes through a Python
        # wrapper, which counts on many short records.
        codec = "ascii" if name == "ascii" else "utf-8-sig" if data[:3] == _BOM else "utf-8"
        text = data.decode(codec, errors)
        if name == "viqr":
            text = viqr.decode(text)
    if errors == "replace":
        # U+FFFD already in the bytes was not put there by this decoding.
        counts[REPLACED] = text.count("\ufffd") - data.count("\ufffd".encode())
    composed = to_nfc(text)
    if composed is not text:  # to_nfc hands back text itself when it is NFC
        counts[COMPOSED] = len(text) - len(composed)
        text = composed
    if fix_mojibake:
        text, repairs = repair(text)
        if repairs:
            text = unicodedata.normalize("NFC", text)
            counts.update(repairs)
    if name == "tcvn3" and restore_case:
        text, counts[CASE_RESTORED] = restore_tcvn3_capitals(text)
    changes = {kind: count for kind, count in counts.items() if count}
    return Decoded(text, name, detected, confidence, changes, reason)


def decodes_to_itself(text: str) -> bool:
    """Whether ``decode`` of the UTF-8 of ``text`` gives ``text`` back with no changes: it is
    NFC, holds nothing that mojibake repair would look at, and starts with no BOM.

    >>> decodes_to_itself("Hòa “Bình”"), decodes_to_itself("Ho\u0300a"), decodes_to_itself("HÃ²a")
    (True, False, False)
    """
    if text.isascii():
        return True
    return not needs_repair(text) and is_nfc(text) and not text.startswith("\ufeff")


def encode(text: str, encoding: str, *, errors: str = "strict") -> bytes:
    """Encode ``text`` (made NFC first) in ``encoding``; ``errors`` works as in ``str.encode``.

    A character the encoding cannot hold raises ``UnicodeEncodeError`` (a ``ValueError``) giving
    its offset in the NFC text. TCVN3 writes toned capitals with the lower-case code (see above).

    >>> encode("Đà Nẵng", "viscii"), encode("Đà Nẵng", "viqr")
    (b'\\xd0\\xe0 N\\xc7ng', b'DDa` Na(~ng')
    """
    name = canonical_name(encoding)
    if name == "auto":
        raise ValueError("encode needs an explicit encoding, not auto")
    text = unicodedata.normalize("NFC", text)
    if name in _BYTE_CODECS:
        return _BYTE_CODECS[name].encode(text, errors)
    if name == "viqr":
        return viqr.encode(text, errors).encode("utf-8")
    return text.encode(name, errors)
