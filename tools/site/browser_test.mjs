// The site in a real browser: Debian's chromium driven by playwright-core (never a browser
// download). Serves the built site from 127.0.0.1, loads every page listed in site/pages.json,
// and fails on any console error, page error, failed request or missing port column. The live
// demo must train (its loss must go down, and match the Python reference where it is given).
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
  console.log(`${ok ? "ok" : "not ok"} - ${name}${detail ? `: ${detail}` : ""}`);
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
  // Columns side by side: every column starts at the same height on a wide screen.
  const tops = await page.$$eval(".port-column", (els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));
  check(`${entry.path}: columns side by side`, new Set(tops).size === 1, `tops ${tops.join(", ")}`);
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
      if (entry.kind === "graphs") {
        const n = await page.$$eval("figure.graph svg", (els) => els.length);
        check("graphs.html: the example graphs are drawn", n >= 3, `${n} SVG graphs`);
        await page.screenshot({ path: path.join(shots, "graphs.png"), fullPage: true });
      }
      if (entry.path === "concept-add.html" || entry.path === "concept-tanh.html") {
        await page.screenshot({ path: path.join(shots, entry.path.replace(".html", ".png")), fullPage: true });
      }
      check(`${entry.path}: no console error, page error or failed request`, problems.length === 0, problems.join(" | "));
      await page.close();
    }
    if (manifest.ports.includes("js")) {
      check("the live demo page was tested", manifest.pages.some((p) => p.kind === "live"));
    }
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
