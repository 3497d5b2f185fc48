// The site in a real browser: Debian's chromium driven by playwright-core (never a browser
// download). Serves the built site from 127.0.0.1, loads every page listed in site/pages.json,
// and fails on any console error, page error, failed request or missing port column. The live
// demo must train (its loss must go down, and match the Python reference where it is given).
// backprop.html is stepped to the end of every built-in example (gradients = the reference's),
// the port picker is toggled (two ports: no line wraps, lines fit at 1400 px, the choice holds
// on the next page), and live.html and backprop.html are opened from file:// too.
// Screenshots go to site/screenshots/.
//
//     node tools/site/browser_test.mjs [SITE_DIR]      (nox -s site_test)
//
// Without chromium it prints why and exits 77: a failure (nox's site_test checks for chromium
// before it gets here, and skips, or in CI fails, saying so).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium } from "playwright-core";

const SKIP = 77;
const site = path.resolve(process.argv[2] ?? "site");
const shots = path.join(site, "screenshots");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

function findChromium() {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const c of candidates) if (c && existsSync(c)) return c;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim() || null;
    } catch {
      // not on PATH: try the next name
    }
  }
  return null;
}

function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const results = [];
function check(name, ok, detail = "") {
  results.push({ name, ok });
  const shown = String(detail).replace(/\s*\n\s*/g, " | ");
  console.log(`${ok ? "ok" : "not ok"} - ${name}${shown ? `: ${shown}` : ""}`);
}

async function openPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (resp) => {
    if (resp.status() >= 400) problems.push(`HTTP ${resp.status()}: ${resp.url()}`);
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, problems };
}

