#!/usr/bin/env node
// The JavaScript bench runner (impl `js`): measures one workload, prints one JSON line.
//
//   node bench/runners/bench.js WORKLOAD [--moons PATH] [--warmup N] [--repeat N] [--size N] [--steps N]
//
// Workloads and output are the protocol of bench/README.md; bench/run.py is the harness.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { MLP, Value, hingeLoss, l2Penalty } from "../../js/src/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WORKLOADS = ["moons", "chain", "wide", "memory"];

function parseArgs(argv) {
  const opts = {
    workload: null,
    moons: resolve(ROOT, "conformance", "data", "moons.json"),
    warmup: 2,
    repeat: 5,
    size: 1_000_000,
    steps: 1000,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const name = arg.slice(2);
      if (!(name in opts) || name === "workload") fail(`unknown option ${arg}`);
      const value = argv[++i];
      if (value === undefined) fail(`${arg} needs a value`);
      if (name === "moons") {
        opts.moons = resolve(value);
      } else {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) fail(`${arg} needs a non-negative integer, got ${JSON.stringify(value)}`);
        opts[name] = n;
      }
    } else if (opts.workload === null) {
      opts.workload = arg;
    } else {
      fail(`unexpected argument ${JSON.stringify(arg)}`);
    }
  }
  if (!WORKLOADS.includes(opts.workload)) {
    fail(`usage: bench.js ${WORKLOADS.join("|")} [--moons PATH] [--warmup N] [--repeat N] [--size N] [--steps N]`);
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`bench.js: ${message}\n`);
  process.exit(2);
}

/** micrograd's demo: MLP(2, [16, 16, 1], relu), hinge + 1e-4·L2, SGD with a decaying lr. */
function moonsTrainer(path) {
  const data = JSON.parse(readFileSync(path, "utf8"));
  const X = data.X;
  const y = data.y;
  const model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 1337 });
  const params = model.parameters();
  let k = 0;
  let nodes = 0;
  return {
    step() {
      const scores = X.map((x) => model.forward(x));
      const loss = hingeLoss(scores, y).add(new Value(1e-4).mul(l2Penalty(params)));
      model.zeroGrad();
      loss.backward();
      const lr = 1.0 - (0.9 * k) / 100;
      for (const p of params) p.data = p.data - lr * p.grad;
      k += 1;
      return loss;
    },
    countNodes(loss) {
      nodes = loss._topologicalOrder().length;
      return nodes;
    },
  };
}

function chainRun(size) {
  const x = new Value(1.0);
  const c = new Value(0.999999);
  let y = x;
  for (let i = 0; i < size; i++) y = y.mul(c);
  y.backward();
  return y;
}

function wideRun(size) {
  let level = [];
  for (let i = 0; i < size; i++) level.push(new Value(i / size).mul(new Value(1 - i / size)));
  while (level.length > 1) {
    const next = [];
    for (let j = 0; j + 1 < level.length; j += 2) next.push(level[j].add(level[j + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  level[0].backward();
  return level[0];
}

function timed(opts, run) {
  let last = null;
  for (let i = 0; i < opts.warmup; i++) {
    last = null; // let the previous graph go before the next one is built
    last = run();
  }
  const times = [];
  for (let i = 0; i < opts.repeat; i++) {
    last = null;
    const t0 = process.hrtime.bigint();
    last = run();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { times, last };
}

function rssMb() {
  const status = readFileSync("/proc/self/status", "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (match === null) throw new Error("no VmRSS line in /proc/self/status");
  return Number(match[1]) / 1024;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let result;
  if (opts.workload === "moons") {
    const trainer = moonsTrainer(opts.moons);
    const { times, last } = timed(opts, () => trainer.step());
    result = { times, nodes: last === null ? 0 : trainer.countNodes(last) };
  } else if (opts.workload === "chain" || opts.workload === "wide") {
    const run = opts.workload === "chain" ? () => chainRun(opts.size) : () => wideRun(opts.size);
    const { times, last } = timed(opts, run);
    result = { times, nodes: last === null ? 0 : last._topologicalOrder().length };
  } else {
    const trainer = moonsTrainer(opts.moons);
    const rssStart = rssMb(); // data loaded, model made, no step's graph yet
    let rss100 = null;
    for (let i = 1; i <= opts.steps; i++) {
      trainer.step();
      if (i === Math.min(100, opts.steps)) rss100 = rssMb();
    }
    result = { rss_mb_start: rssStart, rss_mb_100: rss100, rss_mb_1000: rssMb() };
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench.js: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
