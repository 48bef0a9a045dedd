"""Which encoding are these bytes in? Read them every way, keep the reading that spells Vietnamese.

Most bytes settle it alone: a byte-order mark, pure ASCII, valid UTF-8 with multi-byte characters
(legacy text is valid UTF-8 only by accident, and accidents get rarer with every byte beyond ASCII).
Otherwise every legacy table reads the bytes and the readings are compared by their evidence: how
many words with marks spell Vietnamese syllables, how many do not, how much debris is left (see
``evidence``). The same goes for ASCII or UTF-8 text that carries VIQR marks. Detection looks at the
first 256 KiB; a file or a single document alike.

>>> detect("Tiếng Việt".encode("utf-8")).encoding, detect(b"Ti\\xd5ng Vi\\xd6t").encoding
('utf-8', 'tcvn3')
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from dataclasses import dataclass

from tachtu.encodings import viqr
from tachtu.encodings._tables import vietnamese_letters
from tachtu.encodings.evidence import Evidence, assess
from tachtu.encodings.legacy import CP1258, TCVN3, VISCII, VNI, vni_case_mismatches
from tachtu.encodings.mojibake import MOJIBAKE, could_hold_utf8_mojibake, repair

__all__ = ["SAMPLE_SIZE", "UTF16_BOMS", "Detection", "detect"]

# What starts UTF-16 text, in either byte order: it alone tells UTF-16 from binary.
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

SAMPLE_SIZE = 1 << 18
"""Bytes that detection reads; a longer input is cut at the last line break before this."""

# In ties the earlier reading wins. Windows-1258 first: it reads Windows-1252 punctuation as it
# is, and VISCII text whose letters all sit at their Latin-1 places (à, é, ô) gives the same text
# read either way, so the tie costs nothing. TCVN3 before VISCII: far more text was written in it.
_LEGACY = (CP1258, VNI, TCVN3, VISCII)
# Each character beyond ASCII in valid UTF-8 counts this much for UTF-8.
_UTF8_WEIGHT = 0.5
# Evidence one reading needs over the next for the confidence to approach its fitness.
_MARGIN_SCALE = 4.0

# Clean Vietnamese UTF-8 (see _clean_vietnamese_utf8): this many letters beyond ASCII at least,
# and beside them few characters beyond ASCII but these, the punctuation of clean text.
_CLEAN_LETTERS = 8
_LETTERS_BEYOND_ASCII = "".join(vietnamese_letters())
_VIETNAMESE_LETTER = re.compile(f"[{_LETTERS_BEYOND_ASCII}]")
_OTHER_NON_ASCII = re.compile(
    f"[^\\x00-\\x7f{_LETTERS_BEYOND_ASCII}\u00a0\u00ab\u00b0\u00b7\u00bb"
    "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026]"
)
# VIQR marks that ordinary text does not put after a vowel (breve, circumflex, horn, grave,
# tilde), or a tone mark inside a word, or "dd" opening a word. English contractions (I'm, we're)
# put an apostrophe after a vowel too; they are not counted.
_VIQR_MARKED = re.compile(
    r"[dD][dD](?=[aeiouyAEIOUY])"
    r"|[aA]\(|[aeoAEO]\^|[ouOU]\+"
    r"|[aeiouyAEIOUY](?:[`~]|[.?](?=[^\W\d_])|'(?!(?:s|m|d|t|ll|re|ve)\b)(?=[^\W\d_]))"
)
_LETTER = re.compile(r"[^\W\d_]")


def _viqr_marks(text: str) -> int:
    """How many VIQR-like marks ``text`` has (``dd`` counts only where a word starts)."""
    # The word-start test is made here on the few dd found rather than as a look-behind in the
    # pattern, which would run at every character: twice the time on news.
    return sum(
        1
        for match in _VIQR_MARKED.finditer(text)
        if match.group()[0] not in "dD"
        or not match.start()
        or not _LETTER.match(text, match.start() - 1)
    )


@dataclass(frozen=True, slots=True)
class Detection:
    """The encoding chosen for some bytes, how sure, and why.

    ``candidates`` lists every reading tried with its evidence score, best first.
    """

    encoding: str
    confidence: float
    reason: str
    candidates: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class _Reading:
    encoding: str
    evidence: Evidence
    bonus: float = 0.0

    @property
    def score(self) -> float:
        return self.evidence.score + self.bonus


def detect(data: bytes) -> Detection:
    """Pick the encoding of ``data``: utf-8, ascii, tcvn3, vni, viscii, cp1258, viqr, or
    utf-16 when a UTF-16 byte-order mark starts it.

    >>> found = detect(CP1258.encode("Người Việt Nam"))
    >>> found.encoding, found.confidence > 0.5
    ('cp1258', True)
    """
    sample = _sample(data)
    if sample.startswith(codecs.BOM_UTF8):
        return Detection("utf-8", 1.0, "UTF-8 byte-order mark")
    if sample.startswith(UTF16_BOMS):
        return Detection("utf-16", 1.0, "UTF-16 byte-order mark")
    if sample.isascii():
        return _ascii_or_viqr(sample.decode("ascii"))
    text, multibyte, invalid = _read_utf8(sample, truncated=len(sample) < len(data))
    if text is not None and (clean := _clean_vietnamese_utf8(text, multibyte)) is not None:
        return clean
    readings: list[_Reading] = []
    mojibake = 0
    if text is not None:
        repaired, counts = repair(unicodedata.normalize("NFC", text))
        mojibake = counts[MOJIBAKE]
        readings.append(_Reading("utf-8", assess(repaired), _UTF8_WEIGHT * multibyte))
        if _viqr_marks(text) >= 2:
            readings.append(_Reading("viqr", assess(viqr.decode(text))))
    for codec in _LEGACY:
        # VNI writes a mark byte in the case of its letter; other bytes read as VNI mix them.
        penalty = vni_case_mismatches(sample) if codec is VNI else 0
        readings.append(_Reading(codec.name, assess(codec.decode(sample, "replace")), -penalty))
    if text is None:
        # Broken UTF-8 (a few bad bytes in a UTF-8 file) last: it wins only on evidence.
        lenient = unicodedata.normalize("NFC", sample.decode("utf-8", "replace"))
        readings.append(_Reading("utf-8", assess(lenient), _UTF8_WEIGHT * multibyte))
    ranked = sorted(readings, key=lambda reading: -reading.score)  # stable: ties keep the order
    best, runner_up = ranked[0], ranked[1]
    margin = best.score - runner_up.score
    certainty = 1.0 - math.exp(-margin / _MARGIN_SCALE)
    if best.encoding == "utf-8" and text is not None:
        # Valid UTF-8 is evidence of its own: legacy text passes only by accident.
        fitness = max(best.evidence.fitness, 1.0 - 0.5 ** (multibyte + 1))
    else:
        fitness = best.evidence.fitness
    reason = _explain(best, runner_up, multibyte, invalid, mojibake)
    return Detection(
        best.encoding,
        round(fitness * certainty, 3),
        reason,
        tuple((reading.encoding, round(reading.score, 1)) for reading in ranked),
    )


def _clean_vietnamese_utf8(text: str, multibyte: int) -> Detection | None:
    """UTF-8 at once for valid UTF-8 whose characters beyond ASCII are Vietnamese letters, with
    at most one in twenty of anything but common punctuation, no mojibake and too few VIQR marks
    to matter; None: look at every reading.

    Comparing readings costs over ten times what segmenting the text does, and for such text its
    outcome is known: legacy bytes that happen to be valid UTF-8 and spell eight Vietnamese
    letters with so little else are too rare to meet. Most real input is such text.
    """
    text = unicodedata.normalize("NFC", text)  # decomposed UTF-8 too
    letters = len(_VIETNAMESE_LETTER.findall(text))
    if letters < _CLEAN_LETTERS:
        return None
    # A letter before a closing quote (ò”) has the shape of mojibake; only a repair tells.
    if could_hold_utf8_mojibake(text) and repair(text)[1]:
        return None
    if 20 * len(_OTHER_NON_ASCII.findall(text)) > letters:
        return None
    # A VIQR reading changes one word a mark, by at most 2 in evidence, against UTF-8's weight of
    # 0.5 a character beyond ASCII: with marks this few it cannot win.
    marks = _viqr_marks(text)
    if marks >= 2 and 8 * marks >= multibyte:
        return None
    reason = f"UTF-8 with {multibyte} characters beyond ASCII, {letters} of them Vietnamese letters"
    return Detection(
        "utf-8",
        round(1.0 - 0.5 ** (multibyte + 1), 3),
        reason,
        # The one reading looked at; its letters stand in for the evidence nobody counted.
        (("utf-8", float(letters + _UTF8_WEIGHT * multibyte)),),
    )


def _sample(data: bytes) -> bytes:
    if len(data) <= SAMPLE_SIZE:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE_SIZE)
    return data[: cut + 1] if cut > 0 else data[:SAMPLE_SIZE]


def _read_utf8(sample: bytes, *, truncated: bool) -> tuple[str | None, int, int]:
    """(text or None when invalid, characters beyond ASCII, invalid bytes)."""
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A sample cut inside a character is still valid UTF-8.
        if (
            truncated
            and error.start >= len(sample) - 3
            and error.reason == "unexpected end of data"
        ):
            text = sample[: error.start].decode("utf-8", "replace")
        else:
            lenient = sample.decode("utf-8", "replace")
            multibyte = sum(not c.isascii() and c != "\ufffd" for c in lenient)
            return None, multibyte, lenient.count("\ufffd")
    return text, len(text) - len(text.encode("ascii", "ignore")), 0


def _ascii_or_viqr(text: str) -> Detection:
    marked = _viqr_marks(text)
    if marked:
        as_viqr = assess(viqr.decode(text))
        if as_viqr.score >= 2 and as_viqr.fitness >= 0.8:
            certainty = 1.0 - math.exp(-as_viqr.score / _MARGIN_SCALE)
            return Detection(
                "viqr",
                round(as_viqr.fitness * certainty, 3),
                f"ASCII with VIQR marks: {as_viqr.syllables} syllables spelled with them",
                (("viqr", float(as_viqr.score)), ("ascii", 0.0)),
            )
    return Detection(
        "ascii",
        1.0 if not marked else 0.9,
        "only ASCII bytes"
        + (f"; {marked} VIQR-like marks do not spell Vietnamese" if marked else ""),
        (("ascii", 0.0),),
    )


def _explain(
    best: _Reading, runner_up: _Reading, multibyte: int, invalid: int, mojibake: int
) -> str:
    evidence = best.evidence
    if best.encoding == "utf-8":
        reason = f"UTF-8 with {multibyte} characters beyond ASCII"
        if invalid:
            reason += f" and {invalid} invalid bytes"
        if mojibake:
            reason += f"; {mojibake} characters of mojibake to repair"
    else:
        reason = (
            f"{best.encoding}: {evidence.syllables} words spell Vietnamese, "
            f"{evidence.misspelled} do not, {evidence.garbage} stray characters"
        )
    return (
        reason
        + f"; next best {runner_up.encoding} (score {runner_up.score:.0f} vs {best.score:.0f})"
    )
