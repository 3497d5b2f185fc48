"""SplitMix64 and seeded init: bit-exact across ports (SPEC §2.4)."""

from __future__ import annotations

import pytest

# Published reference outputs of SplitMix64 (Vigna's splitmix64.c), not ours.
KNOWN = {
    0: [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F],
    1234567: [6457827717110365317, 3203168211198807973, 9817491932198370423],
}


@pytest.mark.reference_only
@pytest.mark.parametrize("seed", list(KNOWN))
def test_splitmix64_matches_published_outputs(seed):
    from rosettagrad import SplitMix64

    rng = SplitMix64(seed)
    assert [rng.next_u64() for _ in range(3)] == KNOWN[seed]


@pytest.mark.reference_only
def test_uniform_uses_the_top_53_bits():
    from rosettagrad import SplitMix64

    rng = SplitMix64(0)
    u = (KNOWN[0][0] >> 11) * 2.0**-53
    assert rng.uniform(-1, 1) == -1 + 2 * u


def test_seeded_init_draws_weights_in_canonical_order_with_zero_biases(rg):
    model = rg.MLP(2, [3, 1], seed=0)
    params = [p.data for p in model.parameters()]
    draws = iter([(k >> 11) * 2.0**-53 for k in _splitmix(0, 9)])
    expected = []
    for nin, nout in [(2, 3), (3, 1)]:
        for _ in range(nout):
            expected += [-1 + 2 * next(draws) for _ in range(nin)] + [0.0]
    assert params == expected


def test_same_seed_same_parameters_different_seed_different(rg):
    a = [p.data for p in rg.MLP(3, [4, 2], seed=42).parameters()]
    b = [p.data for p in rg.MLP(3, [4, 2], seed=42).parameters()]
    c = [p.data for p in rg.MLP(3, [4, 2], seed=43).parameters()]
    assert a == b
    assert a != c


@pytest.mark.parametrize("seed", [2**53 + 1, 2**64 - 1])
def test_seeds_above_2_53_and_the_largest_work(rg, seed):
    params = [p.data for p in rg.MLP(1, [2], seed=seed).parameters()]
    expected = [-1 + 2 * ((k >> 11) * 2.0**-53) for k in _splitmix(seed, 2)]
    assert [params[0], params[2]] == expected


@pytest.mark.parametrize("seed", [-1, 2**64])
def test_seeds_outside_64_bits_are_value_errors(rg, seed):
    with pytest.raises((ValueError, OverflowError), match=r"seed|int"):
        rg.MLP(1, [1], seed=seed)


def test_unseeded_models_differ(rg):
    a = [p.data for p in rg.MLP(4, [4]).parameters()]
    b = [p.data for p in rg.MLP(4, [4]).parameters()]
    assert a != b
    assert all(-1 <= x < 1 for x in a)


def _splitmix(seed: int, n: int) -> list[int]:
    """An independent transcription of the DESIGN §3 formula, for the tests."""
    out, state, mask = [], seed, 2**64 - 1
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out.append(z ^ (z >> 31))
    return out
