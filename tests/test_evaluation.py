from __future__ import annotations

import importlib.util
import random

import pytest

from tachtu.evaluation import score

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
