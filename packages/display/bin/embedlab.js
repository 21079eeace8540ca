#!/usr/bin/env node
// embedlab CLI: registers the "TypeScript (embedlab)" Jupyter kernel.
//
//   embedlab kernel install [--user | --prefix DIR] [--name NAME]   write the kernelspec
//   embedlab kernel spec                                            print the kernel.json it would write
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

const USAGE = `usage: embedlab kernel install [--user | --prefix DIR] [--name NAME]
       embedlab kernel spec [--name NAME]`;

function fail(message, code = 2) {
  process.stderr.write(`embedlab: ${message}\n${USAGE}\n`);
  process.exit(code);
}

/** The kernel.json for this checkout. */
function kernelSpec() {
  const tslabBin = path.join(path.dirname(require.resolve("tslab/package.json", { paths: [PKG] })), "bin", "tslab");
  const prelude = path.join(PKG, "dist", "kernel", "prelude.js");
  return {
    argv: [process.execPath, "--require", prelude, tslabBin, "kernel", "--config-path", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    env: { EMBEDLAB_KERNEL: "1" },
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
  const opts = { user: false, prefix: undefined, name: DEFAULT_NAME };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--user") opts.user = true;
    else if (a === "--prefix" || a === "--name") {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) fail(`${a} needs a value`);
      if (a === "--prefix") opts.prefix = v;
      else opts.name = v;
    } else if (a.startsWith("--prefix=")) opts.prefix = a.slice("--prefix=".length);
    else if (a.startsWith("--name=")) opts.name = a.slice("--name=".length);
    else fail(`unknown argument ${JSON.stringify(a)}`);
  }
  if (opts.user && opts.prefix !== undefined) fail("--user and --prefix exclude each other");
  if (!/^[A-Za-z0-9._-]+$/.test(opts.name)) fail(`--name must be letters, digits, ".", "_" or "-", but got ${JSON.stringify(opts.name)}`);
  return opts;
}

function install(opts) {
  const spec = kernelSpec();
  const base = opts.prefix !== undefined ? path.join(path.resolve(opts.prefix), "share", "jupyter") : userDataDir();
  const dir = path.join(base, "kernels", opts.name);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `kernel.json.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(spec, null, 1) + "\n");
  fs.renameSync(tmp, path.join(dir, "kernel.json"));
  if (!fs.existsSync(spec.argv[2])) {
    process.stderr.write(`embedlab: note: ${spec.argv[2]} does not exist yet; build the display package (npm run build) before starting the kernel\n`);
  }
  process.stdout.write(`embedlab: installed kernel "${spec.display_name}" (${opts.name}) in ${dir}\n`);
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
    parse(rest);
    process.stdout.write(JSON.stringify(kernelSpec(), null, 1) + "\n");
  } else fail(`unknown kernel command ${JSON.stringify(cmd)}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { kernelSpec, userDataDir, install, DISPLAY_NAME, DEFAULT_NAME };
