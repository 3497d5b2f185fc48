"""Make moons.json: micrograd's demo data set, 100 points of two interleaving moons.

The same construction as scikit-learn's make_moons(n_samples=100, noise=0.1),
written out so it needs nothing but the standard library; labels are -1 / +1 as
in micrograd's demo. Run once; the output is committed and every port reads it.

    python conformance/data/make_moons.py > conformance/data/moons.json
"""

from __future__ import annotations

import json
import math
import random


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 1337) -> dict[str, list]:
    rng = random.Random(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    points, labels = [], []
    for i in range(n_outer):  # upper moon, label -1
        a = math.pi * i / (n_outer - 1)
        points.append([math.cos(a), math.sin(a)])
        labels.append(-1)
    for i in range(n_inner):  # lower moon, shifted right and down, label +1
        a = math.pi * i / (n_inner - 1)
        points.append([1 - math.cos(a), 0.5 - math.sin(a)])
        labels.append(1)
    order = list(range(n))
    rng.shuffle(order)
    X = [[round(c + rng.gauss(0, noise), 6) for c in points[i]] for i in order]
    y = [labels[i] for i in order]
    return {"description": f"two moons, {n} points, noise {noise}, seed {seed}", "X": X, "y": y}


if __name__ == "__main__":
    print(json.dumps(make_moons(), indent=None))
