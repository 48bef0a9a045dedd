"""Score the word model on legal and political text held out of the training data.

The standard benchmark (VLSP 2013 test) is legal and political essays, while the gold training
and dev text is news, and dev F1 overstates test F1 for this model. This script builds a stand-in
from the training data alone: windows of consecutive training lines (so whole stretches of
articles, document-like) dense in legal and political vocabulary are held out as a proxy set,
every training line with the same letters and digits is removed from all training files, and
the model is trained on the rest and scored on the usual dev files and on the proxy.

The proxy is scored whole and in two parts: the essays (proxy lines whose text is in the legal
and political essays near the end of ``vlsp2013-ws/train.txt``, the genre of the test set, and
the sharper signal) and the news (every other proxy line). The last lines printed are a table of P, R and F1
for dev, UD dev, the proxy and its two parts.

    python scripts/domain_proxy.py --data ../shared/data
    python scripts/domain_proxy.py --data ../shared/data -- --epochs 5   # training options
    python scripts/domain_proxy.py --data ../shared/data --essay-weight 3  # essays kept, x3
    python scripts/domain_proxy.py --data ../shared/data --essay-half 0  # alternate essay blocks

Arguments after ``--`` go to ``python -m tachtu.model.training`` (``--train``, ``--dev`` and
``--output`` are set here). The split files and the model are written to a temporary folder (or
``--split-dir``) outside the repository. No test set is read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tachtu.evaluation import score
from tachtu.model import training
from tachtu.model.gold import gold_lines
from tachtu.model.perceptron import PerceptronModel
from tachtu.normalize import tone_key

# News files that keep articles in order, so that a window of lines is a stretch of articles.
SOURCE_FILES = ("vlsp2013-ws/train.txt", "vlsp2013-pos/train.txt")
# Gold words of legal and political writing, tone marks in the old style (see ``tone_key``).
KEYWORDS = frozenset(
    tone_key(word)
    for word in """
    luật bộ_luật dự_luật pháp_luật luật_pháp pháp_lý pháp_chế hiến_pháp hiến_định
    quốc_hội đại_biểu uỷ_ban_thường_vụ nghị_định nghị_quyết thông_tư văn_bản quy_phạm
    tư_pháp hình_sự dân_sự hành_chính tố_tụng toà_án viện_kiểm_sát thẩm_phán công_tố
    chính_sách thương_mại wto hội_nhập hiệp_định thể_chế chủ_quyền công_dân nghĩa_vụ
    thẩm_quyền ban_hành thi_hành điều_khoản quy_định nhà_nước chính_phủ chế_tài
    tội_phạm xử_lý vi_phạm cải_cách
    """.split()
)
WINDOW = 40
# Lines (0-based, in gold_lines order) of vlsp2013-ws/train.txt that hold its legal and political
# essays, with a little news mixed in: the densest stretch of keywords in the training data
# (0.7 hits a line against 0.1 elsewhere); news again from 67,600 on.
ESSAY_FILE = "vlsp2013-ws/train.txt"
ESSAY_LINES = range(64_000, 67_600)
# --essay-half: blocks of this many essay lines go alternately to the proxy and to training.
ESSAY_BLOCK = 200


def alnum_key(line: str) -> str:
    """Letters and digits of a line, lower-cased: how duplicates across files are found.

    >>> alnum_key("Hà_Nội , 1.000 người .")
    'hànội1000người'
    """
    return "".join(c for c in line.lower() if c.isalnum())


def keyword_hits(line: str) -> int:
    """Number of legal or political words in a gold line.

    >>> keyword_hits("Quốc_hội thông_qua Bộ_luật Hình_sự .")
    3
    """
    return sum(tone_key(word) in KEYWORDS for word in line.split())


def select_windows(lines: list[str], *, window: int, budget: int) -> list[range]:
    """The non-overlapping windows of ``window`` lines with the most keyword hits per line, in
    line order, until they hold ``budget`` lines."""
    hits = [keyword_hits(line) for line in lines]
    windows = [range(a, min(a + window, len(lines))) for a in range(0, len(lines), window)]
    ranked = sorted(windows, key=lambda w: (-sum(hits[i] for i in w) / len(w), w.start))
    chosen: list[range] = []
    total = 0
    for w in ranked:
        if total >= budget:
            break
        chosen.append(w)
        total += len(w)
    return sorted(chosen, key=lambda w: w.start)


def split(
    data: Path,
    out: Path,
    *,
    sentences: int,
    window: int,
    essay_weight: int = 1,
    essay_half: int | None = None,
) -> tuple[list[Path], dict[str, Path]]:
    """Write the training files less the proxy, and the proxy whole, its essay part and its news
    part; return the training paths and the proxy paths by name (``proxy``, ``proxy-essay``,
    ``proxy-news``). ``essay_weight`` > 1 repeats each essay line kept for training that many
    times in place (so in the same fold).

    With ``essay_half`` (0 or 1) the proxy is instead every other block of ``ESSAY_BLOCK`` essay
    lines, starting with block ``essay_half``: the other essays, legal ones among them, stay in
    training, as all of them are in the shipped model's."""
    out.mkdir(parents=True, exist_ok=True)
    per_file = sentences // len(SOURCE_FILES)
    parts: dict[str, list[str]] = {"proxy": [], "proxy-essay": [], "proxy-news": []}
    held: set[str] = set()
    # An essay line is one whose text is in the essay stretch, whichever file it is read from
    # (vlsp2013-pos/train.txt holds copies of many of them).
    essay_lines = gold_lines(data / ESSAY_FILE)[ESSAY_LINES.start : ESSAY_LINES.stop]
    essays = {alnum_key(line) for line in essay_lines}
    for name in SOURCE_FILES:
        lines = gold_lines(data / name)
        if essay_half is None:
            windows = select_windows(lines, window=window, budget=per_file)
        elif name == ESSAY_FILE:
            starts = range(
                ESSAY_LINES.start + essay_half * ESSAY_BLOCK, ESSAY_LINES.stop, 2 * ESSAY_BLOCK
            )
            windows = [range(a, min(a + ESSAY_BLOCK, ESSAY_LINES.stop)) for a in starts]
        else:
            windows = []
        for w in windows:
            # The two files share sentences: each proxy sentence is scored once.
            for line in lines[w.start : w.stop]:
                key = alnum_key(line)
                if key not in held:
                    held.add(key)
                    parts["proxy"].append(line)
                    parts["proxy-essay" if key in essays else "proxy-news"].append(line)
    train_paths = []
    for name in training.DEFAULT_TRAINING_FILES:
        kept = []
        for line in gold_lines(data / name):
            key = alnum_key(line)
            if key not in held:
                kept += [line] * (essay_weight if key in essays else 1)
        path = out / name.replace("/", "-")
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
        train_paths.append(path)
        print(f"{name}: {len(kept)} lines kept", file=sys.stderr)
    paths = {}
    for part, lines in parts.items():
        if not lines:
            continue
        paths[part] = out / f"{part}.txt"
        paths[part].write_text("\n".join(lines) + "\n", encoding="utf-8")
        words = sum(len(line.split()) for line in lines)
        print(f"{part}: {len(lines)} lines, {words} words -> {paths[part]}", file=sys.stderr)
    return train_paths, paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--sentences", type=int, default=3000, help="lines to select (before duplicates go)"
    )
    parser.add_argument("--window", type=int, default=WINDOW, help="lines per selected window")
    parser.add_argument("--split-dir", type=Path, help="where to write the split (default: temp)")
    parser.add_argument(
        "--essay-weight", type=int, default=1, help="times each essay line kept is trained on"
    )
    parser.add_argument(
        "--essay-half",
        type=int,
        choices=(0, 1),
        help="hold out every other block of essay lines instead of the legal windows",
    )
    parser.add_argument("training_args", nargs="*", help="after --: options for the trainer")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        out = args.split_dir or Path(temp)
        train_paths, proxy_paths = split(
            args.data,
            out,
            sentences=args.sentences,
            window=args.window,
            essay_weight=args.essay_weight,
            essay_half=args.essay_half,
        )
        model_path = out / "model.npz"
        status = training.main(
            [
                "--data",
                str(args.data),
                "--train",
                *map(str, train_paths),
                "--dev",
                *training.DEFAULT_DEV_FILES,
                str(proxy_paths["proxy"].resolve()),
                "--output",
                str(model_path),
                *args.training_args,
            ]
        )
        if status:
            return status
        gold = {name: args.data / name for name in training.DEFAULT_DEV_FILES} | proxy_paths
        print_scores(PerceptronModel.load(model_path), gold)
        return 0


def print_scores(model: PerceptronModel, gold_files: dict[str, Path]) -> None:
    """A Markdown table of P, R and F1 (%) of ``model`` on each gold file."""
    print("| set | lines | P | R | F1 |")
    print("|---|---|---|---|---|")
    for name, path in gold_files.items():
        gold = gold_lines(path)
        result = score(gold, training.segment_lines(model, gold))
        print(
            f"| {name} | {result.lines} | {result.precision * 100:.2f} "
            f"| {result.recall * 100:.2f} | {result.f1 * 100:.2f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
