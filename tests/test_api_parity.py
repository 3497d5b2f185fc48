"""API parity: every public name of the Python reference has its counterpart in every port.

    pytest tests/test_api_parity.py          (nox -s parity)

Read from the sources, no runtime needed: the reference's `__all__` and methods
(with ast), Julia's `export` lines, the JavaScript index's `export` statements and
the Rust-py module's PyO3 registrations. The counterparts follow DESIGN §1's table.
A port whose sources are not in the tree yet is skipped, saying so; one that is
must pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PY_PKG = ROOT / "python/src/rosettagrad"
JULIA_MAIN = ROOT / "julia/src/RosettaGrad.jl"
JULIA_PROJECT = ROOT / "julia/Project.toml"
JS_INDEX = ROOT / "js/src/index.js"
JS_PACKAGE = ROOT / "js/package.json"
RUST_PY_SRC = ROOT / "rust/rosettagrad-py/src"

# DESIGN §1: the methods every port has, under each port's name for them.
METHODS = ["backward", "zero_grad", "step", "parameters", "relu", "tanh", "exp", "log", "sigmoid"]
JULIA_BANG = {"backward": "backward!", "zero_grad": "zero_grad!", "step": "step!"}
# Julia extends Base's functions for these instead of exporting new ones.
JULIA_BASE = {"tanh", "exp", "log"}
# `Module` is Core's type of Julia modules: exporting another would clash in
# every user's namespace, so the Julia port names its abstract type AbstractModule.
JULIA_RENAMES = {"Module": "AbstractModule"}


# ---- the reference ----


def reference_all() -> list[str]:
    """`__all__` of python/src/rosettagrad/__init__.py, read with ast."""
    tree = ast.parse((PY_PKG / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return [ast.literal_eval(elt) for elt in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("python/src/rosettagrad/__init__.py has no __all__")


def reference_version() -> str:
    tree = ast.parse((PY_PKG / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("python/src/rosettagrad/__init__.py has no __version__")


def reference_methods() -> set[str]:
    """Public method names of every class in the reference package."""
    names: set[str] = set()
    for path in PY_PKG.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names.update(
                    item.name
                    for item in node.body
                    if isinstance(item, ast.FunctionDef) and not item.name.startswith("_")
                )
    return names


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# ---- Julia ----


def strip_julia_comments(text: str) -> str:
    text = re.sub(r"#=.*?=#", "", text, flags=re.S)
    return re.sub(r"#.*", "", text)


def julia_exports(text: str) -> set[str]:
    """Names in `export a, b, c!` statements; a trailing comma continues the line."""
    names: set[str] = set()
    lines = strip_julia_comments(text).splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"\s*export\s+(.*)$", lines[i])
        i += 1
        if not m:
            continue
        stmt = m.group(1).strip()
        while stmt.endswith(",") and i < len(lines):
            stmt += " " + lines[i].strip()
            i += 1
        names.update(n.strip() for n in stmt.split(",") if n.strip())
    return names


def julia_version(text: str) -> str | None:
    m = re.search(r'(?m)^version\s*=\s*"([^"]+)"', text)
    return m.group(1) if m else None


def julia_base_methods(text: str) -> set[str]:
    """Base functions extended for Value, as in `Base.tanh(x::Value) = ...`."""
    text = strip_julia_comments(text)
    return set(re.findall(r"\bBase\.(\w+)\s*\(\s*\w*\s*::\s*Value\b", text))


def julia_missing() -> list[str]:
    exports = julia_exports(JULIA_MAIN.read_text(encoding="utf-8"))
    sources = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(JULIA_MAIN.parent.glob("*.jl"))
    )
    base = julia_base_methods(sources)
    missing = []
    for name in reference_all():
        if name == "__version__":
            found = julia_version(JULIA_PROJECT.read_text(encoding="utf-8"))
            if found != reference_version():
                missing.append(f"__version__ (julia/Project.toml version {found!r})")
        elif JULIA_RENAMES.get(name, name) not in exports:
            missing.append(JULIA_RENAMES.get(name, name))
    for method in METHODS:
        if method in JULIA_BASE:
            if method not in base:
                missing.append(f"Base.{method}(::Value)")
        elif JULIA_BANG.get(method, method) not in exports:
            missing.append(JULIA_BANG.get(method, method))
    return missing


# ---- JavaScript ----


def strip_js_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)//.*$", "", text)


def js_exports(text: str) -> set[str]:
    """Names exported by `export { a, b as c } ...` and `export const|function|class NAME`."""
    text = strip_js_comments(text)
    names: set[str] = set()
    for group in re.findall(r"\bexport\s*\{([^}]*)\}", text):
        for spec in group.split(","):
            parts = spec.split()
            if parts:
                names.add(parts[-1])  # `a` or `a as b`: the exported name is the last word
    decl = r"\bexport\s+(?:async\s+)?(?:const|let|var|function\*?|class)\s+([A-Za-z_$][\w$]*)"
    names.update(re.findall(decl, text))
    return names


def js_methods(text: str) -> set[str]:
    """Method names defined in class bodies (`  name(args) {`), read loosely."""
    text = strip_js_comments(text)
    found = re.findall(r"(?m)^\s+(?:static\s+|async\s+)*([A-Za-z_$][\w$]*)\s*\([^()]*\)\s*\{", text)
    keywords = {"if", "for", "while", "switch", "catch", "function", "return"}
    return {name for name in found if name not in keywords}


def js_missing() -> list[str]:
    exports = js_exports(JS_INDEX.read_text(encoding="utf-8"))
    methods = js_methods(
        "\n".join(p.read_text(encoding="utf-8") for p in sorted(JS_INDEX.parent.glob("*.js")))
    )
    missing = []
    for name in reference_all():
        want = "version" if name == "__version__" else camel(name)
        if want not in exports:
            missing.append(want)
    for method in METHODS:
        if camel(method) not in methods:
            missing.append(f"{camel(method)}()")
    return missing


# ---- Rust-py (PyO3) ----


def rust_py_names(text: str) -> tuple[set[str], set[str]]:
    """(names the Python module exports, method names) from PyO3 sources, read loosely.

    A class or function counts as exported when the module registers it:
    `m.add_class::<T>()`, `wrap_pyfunction!(f, m)`, `m.add("name", ...)`, or a
    declarative `#[pymodule_export]` item. Its Python name is `name = "..."` of
    its `#[pyclass]` / `#[pyo3]` attribute, else its Rust name.
    """
    text = re.sub(r"(?m)//.*$", "", text)
    py_name: dict[str, str] = {}  # Rust ident -> Python name
    attrs = r"((?:\s*#\[[^\]]*\])*)"
    for m in re.finditer(attrs + r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum)\s+(\w+)", text):
        if "pyclass" in m.group(1):
            name = re.search(r'name\s*=\s*"(\w+)"', m.group(1))
            py_name[m.group(2)] = name.group(1) if name else m.group(2)
    for m in re.finditer(attrs + r"\s*(?:pub(?:\([^)]*\))?\s+)?fn\s+(\w+)", text):
        if "pyfunction" in m.group(1):
            name = re.search(r'name\s*=\s*"(\w+)"', m.group(1))
            py_name[m.group(2)] = name.group(1) if name else m.group(2)
    registered: set[str] = set()
    registered.update(re.findall(r"add_class\s*::\s*<\s*(?:\w+\s*::\s*)*(\w+)\s*>", text))
    registered.update(re.findall(r"wrap_pyfunction!\s*\(\s*(?:\w+\s*::\s*)*(\w+)", text))
    for use in re.findall(r"#\[pymodule_export\]\s*(?:pub\s+)?use\s+([^;]+);", text):
        registered.update(re.findall(r"(\w+)\s*(?:[,}]|$)", use.strip()))
    exported = {py_name.get(ident, ident) for ident in registered}
    exported.update(re.findall(r'\badd\s*\(\s*"(\w+)"', text))
    methods = set()
    for block in pymethods_blocks(text):
        for m in re.finditer(attrs + r"\s*(?:pub(?:\([^)]*\))?\s+)?fn\s+(\w+)", block):
            name = re.search(r'\bname\s*=\s*"(\w+)"', m.group(1))
            methods.add(name.group(1) if name else m.group(2))
    return exported, methods


def pymethods_blocks(text: str) -> list[str]:
    """The bodies of the `#[pymethods] impl ... { }` blocks: a Python class's methods."""
    # Braces inside string literals must not count: blank the literals, keeping offsets.
    masked = re.sub(r'"(?:\\.|[^"\\])*"', lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)
    blocks = []
    for m in re.finditer(r"#\[pymethods\](?:\s*#\[[^\]]*\])*\s*impl\b[^{]*\{", masked):
        depth, end = 1, m.end()
        while depth and end < len(masked):
            depth += {"{": 1, "}": -1}.get(masked[end], 0)
            end += 1
        blocks.append(text[m.end() : end - 1])
    return blocks


