"""Drives Deno's Jupyter kernel over the kernel protocol (Debian's jupyter_client) for test/deno.

usage: interrupt.py KERNEL_NAME CWD  (JUPYTER_DATA_DIR names the kernelspec's home)
Runs a cell whose loop checks core's throwIfInterrupted between chunks, sends Jupyter's interrupt
(SIGINT, the kernelspec has no interrupt_mode) after the loop started, then a second cell; prints
one JSON line: each cell's reply status, error, stdout, and whether the kernel is still alive.
"""
import json, sys, time
from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name=sys.argv[1], cwd=sys.argv[2], startup_timeout=60)


def run(code, interrupt_when=None, timeout=60):
    msg_id = kc.execute(code)
    out = {"stdout": "", "error": None, "status": None}
    t0 = time.time()
    sent = False
    reply_at = None
    while True:
        if reply_at is None:
            try:
                reply = kc.get_shell_msg(timeout=0.05)
                if reply["parent_header"].get("msg_id") == msg_id:
                    out["status"] = reply["content"]["status"]
                    reply_at = time.time()
            except Exception:
                pass
        # Deno's kernel may publish "idle" before a cell's last outputs: read on a little after the reply.
        if reply_at is not None and time.time() - reply_at > 0.5:
            break
        if time.time() - t0 > timeout:
            out["status"] = "timeout"
            break
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t, c = msg["msg_type"], msg["content"]
        if t == "stream" and c["name"] == "stdout":
            out["stdout"] += c["text"]
            if interrupt_when and not sent and interrupt_when in out["stdout"]:
                km.interrupt_kernel()
                sent = True
        elif t == "error":
            out["error"] = f'{c["ename"]}: {c["evalue"]}'
    return out


setup = run('import { yieldToEventLoop, throwIfInterrupted, interruptRequested } from "@embedlab/core";\n'
            'import * as display from "@embedlab/display";\n'
            'let chunks = 0;')
loop = run('for (let chunk = 1; chunk <= 400; chunk++) {\n'
           '  await new Promise((r) => setTimeout(r, 25));   // one chunk of work\n'
           '  chunks = chunk;\n'
           '  if (chunk === 4) console.log("started");\n'
           '  await yieldToEventLoop();\n'
           '  throwIfInterrupted("loop", `chunk ${chunk}`);\n'
           '}\n'
           'console.log("ran to the end");', interrupt_when="started")
after = run('console.log(`after: chunks ${chunks}, pending ${interruptRequested()}`);')
print(json.dumps({"setup": setup, "loop": loop, "after": after, "alive": km.is_alive()}))
kc.stop_channels()
km.shutdown_kernel(now=True)
