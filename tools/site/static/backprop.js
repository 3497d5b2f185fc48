// backprop.html: the page around static/backprop-core.js. Draws the graph (SVG, laid out in
// layers from the leaves), walks the frames with Step / Back / Play / Reset or the arrow keys,
// writes each update with its numbers and lights the lines of `backward` that do it in every
// shown port's code. A classic script: the page works from file://.
// window.backpropState exposes the walk to the browser test (tools/site/browser_test.mjs).
"use strict";
(() => {
  const B = globalThis.Backprop;
  const api = globalThis.rosettagrad;
  const data = globalThis.BACKPROP_DATA;
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const state = { example: null, walk: null, frame: 0, playing: false, error: null, reference: null };
  globalThis.backpropState = state;
  let timer = null;

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }

  const fmt = (x) => (Number.isFinite(x) ? Number(x.toFixed(4)).toString() : String(x));

  /** Layers from the leaves (x) and rows within a layer (y), in the port's topological order. */
  function layout(nodes) {
    const depth = nodes.map(() => 0);
    nodes.forEach((n) => {
      if (n.parents.length) depth[n.id] = 1 + Math.max(...n.parents.map((p) => depth[p]));
    });
    // A leaf sits just before its first use, so its edge stays short (b next to n).
    const firstUse = nodes.map(() => Infinity);
    nodes.forEach((n) => n.parents.forEach((p) => (firstUse[p] = Math.min(firstUse[p], depth[n.id]))));
    nodes.forEach((n) => {
      if (!n.parents.length && Number.isFinite(firstUse[n.id])) depth[n.id] = firstUse[n.id] - 1;
    });
    const rows = [];
    const pos = nodes.map((n) => {
      const d = depth[n.id];
      rows[d] = (rows[d] ?? 0) + 1;
      return { col: d, row: rows[d] - 1 };
    });
    return { pos, rows: Math.max(...rows), cols: rows.length };
  }

  const BOX_W = 150;
  const BOX_H = 60;
  const COL_W = 220;
  const ROW_H = 78;

  function drawGraph() {
    const { nodes } = state.walk;
    const { pos, rows, cols } = layout(nodes);
    const svg = $("graph");
    svg.replaceChildren();
    const width = cols * COL_W + 20;
    const height = rows * ROW_H + 20;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    const at = (id) => ({ x: 50 + pos[id].col * COL_W, y: 14 + pos[id].row * ROW_H });
    const edges = el("g", { class: "edges" }, svg);
    const boxes = el("g", { class: "boxes" }, svg);
    nodes.forEach((n) => {
      const p = at(n.id);
      n.parents.forEach((q, j) => {
        const from = at(q);
        const x1 = from.x + BOX_W;
        const y1 = from.y + BOX_H / 2;
        const x2 = p.x - 30;
        const y2 = p.y + BOX_H / 2;
        el("path", { d: `M${x1},${y1} C${x1 + 30},${y1} ${x2 - 30},${y2} ${x2},${y2}`, class: "edge", "data-from": q, "data-to": n.id, "data-slot": j }, edges);
      });
      const g = el("g", { class: "node", id: `node-${n.id}`, "data-name": n.name }, boxes);
      if (n.op) {
        el("line", { x1: p.x - 16, y1: p.y + BOX_H / 2, x2: p.x, y2: p.y + BOX_H / 2, class: "edge" }, g);
        el("circle", { cx: p.x - 30, cy: p.y + BOX_H / 2, r: 15, class: "op" }, g);
        el("text", { x: p.x - 30, y: p.y + BOX_H / 2 + 4, class: "op-text", "text-anchor": "middle" }, g, n.symbol.length > 3 ? n.symbol.slice(0, 4) : n.symbol);
      }
      el("rect", { x: p.x, y: p.y, width: BOX_W, height: BOX_H, rx: 5, class: "box" }, g);
      el("text", { x: p.x + 8, y: p.y + 17, class: "name" }, g, n.name);
      el("text", { x: p.x + 8, y: p.y + 35, class: "nums" }, g, `data ${fmt(n.data)}`);
      el("text", { x: p.x + 8, y: p.y + 52, class: "grad", id: `grad-${n.id}` }, g, "grad 0");
    });
  }

  function roles(frame, nodes) {
    if (frame.seed) return ["seed"];
    return nodes[frame.node].parents.length ? ["loop", "update"] : ["loop"];
  }

  function render() {
    const { walk } = state;
    const frame = walk.frames[state.frame];
    const { nodes } = walk;
    const grads = state.frame < 0 ? nodes.map(() => 0) : frame.grads;
    nodes.forEach((n) => {
      const g = $(`node-${n.id}`);
      g.classList.toggle("current", frame.node === n.id);
      g.classList.toggle("updated", frame.updates.some((u) => u.parent === n.id));
      g.classList.toggle("done", walk.frames.slice(1, state.frame + 1).some((f) => f.node === n.id));
      $(`grad-${n.id}`).textContent = `grad ${fmt(grads[n.id])}`;
    });
    document.querySelectorAll("#graph path.edge").forEach((e) => {
      e.classList.toggle("flow", !frame.seed && Number(e.dataset.to) === frame.node);
    });
    const cur = nodes[frame.node];
    let head;
    if (frame.seed) head = `Start: every grad is 0; the output's is set to 1 (${cur.name}.grad = 1.0).`;
    else if (!frame.updates.length) head = `${cur.name} is a leaf: it has no parents, so there is nothing to pass on. Its grad ${fmt(grads[cur.id])} is final.`;
    else head = `${cur.name} = ${opText(cur, nodes)}: it pushes local × ${cur.name}.grad into each parent.`;
    $("narration-head").textContent = head;
    $("narration-lines").textContent = frame.updates.map((u) => B.describeUpdate(nodes, u)).join("\n");
    $("progress").textContent = `step ${state.frame} of ${walk.frames.length - 1}`;
    $("back").disabled = state.frame === 0;
    $("step").disabled = state.frame === walk.frames.length - 1;
    const on = roles(frame, nodes);
    document.querySelectorAll(".code-view .line[data-role]").forEach((line) => {
      line.classList.toggle("hot", on.includes(line.dataset.role));
    });
    const log = $("walk-log");
    log.replaceChildren();
    walk.frames.slice(0, state.frame + 1).forEach((f, k) => {
      const li = document.createElement("li");
      li.textContent = f.seed ? `${nodes[f.node].name}.grad = 1.0` : f.updates.length ? f.updates.map((u) => B.describeUpdate(nodes, u)).join("; ") : `${nodes[f.node].name}: leaf`;
      if (k === state.frame) li.className = "current";
      log.appendChild(li);
    });
    const done = state.frame === walk.frames.length - 1;
    $("verdict").textContent = done ? verdict() : "";
    showOp(frame, nodes);
  }

  const OP_REGION = { "+": "add", "-": "sub", "*": "mul", "/": "div" };

  /** The region (concept) of the op that made a node: "*" → mul, "**2" → pow, "tanh" → tanh. */
  const opRegion = (op) => OP_REGION[op] ?? (op.startsWith("**") ? "pow" : op);

  /** Below the backward code: the code of the op that stored the current node's local derivatives. */
  function showOp(frame, nodes) {
    const cur = nodes[frame.node];
    const region = frame.seed || !cur.parents.length ? null : opRegion(cur.op);
    let shownNow = false;
    document.querySelectorAll(".op-view").forEach((v) => {
      const show = v.dataset.op === region;
      if (show && v.hidden) shownNow = true;
      v.hidden = !show;
    });
    if (region === null) {
      $("op-note").textContent = frame.seed
        ? "Step once: each node's op is shown here with the local derivatives it stored."
        : `${cur.name} is a leaf: no op made it, so it stored no local derivatives.`;
    } else {
      const locals = cur.parents.map((p, j) => `∂${cur.name}/∂${nodes[p].name} = ${B.num(cur.locals[j])}`);
      $("op-note").textContent = `${cur.name} = ${opText(cur, nodes)} was made by ${region} in the forward pass, which stored its local derivatives beside its value: ${locals.join(", ")}. backward() only multiplies them by ${cur.name}.grad.`;
    }
    // A view that was hidden was sized for no width: have site.js fit its code again.
    if (shownNow) window.dispatchEvent(new Event("resize"));
  }

  function opText(n, nodes) {
    const p = n.parents.map((q) => nodes[q].name);
    if (p.length === 2) return `${p[0]} ${n.symbol} ${p[1]}`;
    if (n.op === "neg") return `−${p[0]}`;
    if (n.op.startsWith("**")) return `${p[0]} ** ${n.op.slice(2)}`;
    return `${n.op}(${p[0]})`;
  }

  function verdict() {
    const { walk } = state;
    const same = Object.keys(walk.backward).every((k) => Object.is(walk.backward[k], walk.final[k]));
    let text = same ? "Done: every grad equals what the JavaScript port's backward() computes." : "The walk and the port's backward() DISAGREE.";
    if (state.reference) {
      const worst = Math.max(...Object.keys(state.reference).map((k) => Math.abs(walk.final[k] - state.reference[k]) / Math.max(Math.abs(state.reference[k]), 1e-300)));
      text += worst === 0 ? " The Python reference gives exactly the same gradients." : ` Largest relative difference from the Python reference: ${worst.toExponential(2)}.`;
    }
    return text;
  }

  function load(source, reference) {
    stop();
    try {
      state.walk = B.walk(source, api);
      state.error = null;
      $("parse-error").textContent = "";
    } catch (e) {
      state.error = e.message;
      $("parse-error").textContent = e instanceof B.ParseError ? `I cannot build this: ${e.message}` : `error: ${e.message}`;
      return;
    }
    state.reference = reference ?? null;
    state.frame = 0;
    drawGraph();
    render();
  }

  function go(k) {
    if (!state.walk) return;
    state.frame = Math.max(0, Math.min(k, state.walk.frames.length - 1));
    render();
  }

  function stop() {
    state.playing = false;
    if (timer !== null) clearInterval(timer);
    timer = null;
    $("play").textContent = "Play";
  }

  function play() {
    if (state.playing) return stop();
    if (state.frame === state.walk.frames.length - 1) go(0);
    state.playing = true;
    $("play").textContent = "Pause";
    timer = setInterval(() => {
      if (state.frame >= state.walk.frames.length - 1) return stop();
      go(state.frame + 1);
    }, 900);
  }

  function choose(id) {
    const ex = data.examples.find((e) => e.id === id);
    state.example = id;
    if (ex) {
      $("source").value = ex.source;
      load(ex.source, ex.reference);
    }
  }

  $("example").addEventListener("change", (e) => choose(e.target.value));
  $("build").addEventListener("click", () => {
    state.example = "typed";
    $("example").value = "typed";
    load($("source").value, null);
  });
  $("step").addEventListener("click", () => go(state.frame + 1));
  $("back").addEventListener("click", () => go(state.frame - 1));
  $("reset").addEventListener("click", () => {
    stop();
    go(0);
  });
  $("play").addEventListener("click", play);
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
    if (e.key === "ArrowRight") go(state.frame + 1);
    else if (e.key === "ArrowLeft") go(state.frame - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(Infinity);
    else return;
    e.preventDefault();
  });
  choose(data.examples[0].id);
})();
