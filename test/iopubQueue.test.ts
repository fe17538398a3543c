// The kernel's IOPub queue: a subscriber that is behind delays messages but loses none, and display updates
// waiting for it are merged without changing what the frontend ends up showing.
import assert from "node:assert/strict";
import { IopubQueue } from "../protocol/iopubQueue";
import { makeMessage as makeKernelMessage, type JupyterMessage } from "../protocol/messages";

const makeMessage = (msgType: string, content: object) => makeKernelMessage(msgType, content, undefined, "session");

/**
 * A publisher whose subscriber is behind until `catchUp()`: lossless sends fail with EAGAIN, as ZeroMQ's noDrop
 * does; lossy ones succeed, and the subscriber misses them.
 */
function slowPublisher(stalledMs?: number) {
  const delivered: string[] = [];
  const missed: string[] = [];
  const reported: string[] = [];
  const stalls: number[] = [];
  let behind = true;
  let lossy = false;
  let refusals = 0;
  const queue = new IopubQueue<string>({
    encode: summary,
    send: async (frames) => {
      if (behind && lossy) return void missed.push(frames);
      if (behind) {
        refusals++;
        throw Object.assign(new Error("Operation was not possible or timed out"), { code: "EAGAIN" });
      }
      delivered.push(frames);
    },
    setLossy: (value) => (lossy = value),
    report: (error) => reported.push(error.message),
    stalled: (ms) => stalls.push(ms),
  }, stalledMs);
  return { queue, delivered, missed, reported, stalls, lossy: () => lossy, refusals: () => refusals, catchUp: () => (behind = false) };
}

function summary(message: JupyterMessage<object>): string {
  const content = message.content as { execution_state?: string; text?: string; data?: { "text/plain": string } };
  if (message.header.msg_type === "status") return content.execution_state!;
  if (message.header.msg_type === "stream") return `stream ${content.text}`;
  if (message.header.msg_type === "clear_output") return "clear";
  return `${message.header.msg_type} ${content.data!["text/plain"]}`;
}

const update = (id: string, text: string) => makeMessage("update_display_data", { data: { "text/plain": text }, metadata: {}, transient: { display_id: id } });
const display = (id: string, text: string) => makeMessage("display_data", { data: { "text/plain": text }, metadata: {}, transient: { display_id: id } });
const stream = (text: string) => makeMessage("stream", { name: "stdout", text });
const status = (state: string) => makeMessage("status", { execution_state: state });
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("IOPub queue", () => {
  it("keeps every message while the subscriber is behind, and sends them in order once it catches up", async () => {
    const { queue, delivered, reported, refusals, catchUp } = slowPublisher();
    const sent = ["busy", "done", "idle"].map((text) => queue.send(text === "done" ? stream(text) : status(text)));
    await tick();
    assert.deepEqual(delivered, []);
    assert.ok(refusals() > 1, "the refused send was tried again");
    catchUp();
    await Promise.all(sent);
    assert.deepEqual(delivered, ["busy", "stream done", "idle"]);
    assert.deepEqual(reported, []);
  });

  it("sends only the latest of the updates that waited for one display, where the first of them was", async () => {
    const { queue, delivered, catchUp } = slowPublisher();
    const sent = [
      queue.send(status("busy")),
      queue.send(update("chart", "epoch 1")),
      queue.send(stream("log 1\n")),
      queue.send(update("other", "a")),
      queue.send(update("chart", "epoch 2")),
      queue.send(stream("log 2\n")),
      queue.send(update("chart", "epoch 3")),
      queue.send(update("other", "b")),
      queue.send(status("idle")),
    ];
    await tick();
    catchUp();
    await Promise.all(sent);
    assert.deepEqual(delivered, ["busy", "update_display_data epoch 3", "stream log 1\n", "update_display_data b", "stream log 2\n", "idle"]);
  });

  it("never moves an update ahead of a status, a new display or clear_output", async () => {
    const { queue, delivered, catchUp } = slowPublisher();
    const sent = [
      queue.send(status("busy")),
      queue.send(update("chart", "1")),
      queue.send(display("chart", "new")),
      queue.send(update("chart", "2")),
      queue.send(makeMessage("clear_output", { wait: false })),
      queue.send(update("chart", "3")),
      queue.send(status("idle")),
      queue.send(update("chart", "4")),
    ];
    await tick();
    catchUp();
    await Promise.all(sent);
    // Each update is kept apart from the next by a message it may not pass, so none is merged.
    assert.deepEqual(delivered, ["busy", "update_display_data 1", "display_data new", "update_display_data 2", "clear", "update_display_data 3", "idle", "update_display_data 4"]);
  });

  it("reports a send that fails for another reason and goes on with the rest", async () => {
    const delivered: string[] = [];
    const reported: string[] = [];
    const failing = makeMessage("status", { execution_state: "busy" });
    const queue = new IopubQueue<string>({
      encode: (message) => (message === failing ? "fail" : summary(message)),
      send: async (frames) => {
        if (frames === "fail") throw Object.assign(new Error("Socket is closed"), { code: "EBADF" });
        delivered.push(frames);
      },
      setLossy: () => {},
      report: (error) => reported.push(error.message),
      stalled: () => {},
    });
    await Promise.all([queue.send(failing), queue.send(status("idle"))]);
    assert.deepEqual(reported, ["Socket is closed"]);
    assert.deepEqual(delivered, ["idle"]);
  });

  it("lets a subscriber that takes nothing for long miss what is queued, so others get it, then tries lossless again", async () => {
    const { queue, delivered, missed, stalls, lossy, catchUp } = slowPublisher(1000);
    await Promise.all([queue.send(status("busy")), queue.send(stream("x")), queue.send(status("idle"))]);
    assert.deepEqual(missed, ["busy", "stream x", "idle"]);
    assert.equal(stalls.length, 1);
    assert.ok(stalls[0] >= 1000);
    assert.equal(lossy(), false, "lossless again once the queue is empty");
    // Still stuck: the next message waits far less before it goes lossy.
    const again = Date.now();
    await queue.send(status("busy"));
    assert.ok(Date.now() - again < 600, `the second wait took ${Date.now() - again} ms`);
    assert.deepEqual(missed.slice(3), ["busy"]);
    assert.equal(stalls.length, 1, "the stall is told once");
    catchUp();
    await queue.send(status("idle"));
    assert.deepEqual(delivered, ["idle"]);
  });
});
