"""rosettagrad's single front door: every test, the conformance matrix, the bench.

    nox                      every test session (what CI runs)
    nox -s conformance       every port side by side against conformance/cases
    nox -s bench             the benchmark against karpathy's micrograd
    nox -s dist dist_test    every package into dist/, then each tested installed

Sessions run on the Python that runs nox; nox never downloads a Python. A
session whose toolchain (cargo, node, julia, chromium) is missing skips and says so;
with ROSETTAGRAD_REQUIRE_ALL=1 (set by .ci/run) it fails instead, and conformance,
fuzz_smoke and demo require every port (`--require NAME` for each impl).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent

nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = False
# `nox` alone runs the tests; bench, site serving and the demos are asked for by name.
nox.options.sessions = [
    "toolchains",  # first: says which ports this machine can test (CI: all, or it fails)
    "lint",
    "python",
    "rust",
    "regions",
    "js",
    "julia",
    "parity",
    "readme",
    "conformance_tests",
    "fuzz_smoke",
    "version",
    "dist",  # dist/: the sdists, wheels and npm tarball
    "dist_test",  # ... installed and tested (reuses dist/ from the `dist` session just before)
    "conformance",  # the matrix of every available port, in CI's log
    "site_test",  # last: it reuses conformance-report.json when a conformance run wrote one
    "pipeline",  # the CI path itself: a hidden toolchain fails it
]

PYTHON_TEST = ["./python[test]"]
RUFF = "ruff==0.17.6"
MYPY = "mypy==2.4.1"


# CI's switch: every toolchain must be there and every port must run (.ci/run sets it).
REQUIRE_ALL = os.environ.get("ROSETTAGRAD_REQUIRE_ALL") == "1"
# Every port the harness knows (conformance/harness.py known_impls; tests/test_pipeline.py
# keeps the two in step).
IMPLS = ["python", "rust-py", "rust", "js", "julia"]
# The toolchains CI needs, and what needs each.
TOOLCHAINS = {
    "cargo": "the Rust port (rust/) and its Python wheel (rust-py)",
    "node": "the JavaScript port (js/) and the site's browser test",
    "npm": "the JavaScript port (js/) and the site's browser test",
    "julia": "the Julia port (julia/)",
    "chromium": "the site's browser test (tools/site/browser_test.mjs)",
}


def which(tool: str) -> str | None:
    return find_chromium() if tool == "chromium" else shutil.which(tool)


def missing(session: nox.Session, why: str) -> None:
    """Skip the session saying why; with ROSETTAGRAD_REQUIRE_ALL=1 (CI) fail it instead."""
    if REQUIRE_ALL:
        session.error(f"{why} (ROSETTAGRAD_REQUIRE_ALL=1: a missing toolchain is an error)")
    session.skip(f"{why}, so this session did not run.")


def require(session: nox.Session, tool: str, what: str) -> str:
    """The path of `tool`, or skip the session saying what is missing (fail in CI)."""
    path = which(tool)
    if path is None:
        missing(session, f"`{tool}` not found on PATH: {what} needs it")
    return path


def required_impls() -> list[str]:
    """`--require NAME` for every port when ROSETTAGRAD_REQUIRE_ALL=1, else nothing."""
    return [arg for name in IMPLS for arg in ("--require", name)] if REQUIRE_ALL else []


@nox.session(venv_backend="none")
def toolchains(session: nox.Session) -> None:
    """Which toolchains are here; with ROSETTAGRAD_REQUIRE_ALL=1 any missing one fails (CI)."""
    absent = []
    for tool, what in TOOLCHAINS.items():
        path = which(tool)
        session.log(f"{tool}: {path or 'MISSING'} ({what})")
        if path is None:
            absent.append(f"`{tool}` not found on PATH: {what} cannot be tested")
    if absent:
        missing(session, "; ".join(absent))


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
        if REQUIRE_ALL:
            require(session, "julia", "the Julia port (julia/)")
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


@nox.session
def readme(session: nox.Session) -> None:
    """Every code example of the READMEs, run in its language (tests/test_readme.py)."""
    session.install("pytest>=8,<10", "./python")
    if which("cargo"):
        session.install("./rust")  # the rosettagrad_rs example; without cargo that test skips
    session.run("pytest", "tests/test_readme.py", *session.posargs)


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
    session.run("python", "conformance/harness.py", *required_impls(), *session.posargs)


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
    """Every existing port marks every concept once, non-empty; the tools/ that read them.

    tools/tests also runs every command of conformance/PORTING.md (the harness needs jsonschema).
    """
    session.install("pytest>=8,<10", "./python", "jsonschema==4.26.0")
    session.run("pytest", "tests/test_regions.py", "tools/tests", *session.posargs)


@nox.session(venv_backend="none")
def compare(session: nox.Session) -> None:
    """One concept's code in every port side by side: `nox -s compare -- tanh`."""
    session.run(sys.executable, "tools/compare.py", *(session.posargs or ["--list"]))


