"""Every code example of the READMEs runs, in its own language, as a reader would run it.

Each fenced block in a port's language (python, rust, js, julia) carries an HTML
comment just above it (invisible on the page), as in conformance/PORTING.md:

    <!-- test: run -->                         the block runs and exits 0
    <!-- test: run; output contains "X" -->    ... and prints X (the mark may repeat it)
    <!-- test: side by side: A | B -->         two ports in two columns: both run, same output
    <!-- test: doctest -->                     rust/README.md only: `cargo test` runs it (lib.rs)
    <!-- test: browser; output contains "X" --> an html page: headless Chromium shows X


Python runs on this interpreter (the session installs ./python and, with cargo, ./rust);
JavaScript runs in node with `rosettagrad` resolved to js/ as `npm install ./js` would;
Julia runs with julia/ as the active project; Rust is compiled in a throwaway crate
that depends on rust/rosettagrad by path; a page is served over HTTP from a folder
laid out as the repository (js/ beside it) and its DOM read from Debian's chromium.
A block whose toolchain (or the rosettagrad_rs wheel) is missing skips, except with
ROSETTAGRAD_REQUIRE_ALL=1 (CI), where it fails.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READMES = ["README.md", "python/README.md", "rust/README.md", "js/README.md", "julia/README.md"]
LANGS = {"python": "Python", "rust": "Rust", "js": "JavaScript", "julia": "Julia"}
CODE = {*LANGS, "html"}  # what a reader would copy and run (sh, toml: commands and config)
BLOCK = re.compile(
    r"(?:^<!-- test: (?P<mark>.*?) -->\n)?^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.S | re.M
)
CONTAINS = re.compile(r'^output contains "(?P<text>[^"]+)"$')
SIDE_BY_SIDE = re.compile(r"^side by side: (?P<left>\w+) \| (?P<right>\w+)$")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
REQUIRE_ALL = os.environ.get("ROSETTAGRAD_REQUIRE_ALL") == "1"
TIMEOUT = 600


@dataclass(frozen=True)
class Example:
    readme: str
    line: int
    lang: str
    mark: str | None
    body: str

    @property
    def name(self) -> str:
        return f"{self.readme}:{self.line}"


def examples(readme: str, text: str | None = None) -> list[Example]:
    """The fenced blocks of one README (text given: parse that instead of the file)."""
    if text is None:
        text = (ROOT / readme).read_text(encoding="utf-8")
    return [
        Example(readme, text.count("\n", 0, m.start("body")), m["lang"], m["mark"], m["body"])
        for m in BLOCK.finditer(text)
    ]


def code_examples() -> list[Example]:
    return [ex for readme in READMES for ex in examples(readme) if ex.lang in CODE]


def unmarked(exs: list[Example]) -> list[str]:
    return [ex.name for ex in exs if ex.lang in CODE and ex.mark is None]


def run_expectations(mark: str) -> list[str]:
    """`run; output contains "X"; ...` (or `browser; ...`) -> ["X", ...]; else refused."""
    head, *clauses = [part.strip() for part in mark.split(";")]
    assert head in ("run", "browser"), f"unknown mark {mark!r}"
    texts = []
    for clause in clauses:
        m = CONTAINS.match(clause)
        assert m, f"unknown clause {clause!r} in mark {mark!r}"
        texts.append(m["text"])
    return texts


def columns(body: str) -> tuple[str, str]:
    """Split a two-column block where the first line's second header starts.

    A line whose left part runs into the right column is refused, so a reader
    sees each program whole in its column.
    """
    lines = body.splitlines()
    header = re.match(r"^(.*?\S)\s{2,}(\S.*)$", lines[0])
    assert header, f"no two headers in the first line {lines[0]!r}"
    col = header.start(2)
    left, right = [], []
    for number, line in enumerate(lines, 1):
        if len(line) > col and line[col - 1] != " ":
            raise AssertionError(f"line {number} crosses column {col + 1}: {line!r}")
        left.append(line[:col].rstrip())
        right.append(line[col:])
    return "\n".join(left) + "\n", "\n".join(right) + "\n"


def missing(what: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{what} (ROSETTAGRAD_REQUIRE_ALL=1: every README example must run)")
    pytest.skip(what)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}` not found on PATH")
    assert path is not None
    return path


def rust_program(code: str) -> str:
    """A snippet as a program: its `use` lines at the top, the rest inside main."""
    lines = code.splitlines()
    uses = [line for line in lines if line.startswith("use ")]
    rest = [line for line in lines if not line.startswith("use ")]
    return "\n".join([*uses, "", "fn main() {", textwrap.indent("\n".join(rest), "    "), "}", ""])


def run(lang: str, code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Run one snippet as its port's user would; the completed process, whatever its status."""
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if lang == "python":
        if "rosettagrad_rs" in code and importlib.util.find_spec("rosettagrad_rs") is None:
            missing("the rosettagrad_rs wheel is not installed (`nox -s readme` installs it)")
        (tmp / "example.py").write_text(code, encoding="utf-8")
        argv = [sys.executable, "example.py"]
    elif lang == "js":
        # `npm install ./js` puts the package at node_modules/rosettagrad: a link does the same.
        (tmp / "node_modules").mkdir(exist_ok=True)
        link = tmp / "node_modules" / "rosettagrad"
        if not link.exists():
            link.symlink_to(ROOT / "js", target_is_directory=True)
        (tmp / "example.mjs").write_text(code, encoding="utf-8")
        argv = [tool("node"), "example.mjs"]
    elif lang == "julia":
        (tmp / "example.jl").write_text(code, encoding="utf-8")
        project = f"--project={ROOT / 'julia'}"
        argv = [tool("julia"), "--startup-file=no", project, "example.jl"]
        env["JULIA_LOAD_PATH"] = "@:@stdlib"  # Base and the stdlib only, as the julia session
    elif lang == "rust":
        crate = ROOT / "rust" / "rosettagrad"
        (tmp / "Cargo.toml").write_text(
            '[package]\nname = "readme-example"\nversion = "0.0.0"\nedition = "2021"\n\n'
            f"[dependencies]\nrosettagrad = {{ path = {str(crate)!r} }}\n\n[workspace]\n",
            encoding="utf-8",
        )
        (tmp / "src").mkdir(exist_ok=True)
        (tmp / "src" / "main.rs").write_text(rust_program(code), encoding="utf-8")
        env.setdefault("CARGO_TARGET_DIR", str(ROOT / "rust" / "target" / "readme"))
        argv = [tool("cargo"), "run", "--quiet", "--offline"]
    elif lang == "html":
        return browse(code, tmp)
    else:
        raise AssertionError(f"no runner for {lang!r}")
    return subprocess.run(
        argv, cwd=tmp, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the test's output is the page's, not the server's


def browse(page: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Serve `page` as page.html beside js/ (the repository's layout); Chromium's DOM after load."""
    chromium = tool("chromium")
    (tmp / "page.html").write_text(page, encoding="utf-8")
    if not (tmp / "js").exists():
        (tmp / "js").symlink_to(ROOT / "js", target_is_directory=True)
    handler = functools.partial(QuietHandler, directory=str(tmp))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
            argv = [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp / 'profile'}", "--dump-dom", url,
            ]  # fmt: skip
            return subprocess.run(
                argv, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        finally:
            server.shutdown()


def succeeded(proc: subprocess.CompletedProcess[str], what: str) -> str:
    assert proc.returncode == 0, f"{what} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def numbers(output: str) -> list[float]:
    return [float(x) for x in NUMBER.findall(output)]


# ---------------------------------------------------------------------------- the marks


def test_every_code_block_of_every_readme_is_under_test() -> None:
    exs = code_examples()
    assert unmarked(exs) == [], "a README code block has no <!-- test: ... --> mark"
    assert {ex.readme for ex in exs} == set(READMES), "a README lost its code example"
    for ex in exs:  # each mark is one this file runs
        assert ex in RUNS or ex in SIDE or ex.mark == "doctest", f"{ex.name}: mark {ex.mark!r}"


def test_an_unmarked_block_is_reported() -> None:
    text = "Intro.\n\n```python\nprint(1)\n```\n\n<!-- test: run -->\n```js\nconsole.log(1)\n```\n"
    assert unmarked(examples("X.md", text)) == ["X.md:3"]


def test_a_mark_the_test_does_not_know_is_refused() -> None:
    assert run_expectations('run; output contains "a"; output contains "b"') == ["a", "b"]
    with pytest.raises(AssertionError, match="unknown mark"):
        run_expectations("skip")
    with pytest.raises(AssertionError, match="unknown clause"):
        run_expectations("run; output is 3")


def test_a_line_that_crosses_the_column_is_refused() -> None:
    left, right = columns("# A    # B\nx = 1  y = 2\n")
    assert (left, right) == ("# A\nx = 1\n", "# B\ny = 2\n")
    with pytest.raises(AssertionError, match="line 2 crosses column 8"):
        columns("# A    # B\nx = 100y = 2\n")


def test_the_rust_doctest_mark_is_the_one_cargo_test_runs() -> None:
    marked = [ex for ex in code_examples() if ex.mark == "doctest"]
    assert [ex.readme for ex in marked] == ["rust/README.md"]
    lib = (ROOT / "rust/rosettagrad/src/lib.rs").read_text(encoding="utf-8")
    assert '#[cfg(doctest)]\n#[doc = include_str!("../../README.md")]' in lib


# ---------------------------------------------------------------------------- the runs


RUNS = [ex for ex in code_examples() if ex.mark and ex.mark.split(";")[0] in ("run", "browser")]
SIDE = [ex for ex in code_examples() if SIDE_BY_SIDE.match(ex.mark or "")]


@pytest.mark.parametrize("ex", RUNS, ids=[ex.name for ex in RUNS])
def test_each_example_runs(ex: Example, tmp_path: Path) -> None:
    expected = run_expectations(ex.mark or "")
    out = succeeded(run(ex.lang, ex.body, tmp_path), ex.name)
    for text in expected:
        assert text in out, f"{ex.name} should print {text!r}, printed:\n{out}"


def test_the_side_by_side_columns_print_the_same_numbers(tmp_path: Path) -> None:
    """All four columns (two blocks of two) print the same two gradients."""
    printed: dict[str, list[float]] = {}
    for ex in SIDE:
        m = SIDE_BY_SIDE.match(ex.mark or "")
        assert m and ex.lang == m["left"], f"{ex.name}: the block's language is the left column's"
        for lang, code in zip((m["left"], m["right"]), columns(ex.body)):
            header = code.splitlines()[0].split(maxsplit=1)[1]
            assert header == LANGS[lang], f"{ex.name}: column {lang!r} is headed {header!r}"
            out = succeeded(run(lang, code, tmp_path / lang), f"{ex.name} ({lang})")
            printed[lang] = numbers(out)
    assert set(printed) == set(LANGS) and all(len(v) == 2 for v in printed.values()), printed
    # The same operations in the same order; tanh is each runtime's libm, so allow its last bit.
    for lang, grads in printed.items():
        assert grads == pytest.approx(printed["python"], rel=1e-12, abs=0.0), (lang, printed)


def test_a_rust_example_that_does_not_compile_fails(tmp_path: Path) -> None:
    # The side-by-side's Rust column once called `a.pow(2.0)`, which is not the crate's API.
    code = 'use rosettagrad::Value;\nlet a = Value::new(2.0);\nprintln!("{}", a.pow(2.0).data());\n'
    proc = run("rust", code, tmp_path)
    assert proc.returncode != 0 and "pow" in proc.stderr, proc.stderr
