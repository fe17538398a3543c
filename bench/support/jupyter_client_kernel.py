"""Measures a kernel through jupyter_client, the way the issue's tslab reference figures were measured.

    JUPYTER_PATH=DIR/share/jupyter /usr/bin/python3 bench/support/jupyter_client_kernel.py KERNEL_NAME \
        [--starts 5] [--warmup 5] [--runs 200]

Start: from KernelManager.start_kernel() (which spawns the kernel) to the first kernel_info_reply on shell,
kernel_info_request repeated every 10 ms until one is answered. First result: from start_kernel() to the
execute_reply of a `1+1` sent as soon as the first kernel_info_reply came (IOPub may not be subscribed yet, so
the status idle is not waited for); a kernel of its own each time. Execute: `1+1` sent, until both its execute_reply
and its IOPub status idle have arrived. Prints one line of JSON on stdout.
"""

import argparse
import json
import os
import statistics
import time
import uuid
from contextlib import contextmanager
from queue import Empty

from jupyter_client.manager import KernelManager
from jupyter_core.paths import jupyter_runtime_dir

PROBE_SECONDS = 0.01
TIMEOUT = 60
# tslab 1.0.22 loses an IOPub message now and then (its unawaited zeromq sends fail with EBUSY when they overlap):
# a run whose status idle has not come this long after its reply is counted as lost and run again.
IDLE_TIMEOUT = 3
MAX_LOST = 20


def first_kernel_info(client, deadline):
    while time.monotonic() < deadline:
        client.kernel_info()
        try:
            # Replies to earlier probes count as well: whichever is first answered ends the wait.
            reply = client.get_shell_msg(timeout=PROBE_SECONDS)
        except Empty:
            continue
        if reply["msg_type"] == "kernel_info_reply":
            return reply
    raise RuntimeError("no kernel_info_reply within the timeout")


def new_manager(kernel_name):
    # The connection file goes in the runtime dir (else a temp file): whoever runs this finds the kernels there.
    runtime_dir = jupyter_runtime_dir()
    os.makedirs(runtime_dir, exist_ok=True)
    connection_file = os.path.join(runtime_dir, f"kernel-{uuid.uuid4()}.json")
    return KernelManager(kernel_name=kernel_name, connection_file=connection_file)


@contextmanager
def started_kernel(kernel_name):
    """A new kernel and its client, and the perf_counter time just before start_kernel(); shut down on leaving."""
    manager = new_manager(kernel_name)
    started = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        yield client, started
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)


def measure_start(kernel_name):
    with started_kernel(kernel_name) as (client, started):
        first_kernel_info(client, time.monotonic() + TIMEOUT)
        return (time.perf_counter() - started) * 1000


def measure_first_result(kernel_name):
    with started_kernel(kernel_name) as (client, started):
        first_kernel_info(client, time.monotonic() + TIMEOUT)
        msg_id = client.execute("1+1")
        while True:
            reply = client.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        elapsed = (time.perf_counter() - started) * 1000
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the first 1+1 failed: {reply['content']}")
        return elapsed


def wait_for_reply_and_idle(client, msg_id):
    """True once both have arrived; False when the reply came but the status idle did not within IDLE_TIMEOUT."""
    # Each channel queues what arrives, so waiting for one and then the other misses nothing.
    while client.get_shell_msg(timeout=TIMEOUT)["parent_header"].get("msg_id") != msg_id:
        pass
    deadline = time.monotonic() + IDLE_TIMEOUT
    while True:
        try:
            msg = client.get_iopub_msg(timeout=max(0, deadline - time.monotonic()))
        except Empty:
            return False
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
        ):
            return True


def percentile(samples, fraction):
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * fraction // 1))  # nearest rank
    return ordered[int(rank) - 1]


def measure_execute(kernel_name, warmup, runs):
    with started_kernel(kernel_name) as (client, _):
        client.wait_for_ready(timeout=TIMEOUT)
        samples = []
        lost = 0
        while len(samples) < runs:
            started = time.perf_counter()
            msg_id = client.execute("1+1")
            if not wait_for_reply_and_idle(client, msg_id):
                lost += 1
                if lost > MAX_LOST:
                    raise RuntimeError(f"{lost} executions lost their status idle")
                continue
            if warmup > 0:
                warmup -= 1
            else:
                samples.append((time.perf_counter() - started) * 1000)
        return samples, lost


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernel_name")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    starts = [measure_start(args.kernel_name) for _ in range(args.starts)]
    first_results = [measure_first_result(args.kernel_name) for _ in range(args.starts)]
    samples, lost = measure_execute(args.kernel_name, args.warmup, args.runs)
    print(
        json.dumps(
            {
                "start_ms": starts,
                "start_median_ms": statistics.median(starts),
                "first_result_ms": first_results,
                "first_result_median_ms": statistics.median(first_results),
                "execute_p50_ms": percentile(samples, 0.5),
                "execute_p99_ms": percentile(samples, 0.99),
                "execute_runs": len(samples),
                "lost_idle_runs": lost,
            }
        )
    )


if __name__ == "__main__":
    main()
