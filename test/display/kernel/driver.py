"""Drives a Jupyter kernel over the real protocol for the kernel tests (jupyter_client).

Started by test/display/kernel/harness.ts as `/usr/bin/python3 driver.py KERNEL_NAME`; reads one JSON
request per line on stdin and answers one JSON line on stdout:
  {"op": "execute", "code": str, "stop_on_error": bool, "interrupt_after": seconds | null, "timeout": s}
     interrupt_after counts from the cell's first stdout text (so the cell is surely running)
     -> {"status", "ename", "evalue", "stdout", "stderr", "display": [data...], "seconds"}
  {"op": "pipeline", "cells": [str...], "stop_on_error": bool, "timeout": s}
     sends every execute_request at once (as a client with a queue does), then collects the replies
     -> {"results": [...as execute...]}
  {"op": "pid"} -> {"pid": int}
  {"op": "shutdown"} -> {"ok": true}
"""
import json
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager

PROTOCOL_TIMEOUT = 180


def collect(kc, msg_ids, timeout, interrupt_after=None, km=None):
    """Reads iopub and shell until every msg_id has its reply and its idle status."""
    results = {m: {"status": None, "stdout": "", "stderr": "", "display": [], "ename": None, "evalue": None} for m in msg_ids}
    idle = set()
    start = time.time()
    interrupted = interrupt_after is None
    started = None  # when the first stdout text of the cell arrived
    while len(idle) < len(msg_ids) or any(r["status"] is None for r in results.values()):
        if time.time() - start > timeout:
            raise TimeoutError(f"no reply after {timeout} s")
        if not interrupted and started is not None and time.time() - started >= interrupt_after:
            km.interrupt_kernel()
            interrupted = True
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Exception:
            msg = None
        if msg is not None:
            parent = msg["parent_header"].get("msg_id")
            if parent in results:
                r = results[parent]
                t, c = msg["msg_type"], msg["content"]
                if t == "stream":
                    r[c["name"]] += c["text"]
                    if c["name"] == "stdout" and started is None:
                        started = time.time()
                elif t in ("display_data", "update_display_data", "execute_result"):
                    # plotly.js itself (4.8 MB, in the first cell) is not what a test reads
                    r["display"].append({k: (f"<{len(v)} characters>" if isinstance(v, str) and len(v) > 100_000 else v) for k, v in c["data"].items()})
                elif t == "error":
                    r["ename"], r["evalue"] = c.get("ename"), c.get("evalue")
                elif t == "status" and c["execution_state"] == "idle":
                    idle.add(parent)
        try:
            rep = kc.get_shell_msg(timeout=0.01)
        except Exception:
            rep = None
        if rep is not None:
            parent = rep["parent_header"].get("msg_id")
            if parent in results:
                results[parent]["status"] = rep["content"]["status"]
                results[parent]["ename"] = results[parent]["ename"] or rep["content"].get("ename")
                results[parent]["evalue"] = results[parent]["evalue"] or rep["content"].get("evalue")
                results[parent]["seconds"] = time.time() - start
    return [results[m] for m in msg_ids]


def main():
    km = KernelManager(kernel_name=sys.argv[1])
    # the kernel's own stdout must not mix with the answers on ours
    km.start_kernel(stdout=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=PROTOCOL_TIMEOUT)
    print(json.dumps({"ready": True, "pid": km.provisioner.pid if km.provisioner else None}), flush=True)
    try:
        for line in sys.stdin:
            req = json.loads(line)
            op = req["op"]
            try:
                if op == "execute":
                    mid = kc.execute(req["code"], stop_on_error=req.get("stop_on_error", True))
                    [res] = collect(kc, [mid], req.get("timeout", PROTOCOL_TIMEOUT), req.get("interrupt_after"), km)
                    out = res
                elif op == "pipeline":
                    mids = [kc.execute(c, stop_on_error=req.get("stop_on_error", True)) for c in req["cells"]]
                    out = {"results": collect(kc, mids, req.get("timeout", PROTOCOL_TIMEOUT))}
                elif op == "shutdown":
                    break
                else:
                    out = {"error": f"unknown op {op}"}
            except Exception as e:  # answer, so the test sees the failure
                out = {"error": f"{type(e).__name__}: {e}"}
            print(json.dumps(out), flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        print(json.dumps({"ok": True}), flush=True)


if __name__ == "__main__":
    main()
