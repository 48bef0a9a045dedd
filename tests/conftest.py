from __future__ import annotations

from pathlib import Path

import pytest

from tachtu.model.lexicon import LongestMatchModel
from tachtu.words import Segmenter

TESTS = Path(__file__).parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
TINY_LEXICON = TESTS / "data" / "tiny-lexicon.txt"


@pytest.fixture(scope="session")
def tiny_segmenter() -> Segmenter:
    """A segmenter over a small fixed word list: outputs do not move when the shipped model does."""
    return Segmenter(LongestMatchModel.load(TINY_LEXICON))


def shared_path(relative: str) -> Path:
    """A path in the shared data beside the checkout; the test is skipped where it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared data not available: {relative}")
    return path
