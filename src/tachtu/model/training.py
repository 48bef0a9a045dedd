"""Train the perceptron word model from gold segmented text.

Gold text is one sentence a line with the syllables of a word joined by ``_`` (VLSP style), or
CoNLL-U or CoNLL-X (``.conllu``, ``.conll``; a form's syllables separated by spaces, as in UD,
or by ``_``, as in VnDT). Each line is tokenized the way the
segmenter tokenizes raw text (:func:`tachtu.syllables.split_syllables` on the line with ``_`` made
a space), and every unit gets a label: does it continue the gold word of the unit before it?

Lexicon features are computed out of fold: the sentences are cut into ``--folds`` contiguous
blocks and each block sees a lexicon built from the other blocks only, so the model learns how far
a lexicon built from other text can be trusted, not that every training word is in it.

Rebuild the shipped model (run from the repository root; about 40 s on one core)::

    python -m tachtu.model.training --data ../shared/data

It prints dev F1 for ``vlsp2013-ws/dev.txt`` (98.76), ``ud-vtb/dev.txt`` (98.64), the
lower-cased VLSP dev set (98.14) and that set without its marks (98.07). Training needs the
compiled core (``pip install -e .`` builds it).

The legal and political essays of the VLSP training file (``DEFAULT_REGISTER_TEXT``) are written
to another convention than its news (long institution names are one word), and they are the genre
of the VLSP 2013 test set. Each line gets a formal-register test computed from its syllables alone
(:func:`tachtu.model.register.compute_register_scores`), and formal lines fire a second copy of every feature, so the
model learns both conventions and picks by the line in front of it.

``main(argv)`` is the entry point the ``tachtu train`` command calls; ``train`` is the function
for programs:

>>> model, report = train(["Hà_Nội là thủ_đô ."] * 3, epochs=2, folds=2, weight_bits=16)
>>> list(model.joins(["Hà", "Nội", "là", "thủ", "đô", "."]))
[False, True, False, False, True, False]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from types import ModuleType

import numpy as np

from tachtu.evaluation import score
from tachtu.model import WordModel
from tachtu.model.augment import (
    case_augmented,
    paragraph_augmented,
    punctuation_stripped,
    robustness_forms,
)
from tachtu.model.features import N_TEMPLATES, syllable_shape
from tachtu.model.gold import GoldFileError, gold_lines, labeled_units, located
from tachtu.model.perceptron import FORMAT_VERSION, PerceptronModel, encode_lines
from tachtu.model.register import (
    compute_register_scores,
    read_register_scores,
    read_register_text,
)
from tachtu.normalize import normalize, place_tone, tone_key
from tachtu.syllables import split_syllables

__all__ = [
    "DEFAULT_TRAINING_FILES",
    "GoldFileError",
    "TrainingReport",
    "gold_lines",
    "main",
    "segment_lines",
    "train",
]

log = logging.getLogger(__name__)

DEFAULT_TRAINING_FILES = (
    "vlsp2013-ws/train.txt",
    "vlsp2013-pos/train.txt",
    "viettreebank/train.txt",
    "ud-vtb/train.txt",
)
DEFAULT_DEV_FILES = ("vlsp2013-ws/dev.txt", "ud-vtb/dev.txt")
# The legal and political essays near the end of the VLSP training file (gold_lines indices): the
# only text of the test set's genre in the training data, and annotated differently from the news
# (long institution names joined). They teach the formal register
# (:mod:`tachtu.model.register`).
DEFAULT_REGISTER_TEXT = "vlsp2013-ws/train.txt:64000-67600"
DEFAULT_OUTPUT = "src/tachtu/model/data/words.npz"
ALL_TEMPLATES = (1 << N_TEMPLATES) - 1
# The register's arguments to the compiled trainer when there is no register.
_NO_REGISTER = (np.zeros(0, dtype=np.int8), 0, 0)
# The format of model files whose features are hashed with mix64 (feature hash 1).
_FORMAT_OF_MIX64 = 2
# Feature ids below this are reserved: shapes of rare syllables (0-7), sentence start and end.
_FIRST_FEATURE_ID = 16


@dataclass
class TrainingReport:
    """What a training run did: sizes, errors per epoch, and dev scores (F1 in %)."""

    sentences: int = 0
    syllables: int = 0
    vocabulary: int = 0
    lexicon_words: int = 0
    epoch_errors: list[int] = field(default_factory=list)
    raw_syllables: int = 0
    mined_words: int = 0
    dev: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Corpus:
    units: list[str]
    labels: np.ndarray
    starts: np.ndarray  # sentence s is units[starts[s]:starts[s + 1]]


def _corpus(lines: Iterable[str]) -> _Corpus:
    units: list[str] = []
    labels: list[int] = []
    starts = [0]
    for line in lines:
        line_units, line_labels = labeled_units(line)
        if not line_units:
            continue
        units += line_units
        labels += line_labels
        starts.append(len(units))
    return _Corpus(units, np.array(labels, dtype=np.uint8), np.array(starts, dtype=np.int64))


def _words(ids: np.ndarray, labels: np.ndarray, starts: np.ndarray) -> list[tuple[int, tuple]]:
    """(sentence index, id tuple) of every gold word of two or more units."""
    word_starts = np.flatnonzero(labels == 0)
    sentence_of = np.searchsorted(starts, word_starts, side="right") - 1
    ends = np.append(word_starts[1:], len(labels))
    id_list = ids.tolist()
    return [
        (int(s), tuple(id_list[a:e]))
        for a, e, s in zip(word_starts.tolist(), ends.tolist(), sentence_of.tolist(), strict=True)
        if e - a >= 2
    ]


def _compiled() -> ModuleType:
    try:
        from tachtu.model import _core
    except ImportError as error:  # pragma: no cover - only where the extension is not built
        raise RuntimeError(
            "training needs tachtu's compiled core; reinstall with a C compiler: pip install -e ."
        ) from error
    return _core


def _span_table(words: Sequence[tuple]) -> np.ndarray:
    insert_spans = _compiled().insert_spans

    entries = sum(len(w) - 1 for w in words)
    size = 2
    while size < 3 * entries:
        size *= 2
    table = np.zeros(size, dtype=np.uint64)
    if words:
        flat = np.fromiter((i for w in words for i in w), dtype=np.uint32)
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        insert_spans(table, flat, lengths)
    return table


MINED_TEMPLATES = (27, 28, 29, 31)


@dataclass
class _Data:
    """Gold corpus as flat arrays, with the vocabulary and out-of-fold lexicons."""

    units: list[str]
    labels: np.ndarray
    starts: np.ndarray
    ids: np.ndarray
    fids: np.ndarray
    shapes: np.ndarray
    fold_of: np.ndarray
    vocabulary: list[str]
    key_ids: dict[str, int]
    featmap: np.ndarray
    lexicons: list[np.ndarray]  # lexicons[f]: the words of every fold but f
    final_lexicon: np.ndarray
    lexicon_words: int
    register: tuple = ()  # (scores by syllable id, threshold, templates) or nothing
    feature_hash: int = 2  # 2: one multiplication; 1: mix64, as models before format 3


def _prepare(
    lines: Sequence[str],
    *,
    folds: int,
    min_count: int,
    extra_words: Sequence[str],
    max_word_syllables: int,
) -> _Data:
    corpus = _corpus(lines)
    n_sentences = len(corpus.starts) - 1
    keys = [tone_key(u) for u in corpus.units]
    counts = Counter(keys)
    extra = [[tone_key(s) for s in split_syllables(w)] for w in extra_words]
    for word in extra:
        counts.update({k: 0 for k in word if k not in counts})
    vocabulary = sorted(counts, key=lambda k: (-counts[k], k))
    key_ids = {k: i + 1 for i, k in enumerate(vocabulary)}
    featmap = np.full(len(vocabulary) + 1, -1, dtype=np.int32)
    frequent = [i + 1 for i, k in enumerate(vocabulary) if counts[k] >= min_count]
    featmap[frequent] = np.arange(_FIRST_FEATURE_ID, _FIRST_FEATURE_ID + len(frequent))

    ids = np.array([key_ids[k] for k in keys], dtype=np.uint32)
    shapes = np.array([syllable_shape(u) for u in corpus.units], dtype=np.uint8)
    fids = featmap[ids]
    fids = np.where(fids < 0, shapes, fids).astype(np.uint32)

    # Out-of-fold lexicons: contiguous blocks keep a document's names inside one fold.
    fold_of = (np.arange(n_sentences) * max(folds, 1) // max(n_sentences, 1)).astype(np.uint8)
    folds_of_word: dict[tuple, int] = {}
    for sentence, word_ids in _words(ids, corpus.labels, corpus.starts):
        folds_of_word[word_ids] = folds_of_word.get(word_ids, 0) | 1 << int(fold_of[sentence])
    all_folds = (1 << folds) - 1
    for word in extra:
        if len(word) >= 2:
            folds_of_word[tuple(key_ids[k] for k in word)] = all_folds
    folds_of_word = {w: m for w, m in folds_of_word.items() if len(w) <= max_word_syllables}
    final_lexicon = _span_table(sorted(folds_of_word))
    lexicons = [
        _span_table([w for w, mask in folds_of_word.items() if mask & ~(1 << f)])
        for f in range(folds)
    ] or [final_lexicon]
    return _Data(
        corpus.units,
        corpus.labels,
        corpus.starts,
        ids,
        fids,
        shapes,
        fold_of,
        vocabulary,
        key_ids,
        featmap,
        lexicons,
        final_lexicon,
        len(folds_of_word),
    )


def _fit(
    data: _Data,
    sentences: np.ndarray,
    mined: Sequence[np.ndarray],
    *,
    epochs: int,
    weight_bits: int,
    templates: int,
    seed: int,
    errors: list[int] | None = None,
) -> np.ndarray:
    """Averaged perceptron weights after ``epochs`` shuffled passes over ``sentences``."""
    train_epoch = _compiled().train_epoch
    weights = np.zeros(1 << weight_bits, dtype=np.float32)
    totals = np.zeros(1 << weight_bits, dtype=np.float32)
    counter = 1.0
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(sentences).astype(np.int64)
        counter, wrong = train_epoch(
            weights,
            totals,
            counter,
            data.ids,
            data.fids,
            data.shapes,
            data.labels,
            data.starts,
            order,
            data.fold_of,
            data.lexicons,
            list(mined),
            templates,
            *(data.register or _NO_REGISTER),
            data.feature_hash,
        )
        if errors is not None:
            errors.append(int(wrong))
        log.info("epoch %d: %d wrong boundaries", epoch + 1, wrong)
    return (weights.astype(np.float64) - totals.astype(np.float64) / counter).astype(np.float32)


def _model_arrays(
    data: _Data, weights: np.ndarray, lexicon: np.ndarray, mined: np.ndarray, templates: int
) -> dict[str, np.ndarray]:
    index = np.flatnonzero(weights).astype(np.uint32)
    surfaces = _surface_forms(data.vocabulary, data.units)
    return (
        {
            # feature hash 1 gives the files of format 2, which readers of format 2 still read
            "format_version": np.array(
                FORMAT_VERSION if data.feature_hash == 2 else _FORMAT_OF_MIX64, dtype=np.int32
            ),
            "templates": np.array(templates, dtype=np.uint32),
            "weight_bits": np.array(len(weights).bit_length() - 1, dtype=np.int32),
            "weight_index": index,
            "weight_value": weights[index],
            "keys": encode_lines(data.vocabulary),
            "surface_text": encode_lines(surfaces),
            "surface_code": np.array(
                [data.key_ids[tone_key(s)] << 3 | syllable_shape(s) for s in surfaces],
                dtype=np.int64,
            ),
            "featmap": data.featmap,
            "lexicon": lexicon,
            "mined": mined,
        }
        | _register_arrays(data.register)
        | _feature_hash_arrays(data.feature_hash)
    )


def _feature_hash_arrays(feature_hash: int) -> dict[str, np.ndarray]:
    return {} if feature_hash == 1 else {"feature_hash": np.array(feature_hash, dtype=np.int32)}


def _register_arrays(register: tuple) -> dict[str, np.ndarray]:
    if not register:
        return {}
    scores, threshold, templates = register
    return {
        "register_scores": scores,
        "register_threshold": np.array(threshold, dtype=np.int32),
        "register_templates": np.array(templates, dtype=np.uint32),
    }


def _register_scores(scores: Mapping[str, int], key_ids: Mapping[str, int]) -> np.ndarray:
    """Register score by syllable id (int8) from scores by syllable (any tone style)."""
    table = np.zeros(len(key_ids) + 1, dtype=np.int8)
    for syllable, value in scores.items():
        syllable_id = key_ids.get(tone_key(syllable))
        if syllable_id is not None:
            table[syllable_id] = max(-127, min(127, value))
    return table


def train(
    lines: Sequence[str],
    *,
    epochs: int = 10,
    folds: int = 10,
    weight_bits: int = 20,
    min_count: int = 2,
    templates: int = ALL_TEMPLATES,
    extra_words: Sequence[str] = (),
    max_word_syllables: int = 12,
    raw_text: Callable[[], Iterable[str]] | None = None,
    mined_min_count: int = 5,
    mining_epochs: int = 5,
    case_augment: float = 0.0,
    paragraph_augment: float = 0.0,
    register_text: Sequence[str] = (),
    register_scores: Mapping[str, int] | None = None,
    register_threshold: int = 90,
    register_templates: int = ALL_TEMPLATES,
    punctuation_augment: float = 0.0,
    feature_hash: int = 2,
    seed: int = 1,
    dev: Mapping[str, Sequence[str]] | None = None,
) -> tuple[PerceptronModel, TrainingReport]:
    """Train a model on gold ``_``-joined lines; score it on ``dev`` (name -> gold lines).

    ``extra_words`` (syllables separated by spaces) join the lexicon of every fold and of the
    final model. ``folds=0`` gives every sentence the full lexicon (in-sample, for comparison);
    ``max_word_syllables`` leaves longer words out of the lexicon.

    ``raw_text`` (a function returning an iterable of raw lines) turns on the mined lexicon: a
    model trained without each fold segments the raw text, and the words it writes at least
    ``mined_min_count`` times become that fold's second lexicon; the final model's mined lexicon
    comes from a model trained on all the gold.

    ``paragraph_augment`` adds, for that fraction of the sentences, a copy run on into the next
    sentence: gold sentences end at their final mark, and without these the model never sees a
    full stop with text after it, as it is in every paragraph it will segment.
    ``case_augment`` adds a lower-cased copy of that fraction of the sentences (and an upper-cased
    copy of a quarter as many), so text typed without capitals still segments well.

    ``register_text`` (gold lines of formal writing; those of them among ``lines`` count) turns on
    the formal register: each syllable gets a score, how much more often it occurs in those lines
    than in the others (:func:`~tachtu.model.register.compute_register_scores`; or give
    ``register_scores``, syllable -> small integer). A line whose units' scores sum to at least ``register_threshold`` per hundred units
    is formal, and there the templates of the ``register_templates`` mask fire a second copy of
    their feature, so the model can learn a different convention for that register. Training
    lines and the lines segmented later are marked by the same test, computed from the line alone.
    Deterministic for a given ``seed``.
    """
    began = time.perf_counter()
    report = TrainingReport()
    if register_text and register_scores is None:
        register_scores = compute_register_scores(lines, register_text)
    if paragraph_augment > 0:
        lines = paragraph_augmented(lines, paragraph_augment)
    if case_augment > 0:
        lines = case_augmented(lines, case_augment)
    if punctuation_augment > 0:
        lines = punctuation_stripped(lines, punctuation_augment)
    data = _prepare(
        lines,
        folds=folds,
        min_count=min_count,
        extra_words=extra_words,
        max_word_syllables=max_word_syllables,
    )
    data.feature_hash = feature_hash
    if register_scores and register_templates:
        data.register = (
            _register_scores(register_scores, data.key_ids),
            register_threshold,
            register_templates & templates,
        )
    n_sentences = len(data.starts) - 1
    report.sentences, report.syllables = n_sentences, len(data.units)
    report.vocabulary, report.lexicon_words = len(data.vocabulary), data.lexicon_words
    everyone = np.arange(n_sentences, dtype=np.int64)
    no_table = np.zeros(1, dtype=np.uint64)

    if raw_text is None:
        templates &= ~sum(1 << t for t in MINED_TEMPLATES)
        mined = [no_table] * len(data.lexicons)
        final_mined = no_table
    else:
        mined, final_mined = _mined_lexicons(
            data,
            raw_text,
            min_count=mined_min_count,
            epochs=mining_epochs,
            weight_bits=weight_bits,
            templates=templates,
            seed=seed,
            report=report,
        )
    weights = _fit(
        data,
        everyone,
        mined,
        epochs=epochs,
        weight_bits=weight_bits,
        templates=templates,
        seed=seed,
        errors=report.epoch_errors,
    )
    model = PerceptronModel(
        _model_arrays(data, weights, data.final_lexicon, final_mined, templates)
    )
    for name, gold in (dev or {}).items():
        predicted = segment_lines(model, gold)
        report.dev[name] = round(score(gold, predicted).f1 * 100, 2)
    report.seconds = round(time.perf_counter() - began, 1)
    return model, report


def _mined_lexicons(
    data: _Data,
    raw_text: Callable[[], Iterable[str]],
    *,
    min_count: int,
    epochs: int,
    weight_bits: int,
    templates: int,
    seed: int,
    report: TrainingReport,
) -> tuple[list[np.ndarray], np.ndarray]:
    """One mined lexicon per fold (from a model that never saw the fold) and one from all."""
    plain = templates & ~sum(1 << t for t in MINED_TEMPLATES)
    no_table = np.zeros(1, dtype=np.uint64)
    folds = len(data.lexicons)
    n_sentences = len(data.starts) - 1
    miners = []
    for f in range(folds + 1):
        keep = np.flatnonzero(data.fold_of != f) if f < folds else np.arange(n_sentences)
        weights = _fit(
            data,
            keep.astype(np.int64),
            [no_table] * folds,
            epochs=epochs,
            weight_bits=weight_bits,
            templates=plain,
            seed=seed,
        )
        lexicon = data.lexicons[f] if f < folds else data.final_lexicon
        miners.append(PerceptronModel(_model_arrays(data, weights, lexicon, no_table, plain)))
    hashes: list[list[np.ndarray]] = [[] for _ in miners]
    spans: dict[int, tuple[int, ...]] = {}
    chunk: list[list[str]] = []
    size = 0
    for line in raw_text():
        units = split_syllables(line)
        if units:
            chunk.append(units)
            size += len(units)
        if size >= 1_000_000:
            _count_words(miners, chunk, hashes, spans)
            report.raw_syllables += size
            chunk, size = [], 0
    if chunk:
        _count_words(miners, chunk, hashes, spans)
        report.raw_syllables += size
    tables = []
    for per_model in hashes:
        values, counts = np.unique(
            np.concatenate(per_model or [np.zeros(0, np.uint64)]), return_counts=True
        )
        words = sorted(spans[h] for h in values[counts >= min_count].tolist())
        tables.append(_span_table(words))
        report.mined_words = len(words)
    return tables[:-1], tables[-1]


def _np_span_step(h: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Vectorized ``span_step`` of ``_core.c`` (uint64 arithmetic wraps like C)."""
    x = h ^ (ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019))
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _count_words(
    miners: Sequence[PerceptronModel],
    chunk: list[list[str]],
    hashes: list[list[np.ndarray]],
    spans: dict[int, tuple[int, ...]],
) -> None:
    """Add the span hashes of the multi-syllable words each miner writes in ``chunk``."""
    total = sum(len(units) for units in chunk)
    ids = np.fromiter(
        (miners[0]._code(u) >> 3 for units in chunk for u in units), dtype=np.uint32, count=total
    )
    with np.errstate(over="ignore"):
        for model, found in zip(miners, hashes, strict=True):
            flags = np.fromiter(
                chain.from_iterable(model.joins_batch(chunk)), dtype=bool, count=total
            )
            starts = np.flatnonzero(~flags)
            lengths = np.diff(np.append(starts, total))
            for length in range(2, 13):
                at = starts[lengths == length]
                if not len(at):
                    continue
                span_ids = [ids[at + k] for k in range(length)]
                known = np.logical_and.reduce([x != 0 for x in span_ids])
                at = at[known]
                h = _np_span_step(
                    np.full(len(at), 0x5BD1E9955BD1E995, dtype=np.uint64), span_ids[0][known]
                )
                for k in range(1, length):
                    h = _np_span_step(h, span_ids[k][known])
                found.append(h)
                new = [i for i, v in enumerate(h.tolist()) if v not in spans]
                for i in new:
                    start = int(at[i])
                    spans[int(h[i])] = tuple(ids[start : start + length].tolist())


