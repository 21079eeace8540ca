#!/usr/bin/env node
// Idempotent setup, quick when already done: npm packages, build, Jupyter, the embedlab kernelspecs (en, zh).
//   node scripts/setup.mjs [--quiet] [--browser]
// --browser also makes sure Debian's Chromium is there (the browser tests need it).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findPython, isDebianLike, isRoot, probe, root, run } from "./lib.mjs";

const args = new Set(process.argv.slice(2));
const quiet = args.has("--quiet");
const say = (msg) => quiet || console.log(`setup: ${msg}`);
const stampFile = join(root, "node_modules/.embedlab-setup.json");
const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : {};
const saveStamp = () => writeFileSync(stampFile, JSON.stringify(stamp, null, 2));

// 0. Node
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 11)) {
  console.error(`setup: embedlab needs Node.js >= 20.11, but this is ${process.version}`);
  process.exit(1);
}

// 1. npm packages: `npm ci` when the lockfile changed since the last install.
const lockHash = createHash("sha256").update(readFileSync(join(root, "package-lock.json"))).digest("hex");
if (!existsSync(join(root, "node_modules/.package-lock.json")) || stamp.lock !== lockHash) {
  say("installing npm packages (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  stamp.lock = lockHash;
  saveStamp();
}

// 2. Build the packages when a source is newer than the build.
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
for (const pkg of ["core", "display"]) {
  const dir = join(root, "packages", pkg);
  const out = join(dir, "dist/index.js");
  const srcTime = Math.max(newest(join(dir, "src")), statSync(join(dir, "package.json")).mtimeMs, statSync(join(root, "tsconfig.base.json")).mtimeMs);
  if (!existsSync(out) || statSync(out).mtimeMs < srcTime) {
    say(`building @embedlab/${pkg}`);
    run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(dir, "tsconfig.json")]);
  }
}

// 3. Debian packages: Jupyter (always), Chromium (for the browser tests).
const needApt = [];
if (!findPython()) needApt.push("jupyter-notebook", "python3-nbconvert");
if (args.has("--browser") && !existsSync("/usr/bin/chromium")) needApt.push("chromium");
if (needApt.length) {
  if (isRoot() && isDebianLike()) {
    say(`installing Debian packages: ${needApt.join(" ")}`);
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", ...needApt], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    console.error(
      `setup: missing ${needApt.join(", ")}.\n` +
        `  On Debian/Ubuntu: sudo apt-get install ${needApt.join(" ")}\n` +
        `  Elsewhere: pip install notebook nbconvert (Jupyter) and a Chromium for the browser tests.`,
    );
    process.exit(1);
  }
  if (!findPython(true)) {
    console.error("setup: Jupyter was installed but `python3 -c 'import nbconvert, notebook'` still fails");
    process.exit(1);
  }
}

// 3b. A CJK font for the static figure images (packages/display/src/static/fonts.ts lists what it
// uses): Debian's small fonts-droid-fallback when no known CJK font is there. Without one, CJK labels
// in static images are blank; nothing else needs it, so elsewhere this only says so.
const cjkFonts = ["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/System/Library/Fonts/PingFang.ttc", "C:\\Windows\\Fonts\\msyh.ttc"];
if (!cjkFonts.some((f) => existsSync(f))) {
  if (isRoot() && isDebianLike()) {
    say("installing Debian package fonts-droid-fallback (CJK text in static figure images)");
    if (!needApt.length) run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "fonts-droid-fallback"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    say("no CJK font found: CJK labels in static figure images will be blank (Debian/Ubuntu: apt-get install fonts-droid-fallback; or set EMBEDLAB_FONT_FILES)");
  }
}

// 4. The kernelspecs "TypeScript (embedlab)" and "TypeScript (embedlab, 中文)" (embedlab-zh: the
// same kernel with EMBEDLAB_LANG=zh, which notebooks/zh/ names), running this checkout's tslab:
// (re)installed whenever a registered one differs from what this checkout would write (another
// clone may have replaced it, or an older checkout registered only the English one).
const cli = join(root, "packages/display/bin/embedlab.js");
const listed = probe(findPython(), ["-m", "jupyter_client.kernelspecapp", "list", "--json"], { env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" } });
const registered = listed.ok ? JSON.parse(listed.stdout).kernelspecs ?? {} : {};
for (const [lang, name] of [["en", "embedlab"], ["zh", "embedlab-zh"]]) {
  const wanted = JSON.parse(probe(process.execPath, [cli, "kernel", "spec", "--lang", lang]).stdout || "null");
  if (!wanted) throw new Error(`setup: \`embedlab kernel spec --lang ${lang}\` printed nothing`);
  const spec = registered[name]?.spec;
  if (!spec || JSON.stringify(spec.argv) !== JSON.stringify(wanted.argv) || JSON.stringify(spec.env ?? {}) !== JSON.stringify(wanted.env)) {
    say(`registering the Jupyter kernel "${wanted.display_name}"`);
    run(process.execPath, [cli, "kernel", "install", "--user", "--lang", lang], { stdio: quiet ? "ignore" : "inherit" });
  }
}
say("ready");
