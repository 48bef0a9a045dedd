from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tachtu.model.lexicon import LongestMatchModel
from tachtu.words import Segmenter

# In CI every run tries the same examples, so that a result can be reproduced and a rare case
# the properties do not cover cannot fail one run in ten; runs elsewhere keep exploring.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

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
