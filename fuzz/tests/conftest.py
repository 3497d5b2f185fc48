"""Shared helpers: the harness module, a fake port with a planted bug, every real port."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fuzz import runner

HERE = Path(__file__).resolve().parent
harness = runner.harness


def fake_port(bug: str, timeout: float = 60.0, required: bool = False) -> runner.Port:
    impl = harness.Impl(f"fake-{bug}", [sys.executable, str(HERE / "fake_adapter.py"), bug])
    status = harness.prepare(impl, timeout, timeout, lambda msg: None)
    assert status.available and not status.broken, status.reason
    status.required = required
    return runner.Port(impl, status, timeout)


@pytest.fixture
def fake():
    return fake_port


TIMEOUT = 120.0


@pytest.fixture(scope="module", params=list(harness.known_impls()))
def adapter(request) -> harness.Impl:
    """Each port's adapter, built (or prebuilt: FUZZ_PREBUILT=1, set by `nox -s fuzz_smoke`
    after its fuzz run built everything). A port whose toolchain is missing, or that is not
    in the tree, is skipped with the harness's reason, except in CI
    (ROSETTAGRAD_REQUIRE_ALL=1) where every port is required and that is a failure; a port
    that is present but fails to build always fails.
    """
    impl = harness.known_impls()[request.param]
    if os.environ.get("FUZZ_PREBUILT"):
        impl.build = None
    status = harness.prepare(impl, TIMEOUT, 1800.0, lambda msg: None)
    if not status.available:
        why = f"{impl.name}: {status.reason}"
        if os.environ.get("ROSETTAGRAD_REQUIRE_ALL") == "1":
            pytest.fail(f"{why} (ROSETTAGRAD_REQUIRE_ALL=1: every port is required)")
        pytest.skip(why)
    assert not status.broken, f"{impl.name} is in the tree but broken: {status.reason}"
    return impl
