// The package in a real browser: headless Chromium loads test/browser/index.html,
// which imports ../../src/index.js unbundled and trains a small seeded MLP.
// Served from a tiny local HTTP server (ES modules don't load from file://).
// Debian's chromium is used (never a downloaded browser); without one this
// test skips and says so.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { delimiter, extname, join, normalize, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { MLP, SGD, mseLoss } from "../src/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url)); // js/
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json" };

function findChromium() {
  if (process.env.CHROMIUM && existsSync(process.env.CHROMIUM)) return process.env.CHROMIUM;
  const dirs = ["/usr/bin", ...(process.env.PATH ?? "").split(delimiter)];
  for (const dir of dirs) {
    for (const name of ["chromium", "chromium-browser"]) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return null;
}

/** Serve js/ read-only on 127.0.0.1 at a free port. */
function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!path.startsWith(ROOT) || path.includes(`${sep}node_modules${sep}`) || !existsSync(path) || !TYPES[extname(path)]) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The same training as the page, in Node. */
function trainInNode() {
  const X = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const model = new MLP(2, [8, 1], { seed: 1337 });
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses = [];
  for (let step = 0; step < 40; step++) {
    opt.zeroGrad();
    const loss = mseLoss(
      X.map((x) => model.forward(x)),
      [-1, 1, 1, -1],
    );
    loss.backward();
    opt.step();
    losses.push(loss.data);
  }
  return losses;
}

const chromiumPath = findChromium();

test(
  "a page that imports src/index.js trains an MLP in headless Chromium",
  { skip: chromiumPath === null ? "no chromium binary found (apt-get install chromium): browser test not run" : false, timeout: 120_000 },
  async () => {
    const { chromium } = await import("playwright-core");
    const server = await serve();
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage();
      const problems = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));
      page.on("response", (res) => {
        if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
      });
      const { port } = server.address();
      await page.goto(`http://127.0.0.1:${port}/test/browser/index.html`);
      await page.waitForFunction(() => "rosettagradResult" in window, null, { timeout: 60_000 });
      const result = await page.evaluate(() => window.rosettagradResult);
      assert.deepEqual(problems, []);

      const { losses, predictions } = result;
      assert.equal(losses.length, 40);
      assert.ok(losses[39] < losses[0] / 4, `loss went ${losses[0]} -> ${losses[39]}`);
      assert.ok(predictions[0] < 0 && predictions[1] > 0 && predictions[2] > 0 && predictions[3] < 0, `${predictions}`);
      assert.equal(result.dotStart, "digraph {");
      // The browser's engine computes what Node computes (same seeded weights, same graph).
      const nodeLosses = trainInNode();
      losses.forEach((l, i) => assert.ok(Math.abs(l - nodeLosses[i]) <= 1e-12 * Math.abs(nodeLosses[i]) + 1e-15, `step ${i}`));
      assert.match(await page.textContent("#log"), /step 39: loss/);
    } finally {
      await browser.close();
      server.close();
    }
  },
);
