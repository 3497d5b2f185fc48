"""What `nox -s dist` left in dist/: exactly the five artifacts of this version, each complete.

    python tests/packaging/check_artifacts.py DIST VERSION

Checks the names (the rosettagrad-rs wheel's manylinux2014 / abi3 tag among them), the
metadata of the Python artifacts (long description = the port's README, classifiers,
licence, requires-python), the licence file inside every artifact, and that the npm
tarball holds only package.json, src/, the types, the README and the licence.
Exits 1 naming every problem.
"""

from __future__ import annotations

import json
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RS_WHEEL_TAG = "cp310-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64"


def expected(version: str) -> dict[str, str]:
    """file name in dist/ -> the port directory it is built from."""
    return {
        f"rosettagrad_rs-{version}.tar.gz": "rust",
        f"rosettagrad_rs-{version}-{RS_WHEEL_TAG}.whl": "rust",
        f"rosettagrad-{version}.tar.gz": "python",
        f"rosettagrad-{version}-py3-none-any.whl": "python",
        f"rosettagrad-{version}.tgz": "js",
    }


def read_member(path: Path, suffix: str) -> tuple[str, bytes] | None:
    """(name, bytes) of the first member whose name ends with `suffix`, in a wheel or a tarball."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(suffix):
                    return name, z.read(name)
        return None
    with tarfile.open(path) as t:
        for member in t.getmembers():
            if member.isfile() and member.name.endswith(suffix):
                f = t.extractfile(member)
                assert f is not None
                return member.name, f.read()
    return None


def members(path: Path) -> list[str]:
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            return z.namelist()
    with tarfile.open(path) as t:
        return [m.name for m in t.getmembers() if m.isfile()]


def check_python(path: Path, port: str, version: str) -> list[str]:
    problems = []
    meta_name = "/METADATA" if path.suffix == ".whl" else "/PKG-INFO"
    found = read_member(path, meta_name)
    if found is None:
        return [f"{path.name}: no {meta_name[1:]}"]
    meta: Message = Parser().parsestr(found[1].decode())
    readme = (ROOT / port / "README.md").read_text()
    wants = {
        "Version": version,
        "Requires-Python": ">=3.10",
        "License-Expression": "MIT",
        "License-File": "LICENSE",
    }
    for field, want in wants.items():
        if meta.get(field) != want:
            problems.append(f"{path.name}: {field} is {meta.get(field)!r}, expected {want!r}")
    if not str(meta.get("Description-Content-Type", "")).startswith("text/markdown"):
        problems.append(f"{path.name}: Description-Content-Type is not text/markdown")
    if str(meta.get_payload()).strip() != readme.strip():
        problems.append(f"{path.name}: the long description is not {port}/README.md")
    if not meta.get_all("Classifier"):
        problems.append(f"{path.name}: no classifiers")
    licence = read_member(path, "/LICENSE")
    if licence is None or licence[1] != (ROOT / "LICENSE").read_bytes():
        problems.append(f"{path.name}: no LICENSE, or not the repository's LICENSE")
    return problems


def check_rs_wheel(path: Path) -> list[str]:
    names = members(path)
    if not any(n.startswith("rosettagrad_rs/") and n.endswith(".abi3.so") for n in names):
        return [f"{path.name}: no rosettagrad_rs/*.abi3.so extension module in {names}"]
    return []


def check_py_wheel(path: Path) -> list[str]:
    names = set(members(path))
    modules = {f"rosettagrad/{p.name}" for p in (ROOT / "python/src/rosettagrad").glob("*.py")}
    missing = sorted((modules | {"rosettagrad/py.typed"}) - names)
    return [f"{path.name}: missing {missing}"] if missing else []


def check_npm(path: Path, version: str) -> list[str]:
    sources = {f"package/src/{p.name}" for p in (ROOT / "js/src").iterdir()}
    want = {"package/package.json", "package/README.md", "package/LICENSE", "package/index.d.ts"}
    got = set(members(path))
    problems = []
    if got != want | sources:
        extra, missing = sorted(got - want - sources), sorted((want | sources) - got)
        problems.append(f"{path.name}: unexpected files {extra}, missing {missing}")
    found = read_member(path, "package/LICENSE")
    if found is None or found[1] != (ROOT / "LICENSE").read_bytes():
        problems.append(f"{path.name}: package/LICENSE is not the repository's LICENSE")
    manifest = read_member(path, "package/package.json")
    if manifest is None or json.loads(manifest[1])["version"] != version:
        problems.append(f"{path.name}: package/package.json's version is not {version}")
    return problems


def main(argv: list[str]) -> int:
    dist, version = Path(argv[0]), argv[1]
    want = expected(version)
    have = sorted(p.name for p in dist.iterdir()) if dist.is_dir() else []
    problems = []
    if sorted(want) != have:
        problems.append(f"{dist}: expected exactly {sorted(want)}, found {have}")
    for name, port in want.items():
        path = dist / name
        if not path.exists():
            continue
        print(f"{path.stat().st_size:>9,} B  {name}")
        if port in ("rust", "python"):
            problems += check_python(path, port, version)
        if name.endswith(".whl"):
            problems += check_rs_wheel(path) if port == "rust" else check_py_wheel(path)
        if port == "js":
            problems += check_npm(path, version)
    for p in problems:
        print(f"check_artifacts: {p}", file=sys.stderr)
    if not problems:
        print(f"check_artifacts: the {len(want)} artifacts of {version} are complete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
