"""rosettagrad's single front door: every test, the conformance matrix, the bench.

    nox                      every test session (what CI runs)
    nox -s conformance       every port side by side against conformance/cases
    nox -s bench             the benchmark against karpathy's micrograd

Sessions run on the Python that runs nox; nox never downloads a Python. A
session whose toolchain (cargo, node, julia) is missing skips and says so.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent

nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = False
# `nox` alone runs the tests; bench, site serving and the demos are asked for by name.
nox.options.sessions = [
    "lint",
    "python",
    "rust",
    "regions",
    "js",
    "julia",
    "parity",
    "conformance_tests",
    "fuzz_smoke",
    "conformance",  # the matrix of every available port, in CI's log
    "site_test",  # last: it reuses conformance-report.json when a conformance run wrote one
]

PYTHON_TEST = ["./python[test]"]
RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"


def require(session: nox.Session, tool: str, what: str) -> str:
    """The path of `tool`, or skip the session saying what is missing."""
    path = shutil.which(tool)
    if path is None:
        session.skip(f"`{tool}` not found on PATH: {what} needs it, so this session did not run.")
    return path


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over every Python file in the repo; mypy --strict over the reference package."""
    session.install(RUFF, MYPY)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "python/src/rosettagrad")


@nox.session
def python(session: nox.Session) -> None:
    """The Python reference: install the package and run its tests."""
    session.install(*PYTHON_TEST)
    # test_rs_*.py test the Rust wheel only: the rust session runs them.
    session.run(
        "pytest", "python/tests", "bench/tests", "--ignore-glob=*/test_rs_*.py", *session.posargs
    )


@nox.session
def rust(session: nox.Session) -> None:
    """The Rust port: fmt, clippy, cargo test; then the wheel passes the reference's API tests."""
    require(session, "cargo", "the Rust port (rust/)")
    session.chdir(ROOT / "rust")
    session.run("cargo", "fmt", "--all", "--check", external=True)
    session.run(
        "cargo", "clippy", "--workspace", "--all-targets", "--", "-D", "warnings", external=True
    )
    session.run("cargo", "test", "--workspace", external=True)
    session.chdir(ROOT)
    session.install("./rust", *PYTHON_TEST)  # maturin builds the abi3 wheel rosettagrad-rs
    session.run("pytest", "python/tests", "--engine", "rosettagrad_rs", *session.posargs)


