"""How Vietnamese does a decoded text look? Counts that detection and repair compare.

A right decoding spells almost every word that has letters beyond ASCII as a Vietnamese syllable
and leaves no debris; a wrong one misspells most of them (``nộy``, ``Vieät``) and strews symbols and
control characters between letters (``c¸c``, ``Viá»‡t``).

>>> good, bad = assess("Tiếng Việt"), assess("TiÕng ViÖt")
>>> (good.syllables, good.misspelled), (bad.syllables, bad.misspelled), good.score > bad.score
((2, 0), (0, 2), True)
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from tachtu.encodings.spelling import is_syllable

__all__ = ["Evidence", "assess"]

_WORD = re.compile(r"[^\W\d_]+")
# Never in clean text: C0 and C1 controls, the replacement character, lone surrogates (bytes kept
# by "surrogateescape"), and combining marks that NFC could not attach to a letter.
_DEBRIS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ufffe\ud800-\udfff\u0300-\u036f]")
# Symbols glued to a letter: what legacy letters look like when read as Latin-1 (c¸c) or
# Windows-1252 (Ngu€›). Quotes, apostrophes and dashes glue to words in clean text too.
_GLUED = "\xa1-\xbf\xd7\xf7€‚ƒ„†‡ˆ‰‹›•˜™"
_SYMBOL_IN_WORD = re.compile(f"(?<=[^\\W\\d_])[{_GLUED}]|[{_GLUED}](?=[^\\W\\d_])")
_VOWEL = re.compile("[aeiouyAEIOUY]")  # searched in NFD, where ắ is a + marks


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words beyond ASCII that spell Vietnamese syllables, words that do not, and debris."""

    syllables: int
    misspelled: int
    garbage: int

    @property
    def score(self) -> int:
        """Net evidence for this reading; compare it between readings of the same bytes."""
        return self.syllables - self.misspelled - self.garbage

    @property
    def fitness(self) -> float:
        """Share of the evidence that speaks for this reading; 0.0 when there is none."""
        total = self.syllables + self.misspelled + self.garbage
        return self.syllables / total if total else 0.0


def assess(text: str) -> Evidence:
    """Count the evidence in NFC ``text``.

    >>> assess("Hello “world” c¸c")
    Evidence(syllables=0, misspelled=0, garbage=1)
    """
    syllables = misspelled = 0
    if not text.isascii():
        for word in _WORD.findall(text):
            if word.isascii():
                continue
            if is_syllable(word) and not _mixed_case(word):
                syllables += 1
            elif _VOWEL.search(unicodedata.normalize("NFD", word)):
                misspelled += 1
            # else: no vowel at all, an abbreviation (ĐHQG, BĐS): no evidence either way
    garbage = len(_DEBRIS.findall(text)) + len(_SYMBOL_IN_WORD.findall(text))
    return Evidence(syllables, misspelled, garbage)


def _mixed_case(word: str) -> bool:
    """A capital after a small letter (``BiƠn``): wrong tables put capitals mid-word."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))
