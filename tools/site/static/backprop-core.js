// Backprop, step by step: the part without a page. A tiny language for expressions, the graph
// built with the JavaScript port's Value (globalThis.rosettagrad, static/rosettagrad.js), and
// the reverse walk written out as frames, one node per frame.
//
// A classic script (not a module), so backprop.html works from file://; the build also runs
// it in node to check the built-in examples against the Python reference (tools/site/build.py).
//
//   a = 2.0            a leaf Value labelled a
//   e = a*b + 1        an op result labelled e; a number in an expression is a constant leaf
//   L = tanh(e) ** 2   ops: + - * / **(a plain number) unary -, tanh relu exp log sigmoid
//
// Statements are separated by newlines or `;`; the last one is the output.
"use strict";
(() => {
  const FUNCS = ["tanh", "relu", "exp", "log", "sigmoid"];
  const OPS = { "+": "add", "-": "sub", "*": "mul", "/": "div" };

  class ParseError extends Error {}

  function tokenize(src) {
    const tokens = [];
    const re = /[ \t\r]*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/()=;^·×\n]))/y;
    let line = 1;
    let lineStart = 0;
    re.lastIndex = 0;
    while (re.lastIndex < src.length) {
      const at = re.lastIndex;
      if (/^[ \t\r]*$/.test(src.slice(at))) break;
      const m = re.exec(src);
      if (!m) {
        const pos = at + src.slice(at).search(/[^ \t\r]/);
        throw new ParseError(`line ${line}, column ${pos - lineStart + 1}: I cannot read "${src[pos]}" (numbers, names, + - * / ** ( ) = ; and ${FUNCS.join(" ")})`);
      }
      const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3]).length;
      const where = `line ${line}, column ${start - lineStart + 1}`;
      if (m[1] !== undefined) tokens.push({ kind: "num", text: m[1], value: Number(m[1]), where });
      else if (m[2] !== undefined) tokens.push({ kind: "name", text: m[2], where });
      else {
        let text = m[3];
        if (text === "·" || text === "×") text = "*";
        if (text === "^") text = "**";
        tokens.push({ kind: text === "\n" ? ";" : text, text: m[3] === "\n" ? "end of line" : m[3], where });
        if (text === "\n") {
          line += 1;
          lineStart = start + 1;
        }
      }
    }
    tokens.push({ kind: "eof", text: "the end", where: `line ${line}, end` });
    return tokens;
  }

  /** The statements of `src`: [{name, expr}], expr = {num} | {ref} | {op, args, k?}. */
  function parse(src) {
    const tokens = tokenize(src);
    let i = 0;
    const peek = () => tokens[i];
    const take = () => tokens[i++];
    const expect = (kind, what) => {
      const t = take();
      if (t.kind !== kind) throw new ParseError(`${t.where}: expected ${what}, found "${t.text}"`);
      return t;
    };
    function atom() {
      const t = take();
      if (t.kind === "num") return { num: t.value };
      if (t.kind === "(") {
        const e = sum();
        expect(")", '")"');
        return e;
      }
      if (t.kind === "name") {
        if (FUNCS.includes(t.text)) {
          expect("(", `"(" after ${t.text}`);
          const arg = sum();
          expect(")", '")"');
          return { op: t.text, args: [arg] };
        }
        if (peek().kind === "(") throw new ParseError(`${t.where}: unknown function "${t.text}" (known: ${FUNCS.join(", ")})`);
        return { ref: t.text, where: t.where };
      }
      throw new ParseError(`${t.where}: expected a number, a name, "(" or a function (${FUNCS.join(", ")}), found "${t.text}"`);
    }
    function power() {
      const base = atom();
      if (peek().kind !== "**") return base;
      const t = take();
      let sign = 1;
      if (peek().kind === "-") {
        take();
        sign = -1;
      }
      const k = peek();
      if (k.kind !== "num") throw new ParseError(`${t.where}: the exponent of ** must be a plain number (a Value is never an exponent), found "${k.text}"`);
      take();
      if (base.num !== undefined) throw new ParseError(`${t.where}: a number to a power is just a number: write it out`);
      return { op: "pow", args: [base], k: sign * k.value };
    }
    function unary() {
      if (peek().kind === "-") {
        take();
        const e = unary();
        return e.num !== undefined ? { num: -e.num } : { op: "neg", args: [e] };
      }
      return power();
    }
    function binary(next, ops) {
      return () => {
        let left = next();
        while (ops.includes(peek().kind)) {
          const t = take();
          const right = next();
          if (left.num !== undefined && right.num !== undefined) throw new ParseError(`${t.where}: "${t.text}" between two plain numbers: at least one side must be a Value`);
          left = { op: OPS[t.kind], args: [left, right] };
        }
        return left;
      };
    }
    const product = binary(unary, ["*", "/"]);
    const sum = binary(product, ["+", "-"]);
    const statements = [];
    while (peek().kind !== "eof") {
      if (peek().kind === ";") {
        take();
        continue;
      }
      let name = null;
      if (peek().kind === "name" && tokens[i + 1].kind === "=") {
        name = take().text;
        take();
      }
      statements.push({ name, expr: sum() });
      const t = peek();
      if (t.kind !== ";" && t.kind !== "eof") throw new ParseError(`${t.where}: expected an operator or the end of the statement, found "${t.text}"`);
    }
    if (statements.length === 0) throw new ParseError("nothing to compute: type an expression, e.g. a = 2; b = -3; c = a*b + tanh(a)");
    return statements;
  }

  /** Build the graph with the port's Value; returns {out, names: Map<Value, string>}. */
  function build(statements, Value) {
    const env = new Map();
    const names = new Map();
    let out = null;
    let results = 0;
    const value = (e) => {
      if (e.num !== undefined) {
        const v = new Value(e.num);
        names.set(v, String(e.num));
        return v;
      }
      if (e.ref !== undefined) {
        if (!env.has(e.ref)) throw new ParseError(`${e.where}: "${e.ref}" is not defined yet (define it first, e.g. ${e.ref} = 1.5)`);
        return env.get(e.ref);
      }
      const args = e.args.map(value);
      const v = e.op === "pow" ? args[0].pow(e.k) : args.length === 2 ? args[0][e.op](args[1]) : args[0][e.op]();
      results += 1;
      names.set(v, `t${results}`);
      return v;
    };
    statements.forEach((s, k) => {
      if (s.name !== null && env.has(s.name)) throw new ParseError(`statement ${k + 1}: "${s.name}" is defined twice (every name is defined once)`);
      let v;
      if (s.expr.num !== undefined) {
        v = new Value(s.expr.num, { label: s.name ?? "" }); // `a = 2.0`: a leaf called a
      } else {
        v = value(s.expr);
        if (s.expr.ref !== undefined && s.name !== null) throw new ParseError(`statement ${k + 1}: "${s.name} = ${s.expr.ref}" only renames a Value; compute something with it`);
        if (s.name !== null) v.label = s.name;
      }
      if (s.name !== null) {
        env.set(s.name, v);
        names.set(v, s.name);
      }
      out = v;
    });
    return { out, names };
  }

  const SYMBOL = { "+": "+", "-": "−", "*": "×", "/": "÷", neg: "−x" };

  /**
   * The reverse walk as frames. Frame 0: every grad 0, the output's seeded to 1. Then one frame
   * per node of the port's own topological order, last first: that node pushes local × grad
   * into each parent. Each frame carries every node's grad after it.
   */
  function walk(src, api) {
    const { out, names } = build(parse(src), api.Value);
    const topo = out._topologicalOrder(); // the port's order: parents before children
    const id = new Map(topo.map((v, k) => [v, k]));
    const nodes = topo.map((v, k) => ({
      id: k,
      name: names.get(v) ?? `n${k}`,
      labelled: v.label !== "",
      op: v._op,
      symbol: SYMBOL[v._op] ?? v._op,
      data: v.data,
      parents: v._prev.map((p) => id.get(p)),
      locals: v._localGrads,
    }));
    const grads = topo.map(() => 0);
    grads[id.get(out)] = 1;
    const frames = [{ node: id.get(out), seed: true, updates: [], grads: grads.slice() }];
    for (let k = topo.length - 1; k >= 0; k--) {
      const n = nodes[k];
      const updates = n.parents.map((p, j) => {
        const before = grads[p];
        grads[p] += n.locals[j] * grads[k]; // the chain rule, exactly as backward() does it
        return { parent: p, local: n.locals[j], upstream: grads[k], before, after: grads[p] };
      });
      frames.push({ node: k, seed: false, updates, grads: grads.slice() });
    }
    // The port's own backward() on a fresh graph: the walk must end where it ends.
    const fresh = build(parse(src), api.Value);
    fresh.out.backward();
    const byName = {};
    fresh.out._topologicalOrder().forEach((v) => {
      if (v.label !== "") byName[v.label] = v.grad;
    });
    const final = {};
    nodes.forEach((n) => {
      if (n.labelled) final[n.name] = grads[n.id];
    });
    return { nodes, frames, output: id.get(out), final, backward: byName };
  }

  const num = (x) => {
    if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toFixed(1);
    const s = String(Number(x.toPrecision(6)));
    return s;
  };

  /** One update as the page writes it: `a.grad += 1.5 × 2.0 → 3.0`. */
  function describeUpdate(nodes, u) {
    return `${nodes[u.parent].name}.grad += ${num(u.local)} × ${num(u.upstream)} → ${num(u.after)}`;
  }

  globalThis.Backprop = { parse, build, walk, describeUpdate, num, ParseError, FUNCS };
})();
