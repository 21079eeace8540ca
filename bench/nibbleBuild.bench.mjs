// Building mostSimilar's 4-bit index (NibbleRows) at 2M × 300, N(0, 1) rows: the row quantisation
// in the WebAssembly SIMD kernel against the JavaScript loop it replaces (`{ wasm: false }`, the
// reference: the same bytes, checked here by hashing both outputs), alternated, and a whole
// `new NibbleRows` (which also allocates the index memory). ~3 GB of memory.
// Run: npm run bench -- nibbleBuild   (EMBEDLAB_BENCH_ROWS=200000 for a quick run)
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { loadAverage, report, root } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { quantizeNibbleRows } = require(join(root, "packages/core/dist/vectors/quantizeNibbleRows.js"));
const { NibbleRows } = require(join(root, "packages/core/dist/vectors/NibbleRows.js"));
const { fillNormal } = require(join(root, "packages/core/dist/kernels/fillNormal.js"));

const ROWS = Number(process.env.EMBEDLAB_BENCH_ROWS ?? 2_000_000);
const DIM = 300;
const REPS = 2; // each run is seconds long: no warm-up needed beyond the first chunks; alternated
const Q_SCALE = 32767; // NibbleRows' int16 query scale at 320 padded components

const data = new Float32Array(ROWS * DIM);
fillNormal(data, 12345);
const blocks = Math.ceil(DIM / 32);
const targets = {
  mat: new Uint8Array(ROWS * blocks * 16),
  info: new Float32Array(ROWS * 2),
  signs: new Uint8Array(ROWS * Math.ceil(DIM / 8)),
  refine: new Float32Array(ROWS * 2),
  invNorm: new Float64Array(ROWS),
};
const digest = () => {
  const h = createHash("sha256");
  for (const a of Object.values(targets)) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest("hex");
};

const times = { wasm: [], js: [] };
const hashes = { wasm: new Set(), js: new Set() };
for (let rep = 0; rep < REPS; rep++) {
  for (const kind of ["wasm", "js"]) {
    for (const a of Object.values(targets)) a.fill(0);
    const t0 = performance.now();
    quantizeNibbleRows(data, ROWS, DIM, Q_SCALE, targets, { wasm: kind === "wasm" });
    times[kind].push(performance.now() - t0);
    hashes[kind].add(digest());
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const same = hashes.wasm.size === 1 && hashes.js.size === 1 && [...hashes.wasm][0] === [...hashes.js][0];
global.gc?.();
const t0 = performance.now();
const index = new NibbleRows(data, ROWS, DIM, { parallelRows: Infinity });
const whole = performance.now() - t0;
if (!index.simd) throw new Error("nibbleBuild bench: no WebAssembly SIMD here");

report("nibbleBuild", [
  { case: `quantise ${ROWS} × ${DIM} rows (WebAssembly SIMD vs the JavaScript loop)`, ours: median(times.wasm), reference: median(times.js), target: "≤ 0.5× (2× faster)", met: median(times.wasm) <= 0.5 * median(times.js) },
  { case: "stored bytes identical (sha256 of mat, info, signs, refine, invNorm)", ours: same ? 1 : 0, unit: "", reference: null, target: "1", met: same },
  { case: `new NibbleRows(${ROWS} × ${DIM}) (index memory + quantisation)`, ours: whole, reference: null, target: "", met: undefined },
], { load: loadAverage(), times });
