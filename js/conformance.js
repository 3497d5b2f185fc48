#!/usr/bin/env node
// The conformance adapter (protocol 1, impl `js`): evaluate cases, print JSON, judge nothing.
//
//     node js/conformance.js describe
//     node js/conformance.js run IN.json
//
// The harness (conformance/harness.py) strips the expectations, runs this, and
// compares. It mirrors python/src/rosettagrad/conformance.py and uses only the
// package's public API. See conformance/SPEC.md and DESIGN §4.

import { readFileSync } from "node:fs";

import { Adam, Layer, MLP, Neuron, SGD, Value, hingeLoss, l2Penalty, mseLoss, sseLoss, version } from "./src/index.js";

const PROTOCOL = 1;

// Every feature of conformance/features.json: the port implements all of them.
const FEATURES = [
  ...["add", "sub", "mul", "div", "neg", "pow"].map((op) => `op.${op}`),
  ...["relu", "tanh", "exp", "log", "sigmoid"].map((op) => `op.${op}`),
  "graph.const",
  "graph.reuse",
  "graph.deep",
  "graph.wide",
  "backward.repeat",
  "ieee.nonfinite",
  "mlp",
  ...["tanh", "relu", "sigmoid", "linear"].map((a) => `act.${a}`),
  ...["mse", "sse", "hinge"].map((name) => `loss.${name}`),
  "reg.l2",
  "train.sgd",
  "train.sgd.momentum",
  "train.weight_decay",
  "train.adam",
  "init.seed",
  "init.seed.u64",
  "reject",
  ...["value", "op", "module", "seed", "call", "optimizer", "loss", "memory"].map((g) => `reject.${g}`),
];

const SPECIALS = { nan: NaN, inf: Infinity, "-inf": -Infinity };

/** A case-file number: a JSON number or one of "nan", "inf", "-inf". */
function number(x) {
  if (typeof x === "string" && Object.hasOwn(SPECIALS, x)) return SPECIALS[x];
  if (typeof x !== "number") throw new TypeError(`expected a number or "nan"/"inf"/"-inf", got ${JSON.stringify(x)}`);
  return x;
}

/** JSON.stringify writes -0 as 0: a negative zero travels as this marker, then as -0.0. */
const NEGATIVE_ZERO = "\u0000-0.0";

/** JSON has no NaN or infinities: they travel as strings. -0 keeps its sign (SPEC §3.2). */
function encode(x) {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Object.is(x, -0)) return NEGATIVE_ZERO;
  return x;
}

