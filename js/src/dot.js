// @ts-check
/** Graphviz DOT text of a Value's graph, drawn as in the micrograd lecture. */

import { Value, describe } from "./engine.js";

// region: to_dot

/**
 * One record per Value (label | data | grad), one small node per op, left to right.
 * @param {Value} root
 * @returns {string}
 */
export function toDot(root) {
  if (!(root instanceof Value)) throw new TypeError(`toDot takes a Value, got ${describe(root)}`);
  const topo = root._topologicalOrder();
  const ids = new Map(topo.map((v, i) => [v, `n${i}`]));
  const lines = ["digraph {", "  rankdir=LR;", '  node [shape=record, fontname="monospace"];'];
  for (const v of topo) {
    const id = ids.get(v);
    const label = `${escapeRecord(v.label)} | data ${fixed4(v.data)} | grad ${fixed4(v.grad)}`;
    lines.push(`  ${id} [label="{ ${label} }"];`);
    if (v._op) {
      lines.push(`  ${id}_op [label="${escapeRecord(v._op)}", shape=ellipse];`);
      lines.push(`  ${id}_op -> ${id};`);
      for (const p of v._prev) lines.push(`  ${ids.get(p)} -> ${id}_op;`);
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

// endregion

/**
 * A number with 4 decimals, spelled as Python's `f"{x:.4f}"` (nan, inf, -0.0000).
 * @param {number} x
 */
function fixed4(x) {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const s = x.toFixed(4);
  return Object.is(x, -0) || (x < 0 && !s.startsWith("-")) ? `-${s}` : s;
}

/**
 * Escape the characters that mean something inside a DOT record label.
 * @param {string} text
 */
function escapeRecord(text) {
  return text.replace(/[\\"{}|<>]/g, (ch) => `\\${ch}`);
}
