# SplitMix64: a tiny, portable random generator, so every port draws the same weights.

# region: SplitMix64

"""
    SplitMix64(seed)

Steele, Lea and Flood's SplitMix64 on a `UInt64` state (SPEC §2.4). Julia's
unsigned arithmetic wraps, so `+` and `*` below are already mod 2^64.
"""
mutable struct SplitMix64
    state::UInt64

    function SplitMix64(seed::Integer)
        seed isa Bool && throw(TypeError(:SplitMix64, "seed", Union{Signed,Unsigned}, seed))
        0 <= seed <= typemax(UInt64) ||
            throw(ArgumentError("seed must be in 0 .. 2^64 - 1, got $seed"))
        return new(UInt64(seed))
    end
end

"""The next 64 random bits."""
function next_u64!(rng::SplitMix64)
    rng.state += 0x9e3779b97f4a7c15
    z = rng.state
    z = xor(z, z >> 30) * 0xbf58476d1ce4e5b9
    z = xor(z, z >> 27) * 0x94d049bb133111eb
    return xor(z, z >> 31)
end

"""A Float64 in [0, 1) from the top 53 bits."""
random!(rng::SplitMix64) = Float64(next_u64!(rng) >> 11) * 0x1p-53  # 0x1p-53 = 2^-53

"""A Float64 in [a, b); the same formula as Python's random.uniform."""
uniform!(rng::SplitMix64, a::Real, b::Real) = a + (b - a) * random!(rng)

# endregion