/** A required field of a case, with a clear error when it is missing or of the wrong shape. */
function field(obj, name, check = () => true, what = "") {
  if (obj === null || typeof obj !== "object" || !Object.hasOwn(obj, name)) {
    throw new TypeError(`missing field ${JSON.stringify(name)}`);
  }
  const value = obj[name];
  if (!check(value)) throw new TypeError(`field ${JSON.stringify(name)} must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

const isList = (x) => Array.isArray(x);
const isObject = (x) => x !== null && typeof x === "object" && !Array.isArray(x);

// ---- expr: a straight-line program over Values ----

const BINARY = {
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
};
const UNARY = {
  neg: (a) => a.neg(),
  relu: (a) => a.relu(),
  tanh: (a) => a.tanh(),
  exp: (a) => a.exp(),
  log: (a) => a.log(),
  sigmoid: (a) => a.sigmoid(),
};

function runExpr(c) {
  const env = new Map();
  for (const [name, x] of Object.entries(field(c, "inputs", isObject, "an object"))) {
    env.set(name, new Value(number(x), { label: name }));
  }
  const lookup = (name) => {
    if (typeof name !== "string") throw new TypeError(`expected a name, got ${JSON.stringify(name)}`);
    if (!env.has(name)) throw new RangeError(`name ${JSON.stringify(name)} is used before it is defined`);
    return env.get(name);
  };
  // A name is a Value defined earlier; a number is a constant the engine wraps.
  const arg = (a) => (typeof a === "string" ? lookup(a) : number(a));

  for (const op of field(c, "ops", isList, "an array")) {
    if (!Array.isArray(op) || op.length < 3) throw new TypeError(`an op must be [name, op, arg, arg?], got ${JSON.stringify(op)}`);
    const [name, opname, ...args] = op;
    if (env.has(name)) throw new RangeError(`name ${JSON.stringify(name)} is defined twice`);
    let out;
    if (Object.hasOwn(BINARY, opname)) {
      if (args.length !== 2) throw new RangeError(`op ${JSON.stringify(name)}: ${opname} takes 2 arguments, got ${args.length}`);
      const [a, b] = args.map(arg);
      if (!(a instanceof Value) && !(b instanceof Value)) {
        throw new TypeError(`op ${JSON.stringify(name)}: at least one operand must be a name`);
      }
      // A number on the left is a leaf, as Python's reflected ops make it (2 * x).
      out = BINARY[opname](a instanceof Value ? a : new Value(a), b);
    } else if (Object.hasOwn(UNARY, opname)) {
      if (args.length !== 1) throw new RangeError(`op ${JSON.stringify(name)}: ${opname} takes 1 argument, got ${args.length}`);
      out = UNARY[opname](lookup(args[0]));
    } else if (opname === "pow") {
      if (args.length !== 2) throw new RangeError(`op ${JSON.stringify(name)}: pow takes 2 arguments, got ${args.length}`);
      out = lookup(args[0]).pow(number(args[1]));
    } else {
      throw new RangeError(`unknown op ${JSON.stringify(opname)}`);
    }
    env.set(name, out);
  }
  const output = lookup(field(c, "output"));
  const calls = c.backward_calls ?? 1;
  if (!Number.isInteger(calls) || calls < 0) throw new RangeError(`backward_calls must be a count, got ${JSON.stringify(calls)}`);
  for (let i = 0; i < calls; i++) output.backward();
  const grads = {};
  for (const [name, v] of env) grads[name] = encode(v.grad);
  return { value: encode(output.data), grads };
}

// ---- mlp, train, init: the nn layer ----

function modelOptions(m) {
  return {
    activation: field(m, "activation"),
    outputActivation: field(m, "output_activation"),
  };
}

function buildModel(c) {
  const m = field(c, "model", isObject, "an object");
  // The seed only makes construction deterministic; the case's parameters replace it.
  const model = new MLP(field(m, "nin"), field(m, "nouts"), { ...modelOptions(m), seed: 0 });
  const params = model.parameters();
  const values = field(c, "parameters", isList, "an array");
  if (values.length !== params.length) {
    throw new RangeError(`model has ${params.length} parameters, case gives ${values.length}`);
  }
  params.forEach((p, i) => {
    p.data = number(values[i]);
  });
  return model;
}

/** The outputs (rows of K Values) and the case's loss (SPEC §2.5). */
function forwardLoss(model, c) {
  const inputs = field(c, "inputs", isList, "an array");
  const rows = inputs.map((row) => {
    if (!Array.isArray(row)) throw new TypeError(`an input row must be an array, got ${JSON.stringify(row)}`);
    const out = model.forward(row.map(number));
    return out instanceof Value ? [out] : out;
  });
  const targets = field(c, "targets", isList, "an array").map((row) => {
    if (!Array.isArray(row)) throw new TypeError(`a target row must be an array, got ${JSON.stringify(row)}`);
    return row.map(number);
  });
  const k = rows.length > 0 ? rows[0].length : 0;
  const preds = k === 1 ? rows.map((row) => row[0]) : rows;
  const targs = k === 1 ? targets.map((row) => (row.length === 1 ? row[0] : row)) : targets;
  const spec = field(c, "loss", isObject, "an object");
  const lossFns = { mse: mseLoss, sse: sseLoss, hinge: hingeLoss };
  const name = field(spec, "name");
  if (!Object.hasOwn(lossFns, name)) throw new RangeError(`unknown loss ${JSON.stringify(name)}`);
  let loss = lossFns[name](preds, targs);
  const l2 = number(spec.l2 ?? 0);
  if (l2 !== 0) loss = loss.add(new Value(l2).mul(l2Penalty(model.parameters())));
  return { rows, loss };
}

function runMlp(c) {
  const model = buildModel(c);
  const { rows, loss } = forwardLoss(model, c);
  loss.backward();
  return {
    outputs: rows.map((row) => row.map((v) => encode(v.data))),
    loss: encode(loss.data),
    grads: model.parameters().map((p) => encode(p.grad)),
  };
}

function makeOptimizer(params, spec) {
  const weightDecay = spec.weight_decay ?? 0;
  const name = field(spec, "name");
  if (name === "sgd") return new SGD(params, { lr: field(spec, "lr"), momentum: spec.momentum ?? 0, weightDecay });
  if (name === "adam") {
    return new Adam(params, {
      lr: field(spec, "lr"),
      betas: [spec.beta1 ?? 0.9, spec.beta2 ?? 0.999],
      eps: spec.eps ?? 1e-8,
      weightDecay,
    });
  }
  throw new RangeError(`unknown optimizer ${JSON.stringify(name)}`);
}

function runTrain(c) {
  const model = buildModel(c);
  const params = model.parameters();
  const opt = makeOptimizer(params, field(c, "optimizer", isObject, "an object"));
  const steps = field(c, "steps", (n) => Number.isInteger(n) && n >= 0, "a count");
  const losses = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const { loss } = forwardLoss(model, c);
    losses.push(encode(loss.data));
    loss.backward();
    opt.step();
  }
  return { losses, parameters: params.map((p) => encode(p.data)) };
}

function runInit(c) {
  const m = field(c, "model", isObject, "an object");
  const seedText = field(c, "seed", (s) => typeof s === "string" && /^[0-9]+$/.test(s), "a decimal string");
  const seed = BigInt(seedText); // exact for every 64-bit seed, unlike a JSON number
  const model = new MLP(field(m, "nin"), field(m, "nouts"), { ...modelOptions(m), seed });
  return { parameters: model.parameters().map((p) => encode(p.data)) };
}

// ---- reject: a call that must fail (SPEC §4.5) ----

/**
 * A call's argument as the nearest JavaScript value: JSON as JSON.parse gives it, except
 * {"$value": x} (a Value), {"$num": "nan"} (a non-finite number), {"$int": "digits"} (a BigInt).
 */
function rejectArg(x) {
  if (isList(x)) return x.map(rejectArg);
  if (!isObject(x)) return x;
  const keys = Object.keys(x);
  if (keys.length === 1 && keys[0] === "$value") return new Value(number(x.$value));
  if (keys.length === 1 && keys[0] === "$num") return number(x.$num);
  if (keys.length === 1 && keys[0] === "$int") return BigInt(x.$int);
  return Object.fromEntries(keys.map((k) => [k, rejectArg(x[k])]));
}

/** The options object of a call: only the keys the case gives, under their JavaScript names. */
function options(args, names) {
  const out = {};
  for (const [key, name] of Object.entries(names)) if (Object.hasOwn(args, key)) out[name] = args[key];
  return out;
}

/** The call under test, built from its description but not yet made. */
function rejectCall(call) {
  const args = Object.fromEntries(Object.entries(call).filter(([k]) => k !== "api").map(([k, v]) => [k, rejectArg(v)]));
  switch (call.api) {
    case "value":
      return () => new Value(args.data);
    case "op": {
      const left = new Value(2);
      return () => (args.op === "pow" ? left.pow(args.operand) : BINARY[args.op](left, args.operand));
    }
    case "neuron":
      return () => new Neuron(args.nin, options(args, { activation: "activation" }));
    case "layer":
      return () => new Layer(args.nin, args.nout, options(args, { activation: "activation" }));
    case "mlp":
      return () =>
        new MLP(args.nin, args.nouts, options(args, { activation: "activation", output_activation: "outputActivation", seed: "seed" }));
    case "call": {
      const module = rejectCall(call.module)(); // a module the ports build: not under test
      return () => module.forward(args.input);
    }
    case "sgd":
      return () => new SGD(args.params, options(args, { lr: "lr", momentum: "momentum", weight_decay: "weightDecay" }));
    case "adam": {
      const opts = options(args, { lr: "lr", betas: "betas", eps: "eps", weight_decay: "weightDecay" });
      if (Object.hasOwn(args, "beta1") || Object.hasOwn(args, "beta2")) {
        // A beta given as null is passed as null: only a missing one is the default.
        const beta = (key, missing) => (Object.hasOwn(args, key) ? args[key] : missing);
        opts.betas = [beta("beta1", 0.9), beta("beta2", 0.999)];
      }
      return () => new Adam(args.params, opts);
    }
    case "loss": {
      const loss = { mse: mseLoss, sse: sseLoss, hinge: hingeLoss }[args.name];
      return () => loss(args.predictions, args.targets);
    }
    default:
      throw new RangeError(`unknown api ${JSON.stringify(call.api)}`);
  }
}

/** What the call threw (the error's name) and its message; raised null if it returned. */
function runReject(c) {
  const call = rejectCall(field(c, "call", isObject, "an object"));
  let out;
  try {
    out = call();
  } catch (err) {
    return err instanceof Error ? { raised: err.name, message: err.message } : { raised: typeof err, message: String(err) };
  }
  return { raised: null, message: `the call returned ${out?.constructor?.name ?? typeof out}` };
}

const KINDS = { expr: runExpr, mlp: runMlp, train: runTrain, init: runInit, reject: runReject };

/** One result; a bad case is an error result, never a crash of the adapter. */
function runCase(c) {
  const id = isObject(c) ? (c.id ?? null) : null;
  try {
    const kind = field(c, "kind");
    if (!Object.hasOwn(KINDS, kind)) throw new RangeError(`unknown kind ${JSON.stringify(kind)}`);
    return { id, status: "ok", actual: KINDS[kind](c) };
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { id, status: "error", message };
  }
}

function describe() {
  return {
    protocol: PROTOCOL,
    implementation: { name: "js", language: "javascript", version },
    features: FEATURES,
  };
}

function run(path) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read ${path} as JSON: ${err.message}`);
  }
  if (!isObject(doc)) throw new UsageError(`${path}: expected a JSON object {"protocol": 1, "cases": [...]}`);
  if (doc.protocol !== PROTOCOL) {
    throw new UsageError(`unsupported protocol ${JSON.stringify(doc.protocol)}: this adapter speaks ${PROTOCOL}`);
  }
  if (!Array.isArray(doc.cases)) throw new UsageError(`${path}: "cases" must be an array`);
  return { protocol: PROTOCOL, results: doc.cases.map(runCase) };
}

class UsageError extends Error {}

const USAGE = "usage: node js/conformance.js describe | run IN.json";

function main(argv) {
  const [command, ...rest] = argv;
  let out;
  if (command === "describe" && rest.length === 0) out = describe();
  else if (command === "run" && rest.length === 1) out = run(rest[0]);
  else throw new UsageError(USAGE);
  process.stdout.write(JSON.stringify(out).replaceAll(JSON.stringify(NEGATIVE_ZERO), "-0.0") + "\n");
}

try {
  main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`conformance.js: ${err instanceof UsageError ? err.message : (err?.stack ?? String(err))}\n`);
  process.exitCode = 2;
}
