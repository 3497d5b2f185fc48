// Every page: the port picker of the code views, how many columns to a row, and a font size at
// which the code fits.
// The choice of ports is kept in localStorage ("rosettagrad.ports"), so it holds on every page,
// from a server or from file://. Code never wraps (CSS white-space: pre): this picks the
// largest size between MIN and MAX px at which the longest shown line fits its column; below
// MIN the column scrolls sideways instead.
"use strict";
(() => {
  const KEY = "rosettagrad.ports";
  const MIN = 10;
  const MAX = 13.5;
  const PER_COLUMN = 660; // px a column needs for ~100 characters of code at about 11px
  const views = [...document.querySelectorAll(".code-view")];
  if (!views.length) return;

  function stored() {
    try {
      const v = JSON.parse(localStorage.getItem(KEY) ?? "null");
      return Array.isArray(v) ? v : null;
    } catch {
      return null; // storage off: every port is shown
    }
  }

  /** Width of one monospace character at 1px font size, measured in a code block. */
  function charWidth(pre) {
    const probe = document.createElement("span");
    probe.textContent = "0".repeat(100);
    probe.style.cssText = "position:absolute;visibility:hidden;font-size:100px;white-space:pre";
    pre.appendChild(probe);
    const w = probe.getBoundingClientRect().width / 100 / 100;
    probe.remove();
    return w;
  }

  function fit(view) {
    const pres = [...view.querySelectorAll(".port-column:not([hidden]) pre.code")];
    if (!pres.length) return;
    const chars = Math.max(...pres.map((p) => Number(p.dataset.width)));
    const room = Math.min(...pres.map((p) => p.clientWidth - parseFloat(getComputedStyle(p).paddingLeft) - parseFloat(getComputedStyle(p).paddingRight)));
    const size = Math.max(MIN, Math.min(MAX, Math.floor((room / (chars * charWidth(pres[0]))) * 10) / 10));
    view.style.setProperty("--code-size", `${size}px`);
  }

  function apply(chosen) {
    for (const view of views) {
      const columns = [...view.querySelectorAll(".port-column")];
      const available = columns.map((c) => c.dataset.port);
      let show = chosen ? available.filter((p) => chosen.includes(p)) : available;
      if (!show.length) show = available;
      columns.forEach((c) => {
        c.hidden = !show.includes(c.dataset.port);
      });
      view.querySelectorAll(".port-picker input").forEach((box) => {
        box.checked = show.includes(box.value);
      });
      // As many columns to a row as fit about 100 characters each (two at 1400 px): three or
      // four ports then sit in rows of two, as readable as two.
      const grid = view.querySelector(".columns");
      grid.style.setProperty("--n", String(show.length));
      grid.style.setProperty("--cols", String(Math.max(1, Math.min(show.length, Math.floor(grid.clientWidth / PER_COLUMN)))));
      fit(view);
    }
  }

  for (const view of views) {
    view.querySelector(".port-picker").addEventListener("change", (e) => {
      let chosen = [...view.querySelectorAll(".port-picker input:checked")].map((b) => b.value);
      if (!chosen.length) {
        e.target.checked = true; // at least one port stays shown
        chosen = [e.target.value];
      }
      try {
        localStorage.setItem(KEY, JSON.stringify(chosen));
      } catch {
        // storage off: the choice holds on this page only
      }
      apply(chosen);
    });
  }
  window.addEventListener("resize", () => apply(stored()));
  apply(stored());
})();
