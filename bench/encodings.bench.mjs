// Encodings vs PyTorch (1 thread), same machine, same run:
//   oneHot: int indices [64, 128] -> [64, 128, 1000] (int32 and float32), also tfjs's own tf.oneHot;
//   positionalEncoding(512, 256): our typed-array table vs the same formula in tf ops vs torch.
// Needs the built package: npx tsc -p packages/core (npm run bench does it).
import { createRequire } from "node:module";
import { hasTorch, python, report, timeit } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { ready, tf, oneHot, positionalEncoding, positionalEncodingTable } = require("@embedlab/core");

const B = 64;
const T = 128;
const C = 1000;
const MAX_LEN = 512;
const D_MODEL = 256;

// The tutorial's version, in tf ops (what a straight port would do).
function positionalEncodingTfOps(maxLen, dModel) {
  return tf.tidy(() => {
    const pos = tf.range(0, maxLen).expandDims(1); // [T, 1]
    const i2 = tf.range(0, dModel, 2); // [D/2]
    const div = tf.exp(i2.mul(-Math.log(10000) / dModel)); // [D/2]
    const angle = pos.mul(div); // [T, D/2]
    // Interleave sin/cos: stack on a last axis then flatten pairs.
    return tf.stack([angle.sin(), angle.cos()], 2).reshape([maxLen, dModel]); // [T, D/2, 2] -> [T, D]
  });
}

const torch = hasTorch()
  ? python(`
import math
import torch.nn.functional as F
torch.manual_seed(0)
idx = torch.randint(0, ${C}, (${B}, ${T}))
def pe():
    p = torch.zeros(${MAX_LEN}, ${D_MODEL})
    position = torch.arange(0, ${MAX_LEN}, dtype=torch.float).unsqueeze(1)
    div = torch.exp(torch.arange(0, ${D_MODEL}, 2).float() * (-math.log(10000.0) / ${D_MODEL}))
    p[:, 0::2] = torch.sin(position * div)
    p[:, 1::2] = torch.cos(position * div)
    return p
print(json.dumps({
  "oneHot": timeit(lambda: F.one_hot(idx, ${C}), 8, 21),
  "oneHotFloat": timeit(lambda: F.one_hot(idx, ${C}).float(), 8, 21),
  "pe": timeit(pe, 20, 41),
}))
`)
  : null;

const rows = [];
for (const backend of ["wasm", "cpu"]) {
  await ready({ backend, quiet: true });
  const data = new Int32Array(B * T);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % C; // deterministic spread of classes
  const idx = tf.tensor2d(data, [B, T], "int32");
  const ours = await timeit(() => oneHot(idx, C).dispose(), { warmup: 8, iters: 21 });
  const oursF = await timeit(() => oneHot(idx, C, { dtype: "float32" }).dispose(), { warmup: 8, iters: 21 });
  const tfjs = await timeit(() => tf.oneHot(idx, C).dispose(), { warmup: 8, iters: 21 });
  idx.dispose();
  const pe = await timeit(() => positionalEncoding(MAX_LEN, D_MODEL).dispose(), { warmup: 20, iters: 41 });
  const peOps = await timeit(() => positionalEncodingTfOps(MAX_LEN, D_MODEL).dispose(), { warmup: 20, iters: 41 });
  rows.push(
    { case: `${backend}: oneHot [${B},${T}] -> ${C} int32`, ours, reference: torch?.oneHot ?? null, target: "vs torch F.one_hot" },
    { case: `${backend}: oneHot [${B},${T}] -> ${C} float32`, ours: oursF, reference: torch?.oneHotFloat ?? null, target: "vs torch one_hot().float()" },
    { case: `${backend}: tf.oneHot (tfjs, unchecked) int32`, ours: tfjs, reference: torch?.oneHot ?? null, target: "vs torch F.one_hot" },
    { case: `${backend}: positionalEncoding(${MAX_LEN}, ${D_MODEL})`, ours: pe, reference: torch?.pe ?? null, target: "vs torch sin/cos table" },
    { case: `${backend}: same table in tf ops`, ours: peOps, reference: pe, target: "vs ours (typed arrays)" },
  );
}
const table = await timeit(() => positionalEncodingTable(MAX_LEN, D_MODEL), { warmup: 20, iters: 41 });
rows.push({ case: `positionalEncodingTable(${MAX_LEN}, ${D_MODEL}) (Float32Array, no tensor)`, ours: table, reference: torch?.pe ?? null, target: "vs torch sin/cos table" });
report("encodings", rows, { torch: torch !== null });
