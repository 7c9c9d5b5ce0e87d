"""Shared test configuration: hypothesis profiles and file helpers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, max_examples=40, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# A "proved" that fails its independent re-check raises SoundnessError in the tests
# (and in every CLI subprocess they start) instead of degrading to "unknown".
os.environ["URNN_SYM_STRICT_RECHECK"] = "1"


@pytest.fixture
def write_json(tmp_path: Path):
    """Write a JSON document (or raw text) to a temporary file and return its path."""

    def write(data: Any, name: str = "doc.json", raw: bool = False) -> Path:
        path = tmp_path / name
        path.write_text(data if raw else json.dumps(data), encoding="utf-8")
        return path

    return write