SITE_DEPS = [PYGMENTS, "markdown==3.11.3", "jsonschema==4.26.0", "./python"]


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
    require(session, "chromium", "the site's browser test (apt-get install chromium)")
    chromium = find_chromium()
    build_site(session, *session.posargs)
    session.run(
        "node", "tools/site/browser_test.mjs", "site", env={"CHROMIUM": chromium}, external=True
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Same-seed training in every available port, loss per step side by side."""
    session.install("./python")
    session.run("python", "tools/demo.py", *required_impls(), *session.posargs)


@nox.session
def pipeline(session: nox.Session) -> None:
    """The CI path itself: with a toolchain hidden from PATH, .ci/run fails and names the port."""
    session.install("pytest>=8,<10", "nox==2026.10.20")
    session.run("pytest", "tests/test_pipeline.py", *session.posargs)


# ---- reliability: differential fuzzing (fuzz/) ----


@nox.session
def fuzz(session: nox.Session) -> None:
    """Random cases in every available port against the reference; disagreements shrunk.

    nox -s fuzz -- [--seed S] [--budget N] [--impl NAME]... [--adapter NAME=COMMAND]...
                   [--report PATH] [--findings PATH]
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
        "python", "-m", "fuzz", "--seed", "2026", "--budget", "500", *required_impls(),
        "--report", str(tmp / "fuzz-report.json"), "--findings", str(tmp / "fuzz-findings.json"),
    )  # fmt: skip
    # The fuzz run just built every port: the adapter tests reuse those builds.
    session.run("pytest", "fuzz/tests", *session.posargs, env={"FUZZ_PREBUILT": "1"})


# ---- distribution: dist/ holds what a release uploads; dist_test installs it (RELEASING.md) ----

DIST = ROOT / "dist"
DIST_TOOLS = [
    "maturin==1.16.0",
    "ziglang==0.17.1",  # maturin --zig: link against manylinux2014's glibc 2.17 from any Linux
    "build==1.6.1",
    "twine==7.0.0",
    "auditwheel==6.8.2",
]
MANYLINUX = "manylinux_2_17_x86_64"


def project_version() -> str:
    """The one version (tests/test_version.py checks that every manifest agrees)."""
    return str(json.loads((ROOT / "js/package.json").read_text())["version"])


def artifacts(version: str) -> dict[str, Path]:
    """dist/'s files by role; check_artifacts.py checks the names and the contents."""
    return {
        "rs_sdist": DIST / f"rosettagrad_rs-{version}.tar.gz",
        "rs_wheel": next(DIST.glob(f"rosettagrad_rs-{version}-cp310-abi3-*.whl"), DIST / "none"),
        "py_sdist": DIST / f"rosettagrad-{version}.tar.gz",
        "py_wheel": DIST / f"rosettagrad-{version}-py3-none-any.whl",
        "npm": DIST / f"rosettagrad-{version}.tgz",
    }


@nox.session(name="version")
def one_version(session: nox.Session) -> None:
    """One version in the five manifests and the adapters' `describe` (tests/test_version.py)."""
    require(session, "node", "the JS adapter's `describe`")
    session.install("pytest>=8,<10", "tomli>=2; python_version < '3.11'")
    session.run("pytest", "tests/test_version.py", *session.posargs)


@nox.session
def dist(session: nox.Session) -> None:
    """Every package into a fresh dist/, checked: contents, metadata, auditwheel, twine --strict.

    The rosettagrad-rs sdist and abi3 manylinux2014 wheel, the rosettagrad sdist and wheel,
    the npm tarball (RELEASING.md).
    """
    require(session, "cargo", "the rosettagrad-rs wheel")
    require(session, "npm", "the npm tarball")
    session.install(*DIST_TOOLS)
    shutil.rmtree(DIST, ignore_errors=True)
    DIST.mkdir()
    # maturin --zig runs `python -m ziglang` with the first python on PATH: this venv's.
    session.run("python", "-m", "ziglang", "version")
    with session.chdir(ROOT / "rust"):
        session.run("maturin", "sdist", "--out", str(DIST))
        session.run(
            "maturin", "build", "--release", "--zig", "--compatibility", "manylinux2014",
            "--out", str(DIST),
        )  # fmt: skip
    session.run("python", "-m", "build", "--outdir", str(DIST), "python")
    with session.chdir(ROOT / "js"):
        session.run("npm", "pack", "--pack-destination", str(DIST), external=True)
    version = project_version()
    session.run("python", "tests/packaging/check_artifacts.py", str(DIST), version)
    found = artifacts(version)
    shown = str(session.run("auditwheel", "show", str(found["rs_wheel"]), silent=True))
    print(shown)
    # auditwheel wraps its text to the terminal's width: compare with the spaces folded.
    if f'consistent with the following platform tag: "{MANYLINUX}"' not in " ".join(shown.split()):
        session.error(f"auditwheel does not give {found['rs_wheel'].name} the tag {MANYLINUX}")
    python_artifacts = [str(p) for k, p in found.items() if k != "npm"]
    session.run("twine", "check", "--strict", *python_artifacts)


