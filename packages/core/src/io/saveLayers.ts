/**
 * Save and load a tfjs `LayersModel` on plain Node (no `@tensorflow/tfjs-node`): `model.json` +
 * `weights.bin` in a directory, the same layout as tfjs's `file://` handler, plus a SHA-256 of the
 * weights so a corrupt file is caught. Writes go to a temporary sibling directory that is renamed
 * into place, so a failure never leaves a half-written model.
 */
import { createHash } from "node:crypto";
import { existsSync, promises as fsp } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import * as tf from "../tf";
import { typeError } from "../validate";

/** The topology file of a saved model directory (tfjs `model.json` layout). */
export const MODEL_FILE = "model.json";
/** The weights file of a saved model directory (all weights, little-endian, in manifest order). */
export const WEIGHTS_FILE = "weights.bin";

/** What {@link saveLayers} reports. */
export interface SaveLayersResult {
  /** Absolute path of the directory written. */
  dir: string;
  /** Bytes of `weights.bin`. */
  weightBytes: number;
  /** Its SHA-256 (hex), also recorded in `model.json`. */
  sha256: string;
}

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Saves `model` (its topology with every layer's config, and its weights, bit-exact) to `dir`.
 * An existing `dir` is replaced only when it is empty or a saved model; anything else is an error.
 *
 * **Output:** `dir/model.json` and `dir/weights.bin`.
 * @example
 * await saveLayers(model, "models/tiny");
 * const again = await loadLayers("models/tiny");
 */
export async function saveLayers(model: tf.LayersModel, dir: string): Promise<SaveLayersResult> {
  const fn = "saveLayers";
  if (!(model instanceof tf.LayersModel)) throw typeError(fn, "model", "a tf.LayersModel (tf.sequential / tf.model)", model);
  if (typeof dir !== "string" || dir === "") throw typeError(fn, "dir", "a directory path", dir);
  const target = resolve(dir);
  if (existsSync(target)) {
    const stat = await fsp.stat(target);
    if (!stat.isDirectory()) throw new Error(`${fn}: ${target} exists and is not a directory`);
    const entries = await fsp.readdir(target);
    if (entries.length > 0 && !entries.includes(MODEL_FILE)) {
      throw new Error(`${fn}: ${target} is not empty and holds no ${MODEL_FILE}; refusing to replace it`);
    }
  }
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a: tf.io.ModelArtifacts) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (artifacts === undefined) throw new Error(`${fn}: the model produced nothing to save`);
  const weights = joinWeights(artifacts.weightData);
  const digest = sha256(weights);
  const json = {
    modelTopology: artifacts.modelTopology,
    format: "layers-model",
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
    embedlab: { weightsSha256: digest, weightBytes: weights.byteLength },
  };
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now()}`);
  const old = join(dirname(target), `.${basename(target)}.old-${process.pid}-${Date.now()}`);
  try {
    await fsp.mkdir(dirname(target), { recursive: true });
    await fsp.mkdir(tmp);
    await fsp.writeFile(join(tmp, WEIGHTS_FILE), weights);
    await fsp.writeFile(join(tmp, MODEL_FILE), JSON.stringify(json));
    if (existsSync(target)) await fsp.rename(target, old);
    await fsp.rename(tmp, target);
  } catch (e) {
    // Undo: drop the temporary copy, put a replaced model back. Cleanup errors must not hide `e`.
    await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (existsSync(old) && !existsSync(target)) await fsp.rename(old, target).catch(() => undefined);
    throw new Error(`${fn}: cannot write ${target}: ${(e as Error).message}`);
  }
  await fsp.rm(old, { recursive: true, force: true });
  return { dir: target, weightBytes: weights.byteLength, sha256: digest };
}

/**
 * Loads a model written by {@link saveLayers} (or by tfjs's `file://` handler). Every embedlab layer
 * is registered for serialization, so its config round-trips. A missing file, invalid JSON, a
 * weights file of the wrong size or with the wrong checksum is a clear error.
 *
 * @example
 * const model = await loadLayers("models/tiny");
 * model.predict(ids);
 */
export async function loadLayers(dir: string): Promise<tf.LayersModel> {
  const fn = "loadLayers";
  if (typeof dir !== "string" || dir === "") throw typeError(fn, "dir", "a directory path", dir);
  const target = resolve(dir);
  const modelPath = join(target, MODEL_FILE);
  let text: string;
  try {
    text = await fsp.readFile(modelPath, "utf8");
  } catch (e) {
    throw new Error(`${fn}: cannot read ${modelPath}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let json: tf.io.ModelJSON & { embedlab?: { weightsSha256?: string; weightBytes?: number } };
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fn}: ${modelPath} is corrupt (not valid JSON: ${(e as Error).message})`);
  }
  if (json === null || typeof json !== "object" || json.modelTopology == null) {
    throw new Error(`${fn}: ${modelPath} is corrupt (no modelTopology)`);
  }
  const manifest = json.weightsManifest ?? [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = join(target, p);
      try {
        parts.push(await fsp.readFile(file));
      } catch (e) {
        throw new Error(`${fn}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
      }
    }
  }
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    weights.set(p, o);
    o += p.length;
  }
  const bytesPer: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.quantization ? bytesPer[s.quantization.dtype] ?? 4 : bytesPer[s.dtype] ?? 4), 0);
  if (weights.length !== expected) {
    throw new Error(`${fn}: ${join(target, WEIGHTS_FILE)} is corrupt: expected ${expected} bytes for ${specs.length} weights, but got ${weights.length}`);
  }
  const want = json.embedlab?.weightsSha256;
  if (want !== undefined && sha256(weights) !== want) {
    throw new Error(`${fn}: ${join(target, WEIGHTS_FILE)} is corrupt: its SHA-256 does not match the one recorded in ${MODEL_FILE}`);
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
  };
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw new Error(`${fn}: ${modelPath} could not be turned into a model: ${(e as Error).message}`);
  }
}
