"""Interrupts model.fit on Deno's Jupyter kernel over the kernel protocol (for test/deno).

usage: fit_interrupt.py KERNEL_NAME CWD  (JUPYTER_DATA_DIR names the kernelspec's home)
Like interrupt.py, with an endless model.fit instead of a loop: sends Jupyter's interrupt (SIGINT)
once the cell printed "started", then a second cell; prints one JSON line: each cell's reply
status, error, stdout, and whether the kernel is still alive.
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


setup = run('import { tf, ready } from "@embedlab/core";\n'
            'import * as display from "@embedlab/display";\n'
            'await ready();\n'
            'let steps = 0;\n'
            'const x = tf.randomNormal([2048, 32]); const y = tf.randomNormal([2048, 1]);\n'
            'const model = tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [32] }), tf.layers.dense({ units: 1 })] });\n'
            'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });', timeout=120)
loop = run('console.log("started");\nawait model.fit(x, y, { epochs: 100000, batchSize: 32, verbose: 0, callbacks: { onBatchEnd: async () => { steps++; } } });', interrupt_when="started", timeout=120)
after = run('console.log(`after: steps ${steps}`);')
print(json.dumps({"setup": setup, "loop": loop, "after": after, "alive": km.is_alive()}))
kc.stop_channels()
km.shutdown_kernel(now=True)
