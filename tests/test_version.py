"""One version: the five manifests, their lock files, the in-code versions and every
conformance adapter's `describe` agree (RELEASING.md says where a release bumps it).

    nox -s version
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def toml(path: str) -> dict[str, Any]:
    return tomllib.loads((ROOT / path).read_text())


def manifests() -> dict[str, str]:
    """The version each of the five manifests declares."""
    return {
        "rust/Cargo.toml [workspace.package]": toml("rust/Cargo.toml")["workspace"]["package"][
            "version"
        ],
        "rust/pyproject.toml": toml("rust/pyproject.toml")["project"]["version"],
        "python/pyproject.toml": toml("python/pyproject.toml")["project"]["version"],
        "js/package.json": json.loads((ROOT / "js/package.json").read_text())["version"],
        "julia/Project.toml": toml("julia/Project.toml")["version"],
    }


VERSION = manifests()["python/pyproject.toml"]


def test_the_five_manifests_declare_one_version() -> None:
    found = manifests()
    assert set(found.values()) == {VERSION}, f"the manifests disagree: {found}"


def test_the_version_is_semver() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION


def test_every_crate_takes_the_workspace_version() -> None:
    for member in toml("rust/Cargo.toml")["workspace"]["members"]:
        package = toml(f"rust/{member}/Cargo.toml")["package"]
        assert package["version"] == {"workspace": True}, f"rust/{member}/Cargo.toml"


def test_the_lock_files_follow() -> None:
    lock = json.loads((ROOT / "js/package-lock.json").read_text())
    assert (lock["version"], lock["packages"][""]["version"]) == (VERSION, VERSION)
    crates = toml("rust/Cargo.toml")["workspace"]["members"]
    locked = {p["name"]: p["version"] for p in toml("rust/Cargo.lock")["package"]}
    assert {c: locked.get(c) for c in crates} == {c: VERSION for c in crates}, "rust/Cargo.lock"


def describe(command: list[str], env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [*command, "describe"],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"{command} describe: {proc.stderr}"
    return str(json.loads(proc.stdout)["implementation"]["version"])


def test_the_python_adapter_describes_the_version() -> None:
    # The tree's reference (python/src first on sys.path), whatever this venv has installed.
    src = {"PYTHONPATH": str(ROOT / "python/src")}
    assert describe([sys.executable, "-m", "rosettagrad.conformance"], src) == VERSION


def test_the_js_adapter_describes_the_version() -> None:
    node = shutil.which("node")
    assert node is not None, "`node` not found on PATH: the JS adapter's version is unchecked"
    assert describe([node, "js/conformance.js"]) == VERSION


def test_the_rust_versions_come_from_cargo() -> None:
    """The crate's VERSION is Cargo's; the adapter and the wheel's __version__ use it."""
    lib = (ROOT / "rust/rosettagrad/src/lib.rs").read_text()
    assert 'pub const VERSION: &str = env!("CARGO_PKG_VERSION");' in lib
    adapter = (ROOT / "rust/rosettagrad-conformance/src/main.rs").read_text()
    assert re.search(r'"version":\s*rg::VERSION\b', adapter), "the rust adapter's describe"
    wheel = (ROOT / "rust/rosettagrad-py/src/lib.rs").read_text()
    assert re.search(r'm\.add\("__version__",\s*rg::VERSION\)', wheel), "rosettagrad_rs"
    for path in (ROOT / "rust").glob("*/src/**/*.rs"):
        assert f'"{VERSION}"' not in path.read_text(), f"{path} spells the version out"


def test_the_julia_adapter_reads_the_project_version() -> None:
    """`describe`'s version comes from julia/Project.toml (read, or Pkg's pkgversion)."""
    adapter = (ROOT / "julia/conformance/adapter.jl").read_text()
    entry = re.search(r'"version"\s*=>\s*(.+)', adapter)
    assert entry is not None, "adapter.jl's describe has no version entry"
    assert not re.search(r'"\d', entry.group(1)), f"a literal version: {entry.group(0)}"
    assert "Project.toml" in adapter or "pkgversion(RosettaGrad)" in adapter
    for path in (ROOT / "julia").glob("**/*.jl"):
        assert f'"{VERSION}"' not in path.read_text(), f"{path} spells the version out"


def test_the_changelog_starts_at_the_version() -> None:
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    released = [h for h in headings if h != "Unreleased"]
    assert released and released[0] == VERSION, f"CHANGELOG.md's latest release: {released[:1]}"
