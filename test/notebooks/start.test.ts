// npm start: Jupyter stops with it (SIGTERM through npm, SIGINT to the script), the port is freed,
// and a second start while one runs says so instead of failing obscurely.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
// @ts-expect-error: plain ESM script without types
import { portFree, runningServers } from "../../scripts/start.mjs";

const root = join(__dirname, "../..");

function listen(port = 0): Promise<Server> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen({ port, host: "127.0.0.1" }, () => res(srv));
  });
}

/** Waits until `child` printed Jupyter's URL; returns the port it serves. */
function servedPort(child: ChildProcess, log: { text: string }): Promise<number> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`Jupyter did not start:\n${log.text}`)), 90_000);
    const on = (d: Buffer) => {
      log.text += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=/.exec(log.text);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    child.stdout!.on("data", on);
    child.stderr!.on("data", on);
    child.once("exit", (code) => rej(new Error(`start exited (${code}) before Jupyter was up:\n${log.text}`)));
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean | Promise<boolean>, seconds = 20): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const exited = (child: ChildProcess) => new Promise<number | null>((res) => (child.exitCode !== null ? res(child.exitCode) : child.once("exit", (code) => res(code))));

describe("npm start", () => {
  it("takes the next port when another program holds it, answers a second start, and stops Jupyter on SIGTERM", async () => {
    const blocker = await listen();
    const taken = (blocker.address() as { port: number }).port;
    const log = { text: "" };
    const npm = spawn("npm", ["start", "--silent", "--", "--port", String(taken)], { cwd: root, env: process.env });
    try {
      const port = await servedPort(npm, log);
      expect(log.text).toContain(`port ${taken} is taken by another program; using ${port}`);
      expect(port).toBeGreaterThan(taken);
      const server = (runningServers() as { port: number; pid: number }[]).find((s) => s.port === port);
      expect(server).toBeDefined();

      // a second start on that port: says where the running one is, starts nothing
      const second = spawnSync(process.execPath, [join(root, "scripts/start.mjs"), "--no-setup", "--port", String(port)], { cwd: root, encoding: "utf8", timeout: 60_000 });
      expect(second.status).toBe(0);
      expect(second.stdout).toMatch(new RegExp(`already running for these notebooks \\(pid ${server!.pid}\\): http://127\\.0\\.0\\.1:${port}/\\?token=\\w+`));

      npm.kill("SIGTERM");
      await exited(npm);
      await until("Jupyter to exit", () => !alive(server!.pid));
      await until("the port to be free", () => portFree(port));
    } finally {
      blocker.close();
      if (npm.exitCode === null) npm.kill("SIGKILL");
    }
  }, 150_000);

  it("stops Jupyter and exits when the script gets SIGINT (Ctrl-C)", async () => {
    const free = await listen();
    const wanted = (free.address() as { port: number }).port;
    await new Promise((r) => free.close(r));
    const log = { text: "" };
    const start = spawn(process.execPath, [join(root, "scripts/start.mjs"), "--no-setup", "--port", String(wanted)], { cwd: root, env: process.env });
    try {
      const port = await servedPort(start, log);
      expect(port).toBe(wanted);
      const server = (runningServers() as { port: number; pid: number }[]).find((s) => s.port === port);
      expect(server).toBeDefined();
      start.kill("SIGINT");
      expect(await exited(start)).toBe(0);
      expect(alive(server!.pid)).toBe(false); // the script exits only after Jupyter has
      await until("the port to be free", () => portFree(port));
    } finally {
      if (start.exitCode === null) start.kill("SIGKILL");
    }
  }, 150_000);
});
