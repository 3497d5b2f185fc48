"""Run the API tests against any engine module with the reference's public API.

    pytest python/tests                             # the Python reference
    pytest python/tests --engine rosettagrad_rs     # the Rust wheel, as a drop-in

Tests marked `reference_only` check pure-Python internals: they run only against
`rosettagrad`, and with another engine they are deselected (not collected as skips).
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        default="rosettagrad",
        help="module under test: rosettagrad (default) or rosettagrad_rs",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reference_only: tests of the pure-Python reference")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--engine") == "rosettagrad":
        return
    internal = [item for item in items if "reference_only" in item.keywords]
    if internal:
        config.hook.pytest_deselected(items=internal)
        items[:] = [item for item in items if "reference_only" not in item.keywords]


@pytest.fixture(scope="session")
def rg(pytestconfig: pytest.Config) -> ModuleType:
    """The engine module under test (`from rosettagrad import ...` in user code)."""
    return importlib.import_module(pytestconfig.getoption("--engine"))
