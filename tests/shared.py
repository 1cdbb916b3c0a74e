"""Access to the real public data in ../shared/data (never copied into the project).

Where CI has the data it sets SVD_REQUIRE_SHARED_DATA=1, and a missing file fails the
test loudly instead of skipping it."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SVD_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_path(relative: str) -> Path:
    path = SHARED_DATA / relative
    if not path.exists():
        message = f"shared data file missing: {path}"
        if os.environ.get("SVD_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path
