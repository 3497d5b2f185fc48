"""SplitMix64: a tiny, portable random generator, so every port draws the same weights."""

from __future__ import annotations

MASK64 = (1 << 64) - 1

# region: SplitMix64


class SplitMix64:
    """Steele, Lea and Flood's SplitMix64; all arithmetic mod 2^64 (SPEC §2.4)."""

    def __init__(self, seed: int) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
        if not 0 <= seed <= MASK64:
            raise ValueError(f"seed must be in 0 .. 2**64 - 1, got {seed}")
        self.state = seed

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def random(self) -> float:
        """A float in [0, 1) from the top 53 bits."""
        return (self.next_u64() >> 11) * 2.0**-53

    def uniform(self, a: float, b: float) -> float:
        """A float in [a, b); the same formula as Python's random.uniform."""
        return a + (b - a) * self.random()


# endregion
