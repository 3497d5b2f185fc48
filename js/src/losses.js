// @ts-check
/**
 * Losses over N predictions and targets, built from Value ops (SPEC §2.5).
 *
 * Sums are a left fold from the first term, so every port builds the same graph.
 */

import { Value, describe } from "./engine.js";

/** @typedef {Value | ArrayLike<Value>} Prediction one Value, or a row of K */
/** @typedef {number | ArrayLike<number>} Target one number, or a row of K */

// region: mse_loss
/**
 * Mean squared error: Σ (y - t)² / (N·K).
 * @param {ArrayLike<Prediction>} predictions
 * @param {ArrayLike<Target>} targets
 */
export function mseLoss(predictions, targets) {
  const errors = squaredErrors(predictions, targets);
  return foldSum(errors).div(errors.length);
}
// endregion

// region: sse_loss
/**
 * Sum of squared errors, the lecture's loss: Σ (y - t)².
 * @param {ArrayLike<Prediction>} predictions
 * @param {ArrayLike<Target>} targets
 */
export function sseLoss(predictions, targets) {
  return foldSum(squaredErrors(predictions, targets));
}
// endregion

// region: hinge_loss
/**
 * SVM max-margin loss of micrograd's demo: Σ relu(1 - t·y) / N, targets ±1.
 * @param {ArrayLike<Prediction>} predictions
 * @param {ArrayLike<Target>} targets
 */
export function hingeLoss(predictions, targets) {
  const rows = pairRows(predictions, targets);
  if (rows[0][0].length !== 1) {
    throw new RangeError(`hingeLoss takes one output per sample, got ${rows[0][0].length}`);
  }
  const margins = rows.map(([y, t]) => new Value(1).sub(y[0].mul(t[0])).relu());
  return foldSum(margins).div(margins.length);
}
// endregion

// region: l2_penalty
/**
 * Σ p², the weight-decay term a loss adds as `l2 * l2Penalty(params)`.
 * @param {ArrayLike<Value>} params
 */
export function l2Penalty(params) {
  const list = Array.from(params);
  if (list.length === 0) return new Value(0);
  for (const p of list) {
    if (!(p instanceof Value)) throw new TypeError(`l2Penalty takes Values, got ${describe(p)}`);
  }
  return foldSum(list.map((p) => p.pow(2)));
}
// endregion

/**
 * @param {ArrayLike<Prediction>} predictions
 * @param {ArrayLike<Target>} targets
 */
function squaredErrors(predictions, targets) {
  /** @type {Value[]} */
  const errors = [];
  for (const [y, t] of pairRows(predictions, targets)) {
    for (let k = 0; k < y.length; k++) errors.push(y[k].sub(t[k]).pow(2));
  }
  return errors;
}

/**
 * Pair each prediction with its target, both as rows of K entries.
 * @param {ArrayLike<Prediction>} predictions
 * @param {ArrayLike<Target>} targets
 * @returns {[Value[], number[]][]}
 */
function pairRows(predictions, targets) {
  checkList("predictions", predictions);
  checkList("targets", targets);
  if (predictions.length !== targets.length) {
    throw new RangeError(`got ${predictions.length} predictions but ${targets.length} targets`);
  }
  if (predictions.length === 0) throw new RangeError("a loss needs at least one prediction, got 0");
  /** @type {[Value[], number[]][]} */
  const rows = [];
  for (let n = 0; n < predictions.length; n++) {
    const y = predictions[n];
    const t = targets[n];
    const yRow = y instanceof Value ? [y] : isList(y) ? Array.from(y) : null;
    const tRow = typeof t === "number" ? [t] : isList(t) ? Array.from(t) : null;
    // Name what is wrong: the row itself, or the first entry of it that is not a Value / number.
    const badY = yRow === null ? -1 : yRow.findIndex((v) => !(v instanceof Value));
    if (yRow === null || badY >= 0) {
      const got = describe(yRow === null ? y : yRow[badY]);
      throw new TypeError(`sample ${n}: a prediction must be a Value or an Array of Values, got ${got}`);
    }
    const badT = tRow === null ? -1 : tRow.findIndex((v) => typeof v !== "number");
    if (tRow === null || badT >= 0) {
      const got = describe(tRow === null ? t : tRow[badT]);
      throw new TypeError(`sample ${n}: a target must be a number or an Array of numbers, got ${got}`);
    }
    if (yRow.length !== tRow.length) {
      throw new RangeError(`sample ${n}: prediction has ${yRow.length} outputs but target has ${tRow.length}`);
    }
    rows.push([yRow, tRow]);
  }
  return rows;
}

/**
 * @param {unknown} x
 * @returns {x is ArrayLike<unknown>}
 */
function isList(x) {
  return x !== null && typeof x === "object" && typeof (/** @type {{length?: unknown}} */ (x).length) === "number";
}

/**
 * @param {string} name
 * @param {unknown} x
 */
function checkList(name, x) {
  if (!isList(x)) throw new TypeError(`${name} must be an Array, got ${describe(x)}`);
}

/** @param {Value[]} terms */
function foldSum(terms) {
  let total = terms[0];
  for (let i = 1; i < terms.length; i++) total = total.add(terms[i]);
  return total;
}