async function conceptChecks(page, entry) {
  const columns = await page.$$eval(".port-column", (els) =>
    els.map((el) => ({
      port: el.dataset.port,
      code: el.querySelector("pre")?.textContent.trim() ?? "",
      missing: !!el.querySelector(".missing"),
    })),
  );
  const byPort = Object.fromEntries(columns.map((c) => [c.port, c]));
  const absent = entry.ports.filter((p) => !byPort[p] || byPort[p].missing || !byPort[p].code);
  check(`${entry.path}: a column with code for each of ${entry.ports.join(", ")}`, absent.length === 0 && columns.length === entry.ports.length, absent.length ? `missing: ${absent.join(", ")}` : "");
  // Columns side by side, two to a row at 1400 px (each wide enough for ~100 characters).
  const tops = await page.$$eval(".port-column", (els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
  const rows = tops.map((_, k) => tops.slice(k - (k % 2), k - (k % 2) + 2));
  check(`${entry.path}: columns side by side, two to a row`, rows.every((r) => r.every((t) => t === r[0])) && new Set(tops).size === Math.ceil(tops.length / 2), `tops ${tops.join(", ")}`);
  const highlighted = await page.$$eval(".port-column .hl span", (els) => els.length);
  check(`${entry.path}: code is highlighted`, highlighted > 0, `${highlighted} highlighted tokens`);
}

async function liveChecks(page) {
  // 100 steps of the moons MLP in the page; generous for a loaded 2-core machine.
  await page.waitForFunction(() => window.liveDemo?.done || window.liveDemo?.error, null, { timeout: 300_000 });
  const demo = await page.evaluate(() => window.liveDemo);
  check("live.html: the demo ran without an error", !demo.error, demo.error ?? "");
  const losses = demo.losses;
  check("live.html: 100 steps trained", losses.length === 100, `${losses.length} steps`);
  const first = losses[0];
  const last = losses[losses.length - 1];
  check("live.html: the loss goes down", last < first / 2, `${first} -> ${last}`);
  if (demo.reference) {
    const worst = Math.max(...losses.map((v, k) => Math.abs(v - demo.reference[k]) / Math.abs(demo.reference[k])));
    check("live.html: browser losses match the Python reference (rtol 1e-8)", worst <= 1e-8, `largest relative difference ${worst}`);
  }
}

// ---- backprop.html ----

const state = (page) => page.evaluate(() => ({ frame: backpropState.frame, frames: backpropState.walk?.frames.length ?? 0, final: backpropState.walk?.final, backward: backpropState.walk?.backward, error: backpropState.error }));

async function walkToEnd(page, label) {
  const start = await state(page);
  check(`${label}: the walk starts at the seed`, start.frame === 0 && start.frames > 1, `frame ${start.frame} of ${start.frames}`);
  await page.focus("#step");
  for (let k = 1; k < start.frames; k++) await page.keyboard.press("ArrowRight");
  const end = await state(page);
  check(`${label}: → (arrow key) reaches the last step`, end.frame === end.frames - 1, `frame ${end.frame} of ${end.frames}`);
  return end;
}

async function backpropChecks(page, entry, where) {
  const data = await page.evaluate(() => window.BACKPROP_DATA);
  for (const id of entry.examples) {
    await page.selectOption("#example", id);
    const ex = data.examples.find((e) => e.id === id);
    const end = await walkToEnd(page, `backprop.html${where} ${id}`);
    const names = Object.keys(ex.reference);
    const bad = names.filter((n) => end.final[n] !== ex.reference[n]);
    check(`backprop.html${where} ${id}: final gradients = the Python reference's (${names.length} labelled nodes)`, bad.length === 0 && names.length > 0, bad.map((n) => `${n}: walk ${end.final[n]} vs reference ${ex.reference[n]}`).join(", "));
    const own = Object.keys(end.backward).filter((n) => end.backward[n] !== end.final[n]);
    check(`backprop.html${where} ${id}: the walk ends where the port's backward() does`, own.length === 0, own.join(", "));
    const verdict = await page.textContent("#verdict");
    check(`backprop.html${where} ${id}: the page says the walk matches the reference`, /gives exactly the same gradients/.test(verdict) && !/DISAGREE/.test(verdict), verdict);
  }
  if (where) return;
  // Mid-walk on the lecture's neuron: one current node, its update written with numbers, the
  // update lines of `backward` lit in every shown port.
  await page.selectOption("#example", "lecture-neuron");
  for (let k = 0; k < 4; k++) await page.click("#step");
  const mid = await page.evaluate(() => ({
    current: document.querySelectorAll("#graph .node.current").length,
    updated: document.querySelectorAll("#graph .node.updated").length,
    lines: document.querySelector("#narration-lines").textContent,
    hot: [...document.querySelectorAll(".port-column:not([hidden])")].filter((c) => !c.closest(".op-view")).map((c) => ({ port: c.dataset.port, update: c.querySelectorAll(".line.hot[data-role=update]").length, loop: c.querySelectorAll(".line.hot[data-role=loop]").length })),
  }));
  check("backprop.html: mid-walk, one node is current and its parents are marked", mid.current === 1 && mid.updated >= 1, `${mid.current} current, ${mid.updated} updated`);
  check("backprop.html: each update is written with its numbers", /^\w+\.grad \+= \S+ × \S+ → \S+$/m.test(mid.lines), mid.lines);
  const unlit = mid.hot.filter((h) => h.update < 1 || h.loop < 1).map((h) => h.port);
  check(`backprop.html: the loop and update lines of backward are lit in ${mid.hot.length} ports`, mid.hot.length === entry.ports.length && unlit.length === 0, unlit.join(", "));
  // Below it, the code of the op that stored the current node's local derivatives.
  const opView = () => page.evaluate(() => {
    const w = backpropState.walk;
    const cur = w.nodes[w.frames[backpropState.frame].node];
    const shown = [...document.querySelectorAll(".op-view:not([hidden])")];
    return {
      op: cur.op, leaf: cur.parents.length === 0, shown: shown.map((v) => v.dataset.op),
      columns: shown.length ? [...shown[0].querySelectorAll(".port-column:not([hidden]) pre.code")].filter((p) => p.clientWidth > 0).length : 0,
      size: shown.length ? shown[0].querySelector(".code-view").style.getPropertyValue("--code-size") : "",
      note: document.querySelector("#op-note").textContent,
    };
  });
  const op = await opView();
  const region = { "+": "add", "-": "sub", "*": "mul", "/": "div" }[op.op] ?? op.op;
  check(`backprop.html: mid-walk, the code of the current node's op (${op.op}) is shown in ${op.columns} ports`, !op.leaf && op.shown.length === 1 && op.shown[0] === region && op.columns === entry.ports.length, JSON.stringify(op));
  check("backprop.html: the shown op's code was fitted to its now visible columns", parseFloat(op.size) >= 10, op.size);
  check("backprop.html: the note gives the op's stored local derivatives with their numbers", /was made by \w+ in the forward pass.*∂\w+\/∂\w+ = -?\d/.test(op.note), op.note);
  await page.screenshot({ path: path.join(shots, "backprop-mid-walk.png"), fullPage: true });
  await page.keyboard.press("ArrowLeft");
  check("backprop.html: ← steps back", (await state(page)).frame === 3);
  const leaf = await opView();
  check("backprop.html: at a leaf no op is shown, and the note says why", leaf.leaf && leaf.shown.length === 0 && /is a leaf: no op made it/.test(leaf.note), JSON.stringify(leaf));
  await page.click("#play");
  await page.waitForFunction(() => backpropState.frame > 3, null, { timeout: 10_000 });
  await page.click("#play");
  check("backprop.html: Play moves on by itself", (await state(page)).frame > 3);
  await page.click("#reset");
  check("backprop.html: Reset goes back to the seed", (await state(page)).frame === 0);
  // A typed expression, and one the parser cannot read.
  await page.fill("#source", "x = 0.5\ny = 2 * x ** 3 - exp(x) / x");
  await page.click("#build");
  const typed = await walkToEnd(page, "backprop.html typed expression");
  const x = 0.5;
  const dx = 6 * x * x - (Math.exp(x) * x - Math.exp(x)) / (x * x);
  check("backprop.html: a typed expression's gradient is the calculus one", Math.abs(typed.final.x - dx) < 1e-12, `${typed.final.x} vs ${dx}`);
  await page.fill("#source", "a = 2\nb = a $ 3");
  await page.click("#build");
  const message = await page.textContent("#parse-error");
  check("backprop.html: an unreadable expression gets a clear message", /line 2, column 7: I cannot read "\$"/.test(message), message);
}

// ---- the port picker and the code columns ----

async function pickerChecks(browser, base, manifest) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const concepts = manifest.pages.filter((p) => p.kind === "concept").map((p) => p.path);
  const two = ["python", "rust"].filter((p) => manifest.ports.includes(p));
  await page.goto(base + "concept-backward.html", { waitUntil: "load" });
  for (const port of manifest.ports) {
    if (!two.includes(port)) await page.uncheck(`.port-picker input[value="${port}"]`);
  }
  const shown = () => page.$$eval(".port-column", (els) => els.filter((e) => !e.hidden).map((e) => e.dataset.port));
  check(`port picker: ${two.join(" + ")} left shown`, JSON.stringify(await shown()) === JSON.stringify(two), (await shown()).join(", "));
  await page.screenshot({ path: path.join(shots, "concept-backward-two-ports.png"), fullPage: true });
  const layout = () =>
    page.$$eval(".port-column:not([hidden]) pre.code", (pres) =>
      pres.map((pre) => {
        const lineHeight = parseFloat(getComputedStyle(pre).lineHeight);
        const wrapped = [...pre.querySelectorAll(".line")].filter((l) => l.getBoundingClientRect().height > lineHeight * 1.5).length;
        return { port: pre.closest(".port-column").dataset.port, wrapped, overflow: pre.scrollWidth - pre.clientWidth, font: getComputedStyle(pre).fontSize };
      }),
    );
  const wraps = [];
  const scrolls = [];
  const fonts = new Set();
  for (const concept of concepts) {
    await page.goto(base + concept, { waitUntil: "load" });
    const cols = await layout();
    if (JSON.stringify(cols.map((c) => c.port)) !== JSON.stringify(two)) wraps.push(`${concept}: shows ${cols.map((c) => c.port)}`);
    for (const c of cols) {
      if (c.wrapped) wraps.push(`${concept} ${c.port}: ${c.wrapped} wrapped lines`);
      if (c.overflow > 0) scrolls.push(`${concept} ${c.port}: ${c.overflow}px too wide at ${c.font}`);
      fonts.add(c.font);
    }
  }
  check(`port picker: the choice holds on all ${concepts.length} concept pages, and no code line wraps`, wraps.length === 0, wraps.join("; "));
  check(`two ports at 1400 px: every line fits without scrolling on all ${concepts.length} concept pages`, scrolls.length === 0, scrolls.length ? scrolls.join("; ") : `font sizes ${[...fonts].join(", ")}`);
  // Four ports: in rows of two, still no wrap; a column too narrow scrolls sideways instead.
  for (const port of manifest.ports) await page.check(`.port-picker input[value="${port}"]`);
  const four = await layout();
  check("four ports: no code line wraps (columns scroll sideways)", four.length === manifest.ports.length && four.every((c) => c.wrapped === 0), JSON.stringify(four));
  await context.close();
}

// ---- pages opened from disk ----

async function fileChecks(browser, manifest) {
  const live = await openPage(browser, "file://" + path.join(site, "live.html"));
  const warning = await live.page.evaluate(() => {
    const w = document.getElementById("file-warning");
    return { visible: !!w && !w.hidden && w.getBoundingClientRect().height > 0, text: w?.textContent ?? "", status: document.getElementById("status")?.textContent };
  });
  check("live.html from file://: says why it cannot start and what to run", warning.visible && warning.text.includes("nox -s site -- --serve") && /opened it from disk/.test(warning.text), warning.text.replace(/\s+/g, " ").slice(0, 160));
  check("live.html from file://: no endless “loading…”", !/loading/.test(warning.status ?? ""), warning.status);
  await live.page.screenshot({ path: path.join(shots, "live-from-file.png"), fullPage: true });
  await live.page.close();
  const entry = manifest.pages.find((p) => p.kind === "backprop");
  if (entry) {
    const bp = await openPage(browser, "file://" + path.join(site, "backprop.html"));
    await backpropChecks(bp.page, { ...entry, examples: [entry.examples[0]] }, " (file://)");
    check("backprop.html from file://: no console error, page error or failed request", bp.problems.length === 0, bp.problems.join(" | "));
    await bp.page.close();
  }
}

async function main() {
  const executablePath = findChromium();
  if (!executablePath) {
    console.log("SKIP: no chromium found (/usr/bin/chromium or on PATH): the browser test did not run. Install Debian's chromium (apt-get install chromium); CI's .ci/run does.");
    process.exit(SKIP);
  }
  const manifest = JSON.parse(readFileSync(path.join(site, "pages.json"), "utf8"));
  mkdirSync(shots, { recursive: true });
  const server = await serve(site);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  console.log(`browser: ${executablePath} ${browser.version()}; site ${base}`);
  try {
    for (const entry of manifest.pages) {
      const { page, problems } = await openPage(browser, base + entry.path);
      if (entry.kind === "concept") await conceptChecks(page, entry);
      if (entry.kind === "live") {
        await liveChecks(page);
        await page.screenshot({ path: path.join(shots, "live-demo.png"), fullPage: true });
      }
      if (entry.kind === "same-seed") {
        const verdict = await page.textContent("#verdict");
        // Only the success sentence of build.py's verdict: "N port(s) agree within ...", never
        // "N port(s) DO NOT agree within ...".
        check("same-seed.html: the ports agree within the train tolerance", /^\s*\d+ port\(s\) agree within the train tolerance/.test(verdict), verdict.trim().replace(/\s+/g, " "));
        await page.screenshot({ path: path.join(shots, "same-seed.png"), fullPage: true });
      }
      if (entry.kind === "backprop") await backpropChecks(page, entry, "");
      if (entry.kind === "bench") {
        const text = await page.textContent("main");
        const recorded = await page.$("#bench-date");
        const charts = await page.$$eval("figure.bench-chart svg rect.bar", (els) => els.length);
        check("bench.html: a dated recorded run with its ns/node chart, or how to make one", recorded ? charts > 0 && /Machine:/.test(text) : /No recorded bench run/.test(text), recorded ? `${charts} bars` : "no recorded run in this tree");
        check("bench.html: says how to refresh it", /To refresh: on a quiet machine run/.test(text));
        await page.screenshot({ path: path.join(shots, "bench.png"), fullPage: true });
      }
      if (entry.kind === "porting") {
        const rows = await page.$$eval("table.features tbody tr", (els) => els.length);
        const blocks = await page.$$eval(".porting pre", (els) => els.length);
        check("porting.html: the guide, its code and the features table", rows > 10 && blocks >= 8, `${blocks} code blocks, ${rows} features`);
        await page.screenshot({ path: path.join(shots, "porting.png"), fullPage: true });
      }
      if (entry.kind === "graphs") {
        const n = await page.$$eval("figure.graph svg", (els) => els.length);
        check("graphs.html: the example graphs are drawn", n >= 3, `${n} SVG graphs`);
        await page.screenshot({ path: path.join(shots, "graphs.png"), fullPage: true });
      }
      if (entry.path === "concept-add.html" || entry.path === "concept-tanh.html") {
        await page.screenshot({ path: path.join(shots, entry.path.replace(".html", ".png")), fullPage: true });
      }
      // No dead end: every link to a page of the site names a file the site has.
      const hrefs = await page.$$eval("a[href]", (els) => els.map((a) => a.getAttribute("href")));
      const dead = [...new Set(hrefs.filter((h) => !/^(https?:|#|mailto:)/.test(h)).map((h) => h.split("#")[0]).filter((h) => h && !existsSync(path.join(site, h))))];
      check(`${entry.path}: every link to the site leads to a file of the site`, dead.length === 0, dead.join(", "));
      check(`${entry.path}: no console error, page error or failed request`, problems.length === 0, problems.join(" | "));
      await page.close();
    }
    if (manifest.ports.includes("js")) {
      check("the live demo page was tested", manifest.pages.some((p) => p.kind === "live"));
      check("backprop.html was tested", manifest.pages.some((p) => p.kind === "backprop"));
    }
    await pickerChecks(browser, base, manifest);
    await fileChecks(browser, manifest);
  } finally {
    await browser.close();
    server.close();
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`screenshots in ${shots}`);
  console.log(`browser test: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
