"""Drives a kernel through jupyter_client's BlockingKernelClient and prints a JSON summary on stdout.

Run with Debian's /usr/bin/python3 (the Python that has jupyter_client), with JUPYTER_PATH pointing at a
share/jupyter that holds the kernelspec:

    JUPYTER_PATH=PREFIX/share/jupyter /usr/bin/python3 test/support/jupyter_client_check.py [KERNEL_NAME]

Every check records what the kernel answered rather than asserting, so the mocha test that runs this script
reports exactly which answer was wrong. The last line of stdout is the summary.
"""

import json
import os
import sys
import time

from jupyter_client.manager import start_new_kernel

TIMEOUT = 60

DECLARE_MODEL = "const myModel = { trainStep(): number { return 1 }, epochs: 3 }"
DOCUMENTED_FUNCTION = '''/**
 * Scales a learning rate by the decay factor for the given epoch.
 * @param epoch the zero-based epoch
 */
function decayedRate(epoch: number): number {
  return 0.1 * Math.pow(0.5, epoch);
}'''


def shell_reply(client, msg_id):
    """The shell reply to the request msg_id, skipping replies to earlier requests."""
    while True:
        reply = client.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def execute(client, code):
    """Runs code, collecting its IOPub messages until status idle; returns (reply content, iopub messages)."""
    msg_id = client.execute(code)
    reply = shell_reply(client, msg_id)
    outputs = []
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        outputs.append({"msg_type": msg["msg_type"], "content": msg["content"]})
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return reply["content"], outputs


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has ended all the same.
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("State:"):
                    return "Z" not in line.split(":", 1)[1]
    except FileNotFoundError:
        return False
    return True


def main():
    kernel_name = sys.argv[1] if len(sys.argv) > 1 else "tfjs-studio"
    summary = {}
    manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=TIMEOUT)
    pid = manager.provisioner.pid if getattr(manager, "provisioner", None) else manager.kernel.pid
    summary["pid"] = pid
    try:
        info = client.kernel_info(reply=True, timeout=TIMEOUT)["content"]
        summary["kernel_info"] = {
            "status": info.get("status"),
            "protocol_version": info.get("protocol_version"),
            "implementation": info.get("implementation"),
            "language_info": info.get("language_info"),
        }

        reply, outputs = execute(client, DECLARE_MODEL)
        summary["execute_declare"] = {
            "status": reply["status"],
            "execution_count": reply.get("execution_count"),
            "iopub": [o["msg_type"] for o in outputs],
            "results": [o["content"]["data"] for o in outputs if o["msg_type"] == "execute_result"],
        }

        reply, outputs = execute(client, "myModel.trainStep() + myModel.epochs")
        summary["execute_use"] = {
            "status": reply["status"],
            "execution_count": reply.get("execution_count"),
            "results": [o["content"]["data"] for o in outputs if o["msg_type"] == "execute_result"],
        }

        code = "myModel."
        complete = client.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        summary["complete"] = {
            "status": complete["status"],
            "matches": complete["matches"],
            "cursor_start": complete["cursor_start"],
            "cursor_end": complete["cursor_end"],
        }

        reply, _ = execute(client, DOCUMENTED_FUNCTION)
        summary["execute_documented"] = {"status": reply["status"]}
        code = "decayedRate(2)"
        inspect = client.inspect(code, len("decayedRate"), detail_level=0, reply=True, timeout=TIMEOUT)["content"]
        summary["inspect"] = {
            "status": inspect["status"],
            "found": inspect.get("found"),
            "text_plain": inspect.get("data", {}).get("text/plain", ""),
        }

        # is_complete has no reply=True in jupyter_client 7, unlike the other requests.
        summary["is_complete"] = {
            snippet: shell_reply(client, client.is_complete(snippet))["content"]
            for snippet in ["1 + 1", "function f() {", "const x = ", "let = = ;"]
        }

        history = client.history(hist_access_type="tail", n=10, output=False, raw=True, reply=True, timeout=TIMEOUT)
        summary["history"] = {
            "status": history["content"]["status"],
            "entries": history["content"]["history"],
        }
    except Exception as error:  # reported, then the kernel is still shut down
        summary["error"] = f"{type(error).__name__}: {error}"
    finally:
        client.stop_channels()
        started = time.monotonic()
        manager.shutdown_kernel(now=False)
        summary["shutdown_seconds"] = round(time.monotonic() - started, 3)
        deadline = time.monotonic() + 10
        while process_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        summary["alive_after_shutdown"] = process_alive(pid)
        summary["manager_is_alive"] = manager.is_alive()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
