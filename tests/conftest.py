"""Shared test settings: a bounded hypothesis profile and the location of the shared data."""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "tinygrad_lite",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile("tinygrad_lite")

# ../shared/data beside the checkout (CI puts ../shared there), unless the env var says otherwise
SHARED_DATA = Path(
    os.environ.get("TINYGRAD_LITE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
