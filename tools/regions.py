"""The one place that knows where each port's sources live and how its region comments look.

Every concept of the engine is marked in every port's code:

    # region: add          (Python, Julia)      // region: add      (Rust, JavaScript)
    ...code...
    # endregion                                 // endregion

The compare view, the site and tests/test_regions.py all read the code through
`read_port()`, so what a learner sees side by side is always the code itself.
A port *exists* when its source folder holds at least one source file; a port
that lands later appears everywhere without touching these tools.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Port:
    name: str  # the impl name the harness and the bench use
    title: str  # what a reader sees as the column header
    src: str  # source folder, relative to the repo root
    suffix: str  # source files are src/**/*<suffix>
    comment: str  # line comment: "#" or "//"
    lexer: str  # Pygments lexer name

    @property
    def folder(self) -> Path:
        return ROOT / self.src

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.rglob(f"*{self.suffix}") if p.is_file())

    def exists(self) -> bool:
        return bool(self.files())


PORTS = [
    Port("python", "Python", "python/src/rosettagrad", ".py", "#", "python"),
    Port("rust", "Rust", "rust/rosettagrad/src", ".rs", "//", "rust"),
    Port("js", "JavaScript", "js/src", ".js", "//", "javascript"),
    Port("julia", "Julia", "julia/src", ".jl", "#", "julia"),
]

# Every concept, in the order a learner meets them (the site's and compare's order).
CONCEPTS = [
    "Value",
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "pow",
    "relu",
    "tanh",
    "exp",
    "log",
    "sigmoid",
    "backward",
    "zero_grad",
    "Neuron",
    "Layer",
    "MLP",
    "mse_loss",
    "sse_loss",
    "hinge_loss",
    "l2_penalty",
    "SGD",
    "Adam",
    "SplitMix64",
    "to_dot",
]


@dataclass
class Region:
    concept: str
    path: Path
    start: int  # 1-based line of the `region:` marker
    end: int  # 1-based line of the matching `endregion`
    lines: list[str] = field(default_factory=list)  # the code between, markers removed
    numbers: list[int] = field(default_factory=list)  # each line's line number in `path`

    @property
    def code(self) -> str:
        """The region's code, dedented, without leading or trailing blank lines."""
        text = textwrap.dedent("\n".join(self.lines))
        return text.strip("\n")

    @property
    def numbered(self) -> list[tuple[int, str]]:
        """`code`, line by line, each line with its line number in the source file."""
        text = textwrap.dedent("\n".join(self.lines)).split("\n")
        pairs = list(zip(self.numbers, text, strict=True))
        while pairs and not pairs[0][1].strip():
            pairs.pop(0)
        while pairs and not pairs[-1][1].strip():
            pairs.pop()
        return pairs

    @property
    def where(self) -> str:
        return f"{rel(self.path)}:{self.start}-{self.end}"


@dataclass
class PortRegions:
    port: Port
    regions: dict[str, Region]
    problems: list[str]  # anything wrong with the markers, one message each

    def missing(self) -> list[str]:
        return [c for c in CONCEPTS if c not in self.regions]


def _markers(port: Port) -> tuple[re.Pattern[str], re.Pattern[str]]:
    c = re.escape(port.comment)
    start = re.compile(rf"^\s*{c}\s*region:\s*(\S+)\s*$")
    end = re.compile(rf"^\s*{c}\s*endregion\b.*$")
    return start, end


def is_code(port: Port, line: str) -> bool:
    """A line that is neither blank nor only a comment: what makes a region non-empty."""
    s = line.strip()
    return bool(s) and not s.startswith(port.comment)


def read_port(port: Port) -> PortRegions:
    """Every region of a port, with a message for each marker problem found.

    Regions may nest (a class region around its methods' regions); a nested
    region's marker lines are left out of the outer region's code.
    """
    start_re, end_re = _markers(port)
    regions: dict[str, Region] = {}
    problems: list[str] = []
    for path in port.files():
        where = rel(path)
        open_: list[Region] = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if m := start_re.match(line):
                open_.append(Region(m.group(1), path, n, n))
            elif end_re.match(line):
                if not open_:
                    problems.append(f"{where}:{n}: endregion without a region")
                    continue
                region = open_.pop()
                region.end = n
                _close(port, region, regions, problems)
            else:
                for region in open_:
                    region.lines.append(line)
                    region.numbers.append(n)
        for region in open_:
            problems.append(f"{where}:{region.start}: region {region.concept!r} is never closed")
    return PortRegions(port, regions, problems)


def _close(port: Port, region: Region, regions: dict[str, Region], problems: list[str]) -> None:
    name, here = region.concept, region.where
    if name not in CONCEPTS:
        problems.append(f"{here}: unknown region name {name!r} (known: {', '.join(CONCEPTS)})")
    elif name in regions:
        problems.append(f"{here}: region {name!r} again (first at {regions[name].where})")
    elif not any(is_code(port, line) for line in region.lines):
        problems.append(f"{here}: region {name!r} is empty (no code between the markers)")
    else:
        regions[name] = region


def rel(path: Path) -> str:
    """A path as the repo names it (absolute when it lies outside the repo)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def existing_ports() -> list[Port]:
    return [p for p in PORTS if p.exists()]


def read_all() -> dict[str, PortRegions]:
    """The regions of every port that exists, by port name, in PORTS order."""
    return {p.name: read_port(p) for p in existing_ports()}
