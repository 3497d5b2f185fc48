// Graphviz DOT -> SVG with the WASM build of Graphviz (@viz-js/viz), so no system Graphviz
// is needed. Reads {"name": "digraph {...}", ...} on stdin, prints {"name": "<svg...>", ...}.
// A graph Graphviz rejects is an error naming the graph, never a half-written page.
import { instance } from "@viz-js/viz";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const graphs = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const viz = await instance();
const out = {};
for (const [name, dot] of Object.entries(graphs)) {
  const result = viz.render(dot, { format: "svg" });
  if (result.status !== "success") {
    const messages = result.errors.map((e) => `${e.level}: ${e.message}`).join("; ");
    console.error(`graph ${JSON.stringify(name)}: Graphviz failed: ${messages}`);
    process.exit(1);
  }
  out[name] = result.output;
}
process.stdout.write(JSON.stringify(out));