def path_without_rust() -> str:
    """PATH less every folder holding cargo or rustc: a user's machine without Rust."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(
        d for d in dirs if d and not any((Path(d) / t).exists() for t in ("cargo", "rustc"))
    )


def fresh_venv(session: nox.Session, name: str) -> Path:
    """A new virtualenv of the Python that runs nox, under the session's tmp folder."""
    venv = Path(session.create_tmp()).resolve() / name
    session.run(sys.executable, "-m", "venv", "--clear", str(venv), external=True)
    return venv


@nox.session(venv_backend="none", requires=["dist"])
def dist_test(session: nox.Session) -> None:
    """The artifacts in dist/, installed (not the tree), pass their tests.

    - the rosettagrad-rs wheel and the rosettagrad wheel, in a fresh virtualenv whose PATH has
      no cargo or rustc: the reference's tests on each (--engine rosettagrad_rs for the wheel);
    - the rosettagrad-rs sdist builds and installs where cargo is;
    - the npm tarball installs into an empty folder, imports by name and type-checks.
    """
    version = project_version()
    found = artifacts(version)
    missing = [str(p) for p in found.values() if not p.exists()]
    if missing:
        session.error(f"not in dist/: {missing}; run `nox -s dist` first")
    tmp = Path(session.create_tmp()).resolve()
    away = tmp / "cwd"  # pytest and the checks run here: nothing of the tree on sys.path
    away.mkdir(exist_ok=True)
    check = str(ROOT / "tests/packaging/check_installed.py")
    tests = str(ROOT / "python/tests")
    pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]

    # 1. The wheels, without Rust.
    venv = fresh_venv(session, "wheels")
    no_rust = {"PATH": os.pathsep.join([str(venv / "bin"), path_without_rust()])}
    py = str(venv / "bin" / "python")
    with session.chdir(away):
        session.run(
            py, "-c", "import shutil; assert not (shutil.which('cargo') or shutil.which('rustc'))",
            env=no_rust, external=True,
        )  # fmt: skip
        wheels = [f"{found['py_wheel']}[test]", str(found["rs_wheel"])]
        session.run(py, *pip, *wheels, env=no_rust, external=True)
        for module in ("rosettagrad", "rosettagrad_rs"):
            session.run(py, check, module, version, env=no_rust, external=True)
        pytest = [py, "-m", "pytest", tests, "-p", "no:cacheprovider"]
        # As the `python` session: the reference's tests, test_rs_* left to the wheel's run.
        session.run(*pytest, f"--ignore-glob={tests}/test_rs_*.py", env=no_rust, external=True)
        # As the `rust` session: every API test against the wheel.
        session.run(*pytest, "--engine", "rosettagrad_rs", env=no_rust, external=True)

    # 2. The rosettagrad-rs sdist, built by pip where cargo is (a platform without a wheel).
    require(session, "cargo", "building the rosettagrad-rs sdist")
    venv = fresh_venv(session, "sdist")
    py = str(venv / "bin" / "python")
    with session.chdir(away):
        session.run(py, *pip, str(found["rs_sdist"]), external=True)
        session.run(py, check, "rosettagrad_rs", version, external=True)

    # 3. The npm tarball in an empty folder, as a user installs it.
    require(session, "npm", "the npm tarball's install test")
    user = tmp / "npm-user"
    shutil.rmtree(user, ignore_errors=True)
    user.mkdir()
    for f in ("package.json", "consumer.mjs", "consumer.ts", "tsconfig.json"):
        shutil.copy(ROOT / "tests/packaging" / f, user / f)
    shutil.copy(found["npm"], user / found["npm"].name)
    tsc = ROOT / "js/node_modules/typescript/bin/tsc"
    if not tsc.exists():  # js/'s pinned devDependency, as the `js` session installs it
        env = {"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}
        session.run(
            "npm", "ci", "--prefix", "js", "--no-audit", "--no-fund", env=env, external=True
        )
    with session.chdir(user):
        tarball = f"./{found['npm'].name}"
        session.run("npm", "install", "--no-audit", "--no-fund", tarball, external=True)
        session.run("node", "consumer.mjs", version, external=True)
        session.run("node", str(tsc), "-p", ".", external=True)
