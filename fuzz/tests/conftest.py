"""Shared helpers: the harness module, and a fake port with a planted bug."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fuzz import runner

HERE = Path(__file__).resolve().parent
harness = runner.harness


def fake_port(bug: str, timeout: float = 60.0) -> runner.Port:
    impl = harness.Impl(f"fake-{bug}", [sys.executable, str(HERE / "fake_adapter.py"), bug])
    status = harness.prepare(impl, timeout, timeout, lambda msg: None)
    assert status.available and not status.broken, status.reason
    return runner.Port(impl, status, timeout)


@pytest.fixture
def fake():
    return fake_port