@nox.session(venv_backend="none")
def js(session: nox.Session) -> None:
    """The JavaScript port: npm ci, node --test (with headless Chromium), tsc --noEmit."""
    require(session, "node", "the JavaScript port (js/)")
    require(session, "npm", "the JavaScript port (js/)")
    env = {"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}  # Debian's chromium, never a download
    with session.chdir(ROOT / "js"):
        session.run("npm", "ci", "--no-audit", "--no-fund", external=True, env=env)
        tests = sorted(f"test/{p.name}" for p in (ROOT / "js/test").glob("*.test.js"))
        session.run("node", "--test", *(session.posargs or tests), external=True, env=env)
        session.run("node", "node_modules/typescript/bin/tsc", "--noEmit", "-p", ".", external=True)


JULIA_SYNTAX = ["tree-sitter==0.25.2", "tree-sitter-julia==0.23.1"]


@nox.session
def julia(session: nox.Session) -> None:
    """The Julia port: julia/test/runtests.jl and the JSON tests, run by the real `julia`.

    Not `Pkg.test()`: Julia 1.5's Pkg clones the General registry first, which is
    unreachable here. The tests need only Base and the stdlib's Test, so they run
    with the package as the active project and nothing else on the load path.
    Where no `julia` exists, a tree-sitter parse of every .jl is all that runs (and
    the session says the tests did NOT run).
    """
    if shutil.which("julia") is None:
        session.install(*JULIA_SYNTAX)
        session.run("python", "julia/syntax_check.py")
        session.warn("`julia` not found on PATH: the Julia tests were NOT run (syntax check only).")
        return
    session.run("julia", "--version", external=True)
    session.run(
        "julia", "--startup-file=no", "--check-bounds=yes", "--project=julia",
        "julia/test/runtests.jl",
        external=True, env={"JULIA_LOAD_PATH": "@:@stdlib"},
    )  # fmt: skip
    session.install("pytest>=8,<10")
    session.run("pytest", "julia/test", *session.posargs)  # test_*.py: checks against Python


@nox.session
def parity(session: nox.Session) -> None:
    """Every public name of the Python reference exists in every port (tests/test_api_parity.py)."""
    session.install("pytest>=8,<10")
    session.run("pytest", "tests/test_api_parity.py", *session.posargs)


CONFORMANCE_TOOLS = ["jsonschema==4.26.0", "./python"]
GOLDEN_TOOLS = ["numpy>=1.26,<3", "autograd==1.9.1", "pytest>=8,<10"]


@nox.session
def conformance(session: nox.Session) -> None:
    """Every port's adapter over conformance/cases: the matrix and conformance-report.json.

    nox -s conformance -- [--impl NAME]... [--require NAME]... [--report PATH] [CASES_PATH ...]
    The harness builds what a port needs (the rust-py wheel into this venv, the cargo binary,
    Julia's environment); a port whose toolchain is missing shows as unavailable.
    """
    session.install(*CONFORMANCE_TOOLS)
    session.run("python", "conformance/harness.py", *session.posargs)


@nox.session
def conformance_tests(session: nox.Session) -> None:
    """The harness's own tests, and the goldens check: committed cases = a fresh generation."""
    session.install(*CONFORMANCE_TOOLS, *GOLDEN_TOOLS)
    session.run("python", "conformance/generate.py", "--check")
    session.run("pytest", "conformance/tests", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks (DESIGN §5): every available port against micrograd 0.1.0, in one run."""
    # Each port is built by bench/run.py through the conformance harness's recipes
    # (the rust-py wheel into this venv), so a failed build is that row's error.
    session.install("./python", "micrograd==0.1.0")
    session.run("python", "bench/run.py", *session.posargs)


# ---- side by side: region check, compare view, demo, site (tools/) ----

PYGMENTS = "pygments==2.21.0"


@nox.session
def regions(session: nox.Session) -> None:
    """Every existing port marks every concept once, non-empty; the tools/ that read them."""
    session.install("pytest>=8,<10", "./python")
    session.run("pytest", "tests/test_regions.py", "tools/tests", *session.posargs)


@nox.session(venv_backend="none")
def compare(session: nox.Session) -> None:
    """One concept's code in every port side by side: `nox -s compare -- tanh`."""
    session.run(sys.executable, "tools/compare.py", *(session.posargs or ["--list"]))


SITE_DEPS = [PYGMENTS, "jsonschema==4.26.0", "./python"]


def build_site(session: nox.Session, *args: str) -> None:
    """npm deps of tools/ (WASM Graphviz, playwright-core), then tools/site/build.py."""
    if shutil.which("npm"):
        session.run("npm", "ci", "--prefix", "tools", "--no-audit", "--no-fund", external=True)
    session.install(*SITE_DEPS)
    session.run("python", "tools/site/build.py", *args)


@nox.session
def site(session: nox.Session) -> None:
    """Build the teaching site into site/; `nox -s site -- --serve` serves it on 127.0.0.1."""
    build_site(session, *session.posargs)


def find_chromium() -> str | None:
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(path).exists():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


@nox.session
def site_test(session: nox.Session) -> None:
    """Build the site, then load every page in headless chromium and save screenshots."""
    require(session, "node", "the site's browser test")
    build_site(session, *session.posargs)
    chromium = find_chromium()
    if chromium is None:
        session.skip(
            "no chromium (/usr/bin/chromium or on PATH): the site was built but the browser "
            "test did not run; install Debian's `chromium` (apt-get install chromium)"
        )
    session.run(
        "node", "tools/site/browser_test.mjs", "site", env={"CHROMIUM": chromium}, external=True
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Same-seed training in every available port, loss per step side by side."""
    session.install("./python")
    session.run("python", "tools/demo.py", *session.posargs)


# ---- reliability: differential fuzzing (fuzz/) ----


@nox.session
def fuzz(session: nox.Session) -> None:
    """Random cases in every available port against the reference; disagreements shrunk.

    nox -s fuzz -- [--seed S] [--budget N] [--impl NAME]... [--report PATH] [--findings PATH]
    Builds what each port needs exactly as `nox -s conformance` does (the harness's plumbing).
    """
    session.install(*CONFORMANCE_TOOLS)
    session.run("python", "-m", "fuzz", *session.posargs)


@nox.session
def fuzz_smoke(session: nox.Session) -> None:
    """nox's fuzz check: a fixed seed, a small budget, every available port; then fuzz/tests."""
    session.install(*CONFORMANCE_TOOLS, "pytest>=8,<10")
    tmp = Path(session.create_tmp())
    session.run(
        "python", "-m", "fuzz", "--seed", "2026", "--budget", "500",
        "--report", str(tmp / "fuzz-report.json"), "--findings", str(tmp / "fuzz-findings.json"),
    )  # fmt: skip
    # The fuzz run just built every port: the adapter tests reuse those builds.
    session.run("pytest", "fuzz/tests", *session.posargs, env={"FUZZ_PREBUILT": "1"})
