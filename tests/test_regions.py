"""Every port that exists marks every concept exactly once, with code inside.

The side-by-side site and `nox -s compare` show these regions, so a missing,
empty or duplicated region would make the view drift from the code. The
reader itself is tested on small made-up sources below, so a reader that found
nothing could not pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import regions
from regions import CONCEPTS, PORTS, Port, read_port

EXISTING = regions.existing_ports()


def test_the_reference_port_exists() -> None:
    # The Python reference is always there: without it this file would test nothing.
    assert "python" in [p.name for p in EXISTING]


@pytest.mark.parametrize("port", EXISTING, ids=[p.name for p in EXISTING])
def test_port_has_every_region_once_and_non_empty(port: Port) -> None:
    found = read_port(port)
    problems = list(found.problems)
    problems += [f"{port.src}: no region for {c!r}" for c in found.missing()]
    assert not problems, f"{port.title} regions:\n  " + "\n  ".join(problems)
    assert sorted(found.regions) == sorted(CONCEPTS)


def test_ports_table_names_distinct_folders() -> None:
    assert len({p.name for p in PORTS}) == len({p.src for p in PORTS}) == len(PORTS)


# ---- the reader on made-up sources ----


def fake_port(tmp_path: Path, comment: str, files: dict[str, str]) -> Port:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    suffix = Path(next(iter(files))).suffix
    return Port("fake", "Fake", str(tmp_path), suffix, comment, "text")


def all_regions(comment: str, skip: str = "") -> str:
    return "".join(
        f"{comment} region: {c}\nx_{c} = 1\n{comment} endregion\n" for c in CONCEPTS if c != skip
    )


def test_reader_finds_every_region(tmp_path: Path) -> None:
    found = read_port(fake_port(tmp_path, "#", {"a.py": all_regions("#")}))
    assert found.problems == [] and found.missing() == []
    assert found.regions["add"].code == "x_add = 1"
    assert found.regions["add"].start == 4 and found.regions["add"].end == 6


def test_reader_reports_missing_region(tmp_path: Path) -> None:
    found = read_port(fake_port(tmp_path, "//", {"a.js": all_regions("//", skip="tanh")}))
    assert found.missing() == ["tanh"]


def test_reader_reports_empty_region(tmp_path: Path) -> None:
    text = "// region: exp\n\n// only a comment\n// endregion\n"
    found = read_port(fake_port(tmp_path, "//", {"a.rs": text}))
    assert "exp" not in found.regions
    assert any("'exp' is empty" in p for p in found.problems), found.problems


def test_reader_reports_duplicate_region_across_files(tmp_path: Path) -> None:
    one = "# region: log\nlog(x)\n# endregion\n"
    found = read_port(fake_port(tmp_path, "#", {"a.jl": one, "b.jl": one}))
    assert len(found.problems) == 1 and "'log' again" in found.problems[0]


def test_reader_reports_unbalanced_and_unknown_markers(tmp_path: Path) -> None:
    text = "# endregion\n# region: Relu\nx\n# endregion\n# region: pow\nx ** 2\n"
    found = read_port(fake_port(tmp_path, "#", {"a.py": text}))
    messages = "\n".join(found.problems)
    assert "endregion without a region" in messages
    assert "unknown region name 'Relu'" in messages
    assert "'pow' is never closed" in messages
    assert found.regions == {}


def test_nested_regions_leave_out_inner_markers(tmp_path: Path) -> None:
    text = (
        "// region: Value\nclass Value {\n  // region: add\n  add(o) { return o; }\n"
        "  // endregion\n}\n// endregion\n"
    )
    found = read_port(fake_port(tmp_path, "//", {"a.js": text}))
    assert found.problems == []
    assert found.regions["add"].code == "add(o) { return o; }"
    assert found.regions["Value"].code == "class Value {\n  add(o) { return o; }\n}"


def test_other_comment_syntax_is_not_a_marker(tmp_path: Path) -> None:
    # A Rust port's regions are `//` comments; `#` lines there are attributes, not markers.
    text = "# region: add\n#[inline]\nfn add() {}\n# endregion\n"
    found = read_port(fake_port(tmp_path, "//", {"a.rs": text}))
    assert found.regions == {} and found.problems == []
