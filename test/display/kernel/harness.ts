// A Jupyter client for the kernel tests: the embedlab kernelspec started by jupyter_client (Debian's
// /usr/bin/python3), driven over the real protocol by driver.py (one JSON request/answer per line).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";

/** What one execute_request produced: the reply's status and the cell's outputs. */
export interface CellResult {
  status: "ok" | "error" | "abort";
  stdout: string;
  stderr: string;
  display: Record<string, unknown>[];
  /** Seconds from the request to its reply. */
  seconds: number;
}

export interface ExecuteOptions {
  /** Defaults to `true`, as Jupyter sends it. */
  stopOnError?: boolean;
  /** Interrupt the kernel (SIGINT, as Jupyter's interrupt) this many seconds after the cell's first stdout text. */
  interruptAfter?: number;
  /** Seconds. Defaults to 180. */
  timeout?: number;
}

export class KernelClient {
  private readonly answers: ((line: string) => void)[] = [];
  private stderr = "";

  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on("line", (line) => this.answers.shift()?.(line));
    proc.stderr.on("data", (d: Buffer) => void (this.stderr += d.toString()));
  }

  /** Starts the kernel `name` (defaults to "embedlab") and waits until it answers. */
  static async start(name = "embedlab"): Promise<KernelClient> {
    const proc = spawn("/usr/bin/python3", [join(__dirname, "driver.py"), name], {
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    });
    const client = new KernelClient(proc);
    const ready = JSON.parse(await client.next());
    if (!ready.ready) throw new Error(`kernel did not start: ${JSON.stringify(ready)}\n${client.stderr}`);
    return client;
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`kernel driver exited (${code}):\n${this.stderr}`));
      this.proc.once("exit", onExit);
      this.answers.push((line) => {
        this.proc.off("exit", onExit);
        resolve(line);
      });
    });
  }

  private async ask(req: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = this.next();
    this.proc.stdin.write(JSON.stringify(req) + "\n");
    const out = JSON.parse(await answer);
    if (out.error) throw new Error(`kernel driver: ${out.error}\n${this.stderr}`);
    return out;
  }

  /** Sends one execute_request and waits for its reply and outputs. */
  async execute(code: string, opts: ExecuteOptions = {}): Promise<CellResult> {
    return (await this.ask({
      op: "execute", code, stop_on_error: opts.stopOnError ?? true,
      interrupt_after: opts.interruptAfter ?? null, timeout: opts.timeout ?? 180,
    })) as unknown as CellResult;
  }

  /** Sends every cell at once (as "Run All" does), then waits for all the replies. */
  async pipeline(cells: string[], opts: ExecuteOptions = {}): Promise<CellResult[]> {
    const out = await this.ask({ op: "pipeline", cells, stop_on_error: opts.stopOnError ?? true, timeout: opts.timeout ?? 180 });
    return out.results as CellResult[];
  }

  /** Shuts the kernel down and ends the driver. */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once("exit", resolve));
    this.proc.stdin.end(JSON.stringify({ op: "shutdown" }) + "\n");
    await exited;
  }
}
