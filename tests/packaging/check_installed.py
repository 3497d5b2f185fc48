"""An installed artifact, not the tree: `MODULE` imports from this interpreter's site-packages.

    python check_installed.py MODULE VERSION     (run from a folder outside the repository)

Asserts the module's file lies in site-packages (purelib or platlib), that its
`__version__` is VERSION, and that a small graph gives micrograd's gradients.
"""

from __future__ import annotations

import importlib
import math
import sys
import sysconfig
from pathlib import Path


def main(module: str, version: str) -> int:
    mod = importlib.import_module(module)
    where = Path(mod.__file__ or "").resolve()
    site = {Path(sysconfig.get_path(k)).resolve() for k in ("purelib", "platlib")}
    if not any(where.is_relative_to(s) for s in site):
        sys.exit(f"{module} imports from {where}, not from site-packages {sorted(map(str, site))}")
    if mod.__version__ != version:
        sys.exit(f"{module}.__version__ is {mod.__version__!r}, expected {version!r}")
    a, b = mod.Value(2.0), mod.Value(-3.0)
    y = (a * b + a**2).tanh()
    y.backward()
    t = 1 - y.data**2
    want = (t * (b.data + 2 * a.data), t * a.data)
    if not all(math.isclose(g, w, rel_tol=1e-12) for g, w in zip((a.grad, b.grad), want)):
        sys.exit(f"{module}: wrong gradients {a.grad}, {b.grad}")
    print(f"{module} {mod.__version__} from {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
