//! SplitMix64: a tiny, portable random generator, so every port draws the same weights.

// region: SplitMix64

/// Steele, Lea and Flood's SplitMix64; all arithmetic mod 2^64 (SPEC §2.4).
///
/// ```
/// use rosettagrad::SplitMix64;
/// let mut rng = SplitMix64::new(0);
/// assert_eq!(rng.next_u64(), 0xE220A8397B1DCDAF);
/// ```
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    /// The generator's whole state.
    pub state: u64,
}

impl SplitMix64 {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// Seeded from the OS's per-process hash keys and the clock: for unseeded models.
    pub fn from_entropy() -> SplitMix64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        h.write_u128(now.map(|d| d.as_nanos()).unwrap_or(0));
        SplitMix64::new(h.finish())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1) from the top 53 bits.
    pub fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (-53f64).exp2()
    }

    /// A float in [a, b); the same formula as Python's `random.uniform`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }
}

// endregion

/// Where weights come from: a [`SplitMix64`], or any other source of uniforms.
pub trait Uniform {
    /// A float in [a, b).
    fn uniform(&mut self, a: f64, b: f64) -> f64;
}

impl Uniform for SplitMix64 {
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        SplitMix64::uniform(self, a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_outputs() {
        // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220A8397B1DCDAF);
        assert_eq!(rng.next_u64(), 0x6E789E6AA1B965F4);
        assert_eq!(rng.next_u64(), 0x06C45D188009454F);
    }

    #[test]
    fn wraps_at_the_top_seed() {
        let mut rng = SplitMix64::new(u64::MAX);
        let u = rng.uniform(-1.0, 1.0);
        assert!((-1.0..1.0).contains(&u));
    }
}
