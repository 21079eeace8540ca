#!/usr/bin/env node
// embedlab CLI: registers the "TypeScript (embedlab)" Jupyter kernel and its Chinese twin.
//
//   embedlab kernel install [--user | --prefix DIR] [--lang en|zh] [--name NAME]   write the kernelspec(s)
//   embedlab kernel spec [--lang en|zh]                       print the kernel.json it would write
//
// Without --lang, install writes both: "embedlab" ("TypeScript (embedlab)") and "embedlab-zh"
// ("TypeScript (embedlab, 中文)"), the same kernel with EMBEDLAB_LANG=zh, so that `tr()` in the
// walkthroughs' code picks the Chinese labels (notebooks/zh/ names it). --name renames one kernel,
// so it goes with one language (English when --lang is not given).
//
// The kernel is this checkout's own tslab (absolute paths to node and node_modules/tslab/bin/tslab),
// started with `node --require <display>/dist/kernel/prelude.js`: the prelude awaits ready(),
// publishes plotly.js in the first cell and renders tensors/views that end a cell as rich output.
// Plain JavaScript with no dependency on the build, so setup can run it at any time.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const PKG = path.resolve(__dirname, "..");
const DEFAULT_NAME = "embedlab";
const DISPLAY_NAME = "TypeScript (embedlab)";
/** Per language: the default kernel name, its display name and the environment it adds. */
const KERNELS = {
  en: { name: DEFAULT_NAME, display_name: DISPLAY_NAME, env: {} },
  zh: { name: "embedlab-zh", display_name: "TypeScript (embedlab, 中文)", env: { EMBEDLAB_LANG: "zh" } },
};

const USAGE = `usage: embedlab kernel install [--user | --prefix DIR] [--lang en|zh] [--name NAME]
       embedlab kernel spec [--lang en|zh]`;

function fail(message, code = 2) {
  process.stderr.write(`embedlab: ${message}\n${USAGE}\n`);
  process.exit(code);
}

/** The kernel.json for this checkout, for labels in `lang` ("en" or "zh"). */
function kernelSpec(lang = "en") {
  const kernel = KERNELS[lang];
  if (!kernel) throw new RangeError(`kernelSpec: expected lang to be "en" or "zh", but got ${JSON.stringify(lang)}`);
  const tslabBin = path.join(path.dirname(require.resolve("tslab/package.json", { paths: [PKG] })), "bin", "tslab");
  const prelude = path.join(PKG, "dist", "kernel", "prelude.js");
  return {
    argv: [process.execPath, "--require", prelude, tslabBin, "kernel", "--config-path", "{connection_file}"],
    display_name: kernel.display_name,
    language: "typescript",
    interrupt_mode: "signal",
    env: { EMBEDLAB_KERNEL: "1", ...kernel.env },
    metadata: { embedlab: { package: PKG, prelude, tslab: tslabBin } },
  };
}

/** Jupyter's per-user data directory (jupyter_core.paths.jupyter_data_dir). */
function userDataDir() {
  if (process.env.JUPYTER_DATA_DIR) return path.resolve(process.env.JUPYTER_DATA_DIR);
  const home = os.homedir();
  if (process.platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA || path.join(home, "AppData", "Roaming"), "jupyter");
  return path.join(process.env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

function parse(args) {
  const opts = { user: false, prefix: undefined, name: undefined, lang: undefined };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--user") opts.user = true;
    else if (a === "--prefix" || a === "--name" || a === "--lang") {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) fail(`${a} needs a value`);
      opts[a.slice(2)] = v;
    } else if (/^--(prefix|name|lang)=/.test(a)) {
      const eq = a.indexOf("=");
      opts[a.slice(2, eq)] = a.slice(eq + 1);
    } else fail(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.user && opts.prefix !== undefined) fail("--user and --prefix exclude each other");
  if (opts.name !== undefined && !/^[A-Za-z0-9._-]+$/.test(opts.name)) fail(`--name must be letters, digits, ".", "_" or "-", but got ${JSON.stringify(opts.name)}`);
  if (opts.lang !== undefined && !(opts.lang in KERNELS)) fail(`--lang must be "en" or "zh", but got ${JSON.stringify(opts.lang)}`);
  return opts;
}

/** Installs the kernel(s) `opts` asks for (both languages when neither --lang nor --name is given); returns their directories. */
function install(opts) {
  const langs = opts.lang !== undefined ? [opts.lang] : opts.name !== undefined ? ["en"] : ["en", "zh"];
  return langs.map((lang) => installOne(opts, lang, opts.name ?? KERNELS[lang].name));
}

function installOne(opts, lang, name) {
  const spec = kernelSpec(lang);
  const base = opts.prefix !== undefined ? path.join(path.resolve(opts.prefix), "share", "jupyter") : userDataDir();
  const dir = path.join(base, "kernels", name);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `kernel.json.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(spec, null, 1) + "\n");
  fs.renameSync(tmp, path.join(dir, "kernel.json"));
  if (!fs.existsSync(spec.argv[2])) {
    process.stderr.write(`embedlab: note: ${spec.argv[2]} does not exist yet; build the display package (npm run build) before starting the kernel\n`);
  }
  process.stdout.write(`embedlab: installed kernel "${spec.display_name}" (${name}) in ${dir}\n`);
  return dir;
}

function main(argv) {
  const [group, cmd, ...rest] = argv;
  if (group === "--help" || group === "-h" || group === undefined) {
    process.stdout.write(USAGE + "\n");
    return group === undefined ? 2 : 0;
  }
  if (group !== "kernel") fail(`unknown command ${JSON.stringify(group)}`);
  if (cmd === "install") install(parse(rest));
  else if (cmd === "spec") {
    const opts = parse(rest);
    process.stdout.write(JSON.stringify(kernelSpec(opts.lang ?? "en"), null, 1) + "\n");
  } else fail(`unknown kernel command ${JSON.stringify(cmd)}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { kernelSpec, userDataDir, install, DISPLAY_NAME, DEFAULT_NAME, KERNELS };
