from __future__ import annotations

import importlib.util
import random

import pytest

from tachtu.evaluation import by_length, disagreements, score

from .conftest import shared_path


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        (
            ["Hà_Nội là thủ_đô"],
            ["Hà_Nội là thủ_đô"],
            "P=100.00 R=100.00 F1=100.00 lines=1 misaligned=0",
        ),
        (
            ["Hà_Nội là thủ_đô"],
            ["Hà_Nội là thủ đô"],
            "P=50.00 R=66.67 F1=57.14 lines=1 misaligned=0",
        ),
        (["Hà_Nội"], ["Hà_Nội ."], "P=50.00 R=100.00 F1=66.67 lines=1 misaligned=1"),
    ],
)
def test_score(gold: list[str], predicted: list[str], expected: str) -> None:
    assert str(score(gold, predicted)) == expected


def test_misaligned_lines_are_numbered() -> None:
    scores = score(["a", "b_c", "d ."], ["a", "b_c .", "d"])
    assert (scores.misaligned, scores.misaligned_lines) == (2, (2, 3))


def test_disagreements_are_cut_at_the_boundaries_both_sides_share() -> None:
    gold = ["Hà_Nội là thủ_đô của Việt_Nam", "cơ_quan_hành_chính nhà_nước", "a b"]
    predicted = ["Hà Nội là thủ_đô của_Việt Nam", "cơ_quan hành_chính nhà_nước", "a b ."]
    assert disagreements(gold, predicted) == {
        ("Hà_Nội", "Hà Nội"): 1,
        ("của Việt_Nam", "của_Việt Nam"): 1,
        ("cơ_quan_hành_chính", "cơ_quan hành_chính"): 1,
    }
    # Each place is one entry however many words it holds; agreeing lines give none, nor do
    # words only spelt apart.
    assert disagreements(gold, gold) == {}
    assert disagreements(["Gía_trần _ cao"], ["Giá_trần _ cao"]) == {}


def test_by_length_counts_words_by_their_syllables() -> None:
    gold = ["cơ_quan_hành_chính nhà_nước ___ Uỷ_ban_thường_vụ_Quốc_hội", "mưa to"]
    predicted = ["cơ_quan hành_chính nhà_nước ___ Uỷ_ban_thường_vụ_Quốc_hội", "mưa_to"]
    rows = by_length(gold, predicted, longest=4)
    # (syllables, gold, found, predicted, correct); a rule of underscores is one unit, and the
    # five syllables of Uỷ_ban_thường_vụ_Quốc_hội count with the 4+
    assert [(r.syllables, r.gold, r.found, r.predicted, r.correct) for r in rows] == [
        (1, 3, 1, 1, 1),
        (2, 1, 1, 4, 1),
        (3, 0, 0, 0, 0),
        (4, 2, 1, 1, 1),
    ]
    assert (rows[0].recall, rows[1].precision, rows[2].recall) == (1 / 3, 0.25, 0.0)


def test_by_length_adds_up_to_the_score() -> None:
    gold = shared_path("data/vlsp2013-ws/dev.txt").read_text(encoding="utf-8").splitlines()[:300]
    rng = random.Random(1)
    predicted = [
        "".join(c if c not in " _" or rng.random() > 0.1 else {" ": "_", "_": " "}[c] for c in line)
        for line in gold
    ]
    rows = by_length(gold, predicted)
    ours = score(gold, predicted)
    found, gold_words = sum(r.found for r in rows), sum(r.gold for r in rows)
    assert sum(r.correct for r in rows) == found
    assert found / gold_words == ours.recall
    assert found / sum(r.predicted for r in rows) == ours.precision


def test_agrees_with_reference_scorer() -> None:
    spec = importlib.util.spec_from_file_location("wseval", shared_path("tools/wseval.py"))
    assert spec and spec.loader
    wseval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wseval)
    gold = shared_path("data/vlsp2013-ws/dev.txt").read_text(encoding="utf-8").splitlines()[:500]
    rng = random.Random(0)
    # Damage the gold at random: joins and splits both ways.
    predicted = [
        "".join(c if c not in " _" or rng.random() > 0.1 else {" ": "_", "_": " "}[c] for c in line)
        for line in gold
    ]
    p, r, f, bad = wseval.score(gold, predicted)
    ours = score(gold, predicted)
    assert (ours.precision, ours.recall, ours.f1, ours.misaligned) == (p, r, f, bad)
