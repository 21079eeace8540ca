"""nbconvert's ExecutePreprocessor, reading a cell's outputs for a moment after its "idle" status.

Deno 2.9.6's kernel sends a cell's outputs from a queue but its "idle" status directly, so "idle"
can overtake the outputs (measured: display_data arriving after idle), and nbclient stops reading a
cell at "idle". This keeps reading that cell's messages for GRACE_S more seconds. Used by
test/deno/denoKernel.test.ts:
  PYTHONPATH=test/deno python3 -m nbconvert --to notebook \
    --NotebookExporter.preprocessors="['late_outputs.LateOutputs']" NB.ipynb
"""
import asyncio
import time

from nbclient.exceptions import CellExecutionComplete
from nbconvert.preprocessors import ExecutePreprocessor

GRACE_S = 1.0


class LateOutputs(ExecutePreprocessor):
    enabled = True

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)  # up to "idle"
        until = time.monotonic() + GRACE_S
        while (left := until - time.monotonic()) > 0:
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=left)
            except Exception:  # queue.Empty: nothing more came
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass
