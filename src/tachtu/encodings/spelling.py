"""Is this a well-spelled Vietnamese syllable? The evidence that detection weighs.

Text decoded with the wrong table still looks like letters (``Viỷt``, ``nộy``, ``c¸c``) but almost
never spells Vietnamese: each syllable is an optional onset, a rhyme from a closed list, and at most
one tone mark, and a rhyme closed by ``c``, ``ch``, ``p`` or ``t`` takes only the sắc or nặng tone.
(``ăk`` is there for the Central Highlands names Đắk and Lắk.)
The lists come from Vietnamese orthography, not from any corpus.

>>> is_syllable("Nguyễn"), is_syllable("nghiêng"), is_syllable("Viỷt"), is_syllable("tềt")
(True, True, False, False)
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from tachtu.encodings._tables import TONE_MARKS

__all__ = ["is_syllable"]

_ONSETS = frozenset("b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split())
_LONGEST_ONSET = max(map(len, _ONSETS))

# Every written rhyme: medial, nucleus and final together, without the tone mark.
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăk ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot ooc oong
    oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    uân uâng uât uây uê uêch uênh uơ uy uya uych uyên uyêt uynh uyp uyt uyu
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêt yêu
    """.split()
)
_STOP_FINALS = ("c", "ch", "k", "p", "t")
_STOP_TONES = ("\u0301", "\u0323")  # sắc, nặng


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """True when ``word`` (any case, NFC or not) is spelled as one Vietnamese syllable.

    >>> [is_syllable(w) for w in ("quốc", "gì", "giữa", "khuya", "ĐỘ", "cák")]
    [True, True, True, True, True, False]
    """
    parts = unicodedata.normalize("NFD", word.lower())
    tones = [mark for mark in parts if mark in TONE_MARKS]
    if len(tones) > 1:
        return False
    tone = tones[0] if tones else ""
    letters = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
    for size in range(min(_LONGEST_ONSET, len(letters) - 1), -1, -1):
        onset, rhyme = letters[:size], letters[size:]
        if size and onset not in _ONSETS:
            continue
        if onset == "qu":
            # "qu" owns the medial u: quân, quynh, quýt are qu + (u)ân, (u)ynh, (u)yt.
            if rhyme[0] in "uư":
                continue
            if rhyme not in _RHYMES:
                rhyme = "u" + rhyme
        if rhyme in _RHYMES and (not rhyme.endswith(_STOP_FINALS) or tone in _STOP_TONES):
            return True
    return False
