// @ts-check
/** SplitMix64: a tiny, portable random generator, so every port draws the same weights. */

import { describe } from "./engine.js";

const MASK64 = (1n << 64n) - 1n;

// region: SplitMix64

/** Steele, Lea and Flood's SplitMix64; all arithmetic mod 2^64 (SPEC §2.4), in BigInt. */
export class SplitMix64 {
  /** @param {number | bigint} seed an integer in 0 … 2^64 - 1 */
  constructor(seed) {
    /** @type {bigint} */
    this.state = toSeed(seed);
  }

  /** The next 64-bit output, as a BigInt. */
  nextU64() {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }

  /** A float in [0, 1) from the top 53 bits. */
  random() {
    return Number(this.nextU64() >> 11n) * 2 ** -53;
  }

  /**
   * A float in [a, b); the same formula as Python's random.uniform.
   * @param {number} a
   * @param {number} b
   */
  uniform(a, b) {
    return a + (b - a) * this.random();
  }
}

// endregion

/**
 * A seed as a BigInt. Numbers must be exact integers; a number above 2^53 is
 * taken as the integer it holds, which may not be the one written in the source:
 * pass a BigInt (`18446744073709551615n`) for those.
 * @param {unknown} seed
 * @returns {bigint}
 */
function toSeed(seed) {
  if (typeof seed === "number") {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`seed must be an integer in 0 .. 2**64 - 1, got ${seed}`);
    }
    seed = BigInt(seed);
  }
  if (typeof seed !== "bigint") {
    throw new TypeError(`seed must be a number or a BigInt, got ${describe(seed)}`);
  }
  if (seed < 0n || seed > MASK64) {
    throw new RangeError(`seed must be in 0 .. 2**64 - 1, got ${seed}`);
  }
  return seed;
}
