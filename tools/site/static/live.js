// The live demo: the JavaScript port (copied unbundled into site/js/rosettagrad/) trains
// MLP(2, [16, 16, 1], relu, seed 1337) on the moons, the same case as the same-seed page, so
// each browser loss can sit next to the Python reference's loss for that step.
// One step per animation frame keeps the page responsive; window.liveDemo exposes the state
// to the browser test (tools/site/browser_test.mjs).
import { MLP, SGD, Value, hingeLoss, l2Penalty } from "../js/rosettagrad/index.js";

const STEPS = 100;
const LR = 0.2;
const L2 = 1e-4;

const state = { step: 0, losses: [], reference: null, done: false, running: true, error: null };
window.liveDemo = state;

const $ = (id) => document.getElementById(id);

async function loadJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function referenceLosses(sameSeed) {
  const python = sameSeed.runs.find((r) => r.impl === "python" && r.ok);
  return python ? python.losses : null;
}

let model, params, opt, X, y;

function reset() {
  model = new MLP(2, [16, 16, 1], { activation: "relu", seed: 1337 });
  params = model.parameters();
  opt = new SGD(params, { lr: LR });
  state.step = 0;
  state.losses = [];
  state.done = false;
  $("toggle").disabled = false;
  $("log").replaceChildren();
}

function trainStep() {
  opt.zeroGrad();
  const scores = X.map((x) => model.forward(x));
  const loss = hingeLoss(scores, y).add(new Value(L2).mul(l2Penalty(params)));
  loss.backward();
  opt.step();
  state.losses.push(loss.data);
  state.step += 1;
  return loss.data;
}

function extent() {
  const xs = X.map((p) => p[0]);
  const ys = X.map((p) => p[1]);
  const pad = 0.4;
  return [Math.min(...xs) - pad, Math.max(...xs) + pad, Math.min(...ys) - pad, Math.max(...ys) + pad];
}

function drawBoundary() {
  const canvas = $("boundary");
  const ctx = canvas.getContext("2d");
  const [x0, x1, y0, y1] = extent();
  const n = 32;
  const cw = canvas.width / n;
  const ch = canvas.height / n;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const px = x0 + ((c + 0.5) * (x1 - x0)) / n;
      const py = y1 - ((r + 0.5) * (y1 - y0)) / n;
      const s = model.forward([px, py]).data;
      ctx.fillStyle = s > 0 ? "#cfe0f5" : "#f6d2cc";
      ctx.fillRect(c * cw, r * ch, cw + 1, ch + 1);
    }
  }
  X.forEach(([px, py], i) => {
    ctx.beginPath();
    ctx.arc(((px - x0) / (x1 - x0)) * canvas.width, (1 - (py - y0) / (y1 - y0)) * canvas.height, 4, 0, 2 * Math.PI);
    ctx.fillStyle = y[i] > 0 ? "#1f5fa8" : "#c0392b";
    ctx.fill();
    ctx.strokeStyle = "white";
    ctx.stroke();
  });
}

function drawLoss() {
  const canvas = $("loss");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const all = state.losses.concat(state.reference ?? []);
  const top = Math.max(...all, 1e-9) * 1.05;
  const xAt = (k) => 30 + ((canvas.width - 40) * k) / (STEPS - 1);
  const yAt = (v) => 10 + (canvas.height - 30) * (1 - v / top);
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(30, 10, canvas.width - 40, canvas.height - 30);
  ctx.fillStyle = "#555";
  ctx.font = "11px sans-serif";
  ctx.fillText(top.toFixed(2), 0, 16);
  ctx.fillText("0", 18, canvas.height - 20);
  const line = (values, colour, dash) => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    values.forEach((v, k) => (k ? ctx.lineTo(xAt(k), yAt(v)) : ctx.moveTo(xAt(k), yAt(v))));
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.setLineDash([]);
  };
  // The browser's curve first, the reference dashed on top: where they agree both stay visible.
  line(state.losses, "#c9a400", []);
  if (state.reference) line(state.reference, "#3572a5", [4, 4]);
}

function logRow(k, loss) {
  const ref = state.reference?.[k];
  const row = document.createElement("tr");
  const same = ref === undefined ? "" : loss === ref ? " (identical)" : ` (Δ ${(loss - ref).toExponential(2)})`;
  row.innerHTML = `<td>${k}</td><td>${loss.toFixed(15)}</td><td>${ref === undefined ? "–" : ref.toFixed(15) + same}</td>`;
  $("log").prepend(row);
}

let scheduled = false;
function schedule() {
  // One pending frame at most, however often pause/restart are clicked.
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    frame();
  });
}

function frame() {
  if (!state.running || state.done) return;
  const k = state.step;
  const loss = trainStep();
  logRow(k, loss);
  if (k % 5 === 0 || state.step === STEPS) drawBoundary();
  drawLoss();
  $("status").textContent = `step ${state.step} of ${STEPS}: loss ${loss.toFixed(6)}`;
  if (state.step >= STEPS) {
    state.done = true;
    $("status").textContent += " — done";
    $("toggle").disabled = true;
    return;
  }
  schedule();
}

async function main() {
  try {
    const moons = await loadJson("data/moons.json");
    X = moons.X;
    y = moons.y;
    try {
      state.reference = referenceLosses(await loadJson("data/same-seed.json"));
    } catch {
      state.reference = null; // the page still trains without the reference curve
    }
    reset();
    drawBoundary();
    $("toggle").addEventListener("click", () => {
      state.running = !state.running;
      $("toggle").textContent = state.running ? "pause" : "resume";
      if (state.running) schedule();
    });
    $("restart").addEventListener("click", () => {
      reset();
      drawBoundary();
      state.running = true;
      $("toggle").textContent = "pause";
      schedule();
    });
    schedule();
  } catch (error) {
    state.error = String(error);
    $("status").textContent = `could not start: ${error}`;
    throw error;
  }
}

main();