def rust_py_sources() -> list[Path]:
    """Every .rs file of the bindings crate (lib.rs, or lib.rs split into engine.rs, nn.rs...)."""
    return sorted(RUST_PY_SRC.rglob("*.rs")) if RUST_PY_SRC.is_dir() else []


def rust_py_missing() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in rust_py_sources())
    exported, methods = rust_py_names(text)
    missing = [name for name in reference_all() if name not in exported]
    missing += [f"{method}()" for method in METHODS if method not in methods]
    return missing


# ---- the tests ----

PORTS = {
    "julia": (JULIA_MAIN.exists, julia_missing, "julia/src/RosettaGrad.jl"),
    "js": (JS_INDEX.exists, js_missing, "js/src/index.js"),
    "rust-py": (lambda: bool(rust_py_sources()), rust_py_missing, "rust/rosettagrad-py/src/*.rs"),
}


def test_the_reference_is_read():
    """The names to check come from the reference itself, and there are plenty."""
    names = reference_all()
    assert {"Value", "MLP", "SGD", "Adam", "mse_loss", "to_dot", "__version__"} <= set(names)
    assert set(METHODS) <= reference_methods()


@pytest.mark.parametrize("port", list(PORTS))
def test_every_public_name_has_its_counterpart(port):
    present, missing_names, where = PORTS[port]
    if not present():
        pytest.skip(f"{port}: port not in this tree yet ({where} missing)")
    missing = missing_names()
    assert not missing, f"{port} lacks the counterparts of: {', '.join(missing)}"


