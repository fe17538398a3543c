"""Runs cells on a running kernel through jupyter_client, from a connection file, and prints one JSON line a cell.

    /usr/bin/python3 test/support/jupyter_client_execute.py CONNECTION_FILE CODE [CODE ...]

Each line: {"status": ..., "stdout": ..., "result": text/plain of execute_result, "mimes": [MIME types of
display_data and update_display_data, in order]}. Records what the kernel answered; the mocha test asserts.
"""

import json
import sys

from jupyter_client import BlockingKernelClient

TIMEOUT = 120

client = BlockingKernelClient()
client.load_connection_file(sys.argv[1])
client.start_channels()
client.wait_for_ready(timeout=TIMEOUT)
for code in sys.argv[2:]:
    seen = {"stdout": "", "result": None, "mimes": []}

    def hook(message):
        kind = message["header"]["msg_type"]
        content = message["content"]
        if kind == "stream" and content["name"] == "stdout":
            seen["stdout"] += content["text"]
        elif kind == "execute_result":
            seen["result"] = content["data"].get("text/plain")
        elif kind in ("display_data", "update_display_data"):
            seen["mimes"].extend(sorted(content["data"].keys()))
        elif kind == "error":
            seen["error"] = content["ename"] + ": " + content["evalue"]

    reply = client.execute_interactive(code, timeout=TIMEOUT, output_hook=hook)
    print(json.dumps({"status": reply["content"]["status"], **seen}), flush=True)
client.stop_channels()