def _surface_forms(vocabulary: Sequence[str], units: Iterable[str]) -> list[str]:
    """Spellings the model file maps straight to codes: each key lower-case and capitalized, in
    both tone-mark styles, and every unit seen in training. Others go through ``tone_key``."""
    forms = set(units)
    for key in vocabulary:
        for form in {key, place_tone(key, "old")}:
            forms.add(form)
            forms.add(form[:1].upper() + form[1:])
    return sorted(f for f in forms if f and "\n" not in f)


def segment_lines(model: WordModel, gold: Sequence[str]) -> list[str]:
    """Segment the raw text of gold lines (``_`` made a space) with ``model``."""
    batch = [split_syllables(line.replace("_", " ")) for line in gold]
    out = []
    for units, joins in zip(batch, model.joins_batch(batch), strict=True):
        out.append("".join(("_" if j else " ") + u for u, j in zip(units, joins, strict=True))[1:])
    return out


def raw_lines(paths: Sequence[Path], limit: int = 0) -> Iterator[str]:
    """Normalized lines of raw text files: ``.jsonl.gz`` (a ``text`` field a line) or plain text.

    ``limit`` > 0 stops after that many lines.
    """
    count = 0
    for path in paths:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for row in f:
                text = json.loads(row).get("text", "") if ".jsonl" in str(path) else row
                for line in normalize(text).split("\n"):
                    if not line.strip():
                        continue
                    yield line
                    count += 1
                    if limit and count >= limit:
                        return


def parse_templates(disable: str) -> int:
    """Template bit mask from a comma-separated list of template numbers to leave out."""
    mask = ALL_TEMPLATES
    for part in filter(None, disable.split(",")):
        if "-" in part:
            low, high = (int(x) for x in part.split("-"))
            for t in range(low, high + 1):
                mask &= ~(1 << t)
        else:
            mask &= ~(1 << int(part))
    return mask


def _register_text(data: Path, spec: str) -> list[str]:
    if spec == "none":
        return []
    if spec == DEFAULT_REGISTER_TEXT and not located(data, spec.partition(":")[0]).exists():
        # Training on other data: no essays to learn the formal register from, and no need.
        log.warning("no %s: training without the formal register", spec)
        return []
    return read_register_text(data, spec)


def main(argv: Sequence[str] | None = None, prog: str = "python -m tachtu.model.training") -> int:
    """Command line: train, score on dev, write the model file. Returns an exit code."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Train tachtu's word model from gold segmented text.",
        epilog=f"example: {prog} --data ../shared/data --output model.npz",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--data",
        default="../shared/data",
        help="folder the default files are in; a file named below that is not found as given is "
        "looked for there",
    )
    parser.add_argument(
        "--train",
        nargs="+",
        default=list(DEFAULT_TRAINING_FILES),
        help="gold files (_-joined text, .conllu or .conll)",
    )
    parser.add_argument("--dev", nargs="*", default=list(DEFAULT_DEV_FILES), help="gold files")
    parser.add_argument(
        "--output",
        default=DEFAULT_OUTPUT,
        help="model file to write (.npz); the default is the shipped model's place in a checkout "
        "of tachtu, run from its root",
    )
    parser.add_argument("--no-save", action="store_true", help="score only (for ablations)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--folds", type=int, default=10, help="0: in-sample lexicon")
    parser.add_argument("--weight-bits", type=int, default=20, help="log2 of the weight table size")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument(
        "--max-word-syllables", type=int, default=12, help="longest lexicon word kept"
    )
    parser.add_argument("--disable", default="", help="template numbers to leave out: 13,19-20")
    parser.add_argument("--extra-words", help="file of extra lexicon words, one a line")
    parser.add_argument(
        "--raw",
        nargs="*",
        default=[],
        help='raw text to mine a second lexicon from: .jsonl.gz news ({"text": ...}) or .txt',
    )
    parser.add_argument("--raw-lines", type=int, default=0, help="read at most this many lines")
    parser.add_argument("--mined-min-count", type=int, default=5)
    parser.add_argument("--mining-epochs", type=int, default=5)
    parser.add_argument(
        "--paragraph-augment",
        type=float,
        default=0.3,
        help="fraction of sentences also trained run on into the next sentence",
    )
    parser.add_argument(
        "--case-augment",
        type=float,
        default=0.1,
        help="fraction of sentences also trained lower-cased (a quarter of that upper-cased)",
    )
    parser.add_argument(
        "--feature-hash",
        type=int,
        choices=(1, 2),
        default=2,
        help="how features find their weights: 2, one multiplication; 1, mix64 (format 2 files)",
    )
    parser.add_argument(
        "--punctuation-augment",
        type=float,
        default=0.0,
        help="fraction of sentences also trained without their marks",
    )
    parser.add_argument(
        "--register-text",
        default=DEFAULT_REGISTER_TEXT,
        help="gold lines of formal writing, FILE or FILE:START-END (lines), that teach the formal "
        "register; 'none': no register",
    )
    parser.add_argument(
        "--register-scores",
        help="file of register scores, one 'syllable score' a line, instead of --register-text",
    )
    parser.add_argument(
        "--register-threshold", type=int, default=90, help="register score per 100 units"
    )
    parser.add_argument(
        "--register-templates",
        default="0-31",
        help="templates with a copy in the formal register: 13-15,24",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--predict", help="write the first dev file's predictions here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    data = Path(args.data)
    # Every file named, before minutes of reading and training: a missing one is a usage error.
    named = [*args.train, *args.dev, *args.raw]
    named += [args.register_scores] if args.register_scores else []
    if args.register_text not in ("none", DEFAULT_REGISTER_TEXT):  # the default may be absent
        named.append(args.register_text.partition(":")[0])
    missing = [
        f"{name} (nor {data / name})" if not Path(name).is_absolute() else name
        for name in named
        if not located(data, name).is_file()
    ]
    if args.extra_words and not Path(args.extra_words).is_file():
        missing.append(args.extra_words)
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    written = [] if args.no_save else [("--output", args.output)]
    written += [("--predict", args.predict)] if args.predict else []
    for option, path in written:  # before training, not after it
        if not Path(path).resolve().parent.is_dir():
            parser.error(f"{option} {path}: no such folder {Path(path).parent}")
    lines: list[str] = []
    try:
        for name in args.train:
            lines += gold_lines(located(data, name))
        dev = {name: gold_lines(located(data, name)) for name in args.dev}
    except GoldFileError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1
    if args.dev:
        # Lower-cased input and text without punctuation are robustness targets: report them
        # beside the dev files themselves.
        dev |= robustness_forms(args.dev[0], dev[args.dev[0]])
    extra: list[str] = []
    if args.extra_words:
        extra = [w.strip() for w in Path(args.extra_words).read_text("utf-8").split("\n") if w]
    model, report = train(
        lines,
        epochs=args.epochs,
        folds=args.folds,
        weight_bits=args.weight_bits,
        min_count=args.min_count,
        templates=parse_templates(args.disable),
        extra_words=extra,
        max_word_syllables=args.max_word_syllables,
        raw_text=(lambda: raw_lines([located(data, r) for r in args.raw], args.raw_lines))
        if args.raw
        else None,
        mined_min_count=args.mined_min_count,
        mining_epochs=args.mining_epochs,
        case_augment=args.case_augment,
        paragraph_augment=args.paragraph_augment,
        register_text=_register_text(data, args.register_text),
        register_scores=read_register_scores(located(data, args.register_scores))
        if args.register_scores
        else None,
        register_threshold=args.register_threshold,
        register_templates=ALL_TEMPLATES & ~parse_templates(args.register_templates),
        punctuation_augment=args.punctuation_augment,
        feature_hash=args.feature_hash,
        seed=args.seed,
        dev=dev,
    )
    print(json.dumps(report.__dict__, ensure_ascii=False))
    if args.predict and args.dev:
        Path(args.predict).write_text(
            "\n".join(segment_lines(model, dev[args.dev[0]])) + "\n", encoding="utf-8"
        )
    if not args.no_save:
        model.save(args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