# The readers above, on small sources: a reader that found nothing would make
# every port "pass", so each is shown to find what is there and only that.


def test_julia_reader():
    src = """
    module M
    export Value, relu,   # a comment
           backward!
    # export NotThis
    export zero_grad!
    Base.tanh(x::Value) = x
    function Base.exp(v::Value) end
    Base.log(x::Float64) = 1.0
    end
    """
    assert julia_exports(src) == {"Value", "relu", "backward!", "zero_grad!"}
    assert julia_base_methods(src) == {"tanh", "exp"}
    assert julia_version('name = "X"\nversion = "1.2.3"\n') == "1.2.3"


def test_js_reader():
    src = """
    export { toDot } from "./dot.js";
    export { a, b as mseLoss } from "./x.js";
    // export { notThis } from "./y.js";
    export const version = "0.1.0";
    export function helper() {}
    export class Thing {
      zeroGrad() {
        if (x) {
        }
      }
      static make(a, b) {
      }
    }
    """
    assert js_exports(src) == {"toDot", "a", "mseLoss", "version", "helper", "Thing"}
    assert js_methods(src) == {"zeroGrad", "make"}
    assert camel("hinge_loss") == "hingeLoss" and camel("Value") == "Value"


def test_rust_py_reader():
    src = """
    #[pyclass(name = "Value", unsendable)]
    pub struct PyValue { }
    #[pymethods]
    impl PyValue {
        fn backward(&self) {}
        #[pyo3(name = "zero_grad")]
        fn zero_grad_py(&mut self) {}
    }
    #[pyclass]
    #[derive(Clone)]
    struct MLP {}
    #[pyclass(name = "Hidden")]
    struct NotRegistered {}
    #[pyfunction]
    #[pyo3(name = "to_dot")]
    fn to_dot_py() {}
    #[pyfunction]
    fn mse_loss() {}
    #[pymodule]
    fn rosettagrad_rs(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add_class::<PyValue>()?;
        m.add_class::<crate::MLP>()?;
        m.add_function(wrap_pyfunction!(to_dot_py, m)?)?;
        m.add_function(wrap_pyfunction!(mse_loss, m)?)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
    """
    exported, methods = rust_py_names(src)
    assert exported == {"Value", "MLP", "to_dot", "mse_loss", "__version__"}
    assert methods == {"backward", "zero_grad"}
    # Only fns of #[pymethods] blocks are methods: not plain impls, free fns, other names.
    not_methods = """
    impl PyValue { fn tanh(&self) {} }
    fn relu() {}
    #[pyfunction]
    fn exp() {}
    #[pyclass(name = "sigmoid")]
    struct S {}
    #[pymethods]
    impl PyValue {
        fn log(&self) -> String { format!("}} {}", 1) }
        #[getter]
        fn data(&self) -> f64 { if true { 1.0 } else { 2.0 } }
    }
    fn step() {}
    """
    assert rust_py_names(not_methods)[1] == {"log", "data"}
    declarative = """
    #[pyclass(name = "SGD")]
    struct PySgd {}
    #[pymodule]
    mod rosettagrad_rs {
        #[pymodule_export]
        use super::{PySgd, l2_penalty};
    }
    """
    assert rust_py_names(declarative)[0] == {"SGD", "l2_penalty"}
