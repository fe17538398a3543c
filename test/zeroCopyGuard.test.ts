import assert from "node:assert/strict";
import * as zmq from "zeromq";
import { ZeroCopyGuard } from "../kernel/transport/zeroCopyGuard";

describe("socket worker: frames that outlive the worker", () => {
  const text = Buffer.from(JSON.stringify({ text: "é 🎉 ".repeat(40), line: "x".repeat(200) }), "utf8");
  const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
  const small = Buffer.from([0xff, 0x00, 0x80]);

  it("sends long text frames as strings, and leaves short and binary frames as Buffers", () => {
    const [asText, asBinary, asSmall] = new ZeroCopyGuard(50).frames([text, binary, small]);
    assert.equal(typeof asText, "string");
    assert.ok(Buffer.isBuffer(asBinary));
    assert.ok(Buffer.isBuffer(asSmall));
  });

  it("delivers every frame byte for byte through ZeroMQ", async () => {
    const push = new zmq.Push();
    const pull = new zmq.Pull();
    try {
      await pull.bind("tcp://127.0.0.1:*");
      push.connect(pull.lastEndpoint!);
      await push.send(new ZeroCopyGuard(50).frames([text, binary, small]));
      const received = await pull.receive();
      assert.deepEqual(received, [text, binary, small]);
    } finally {
      push.close();
      pull.close();
    }
  });

  it("holds closing for the linger period only after a binary frame went without a copy", async () => {
    const textOnly = new ZeroCopyGuard(300);
    textOnly.frames([text, small]);
    let started = Date.now();
    await textOnly.released();
    assert.ok(Date.now() - started < 300, "nothing to wait for, so no linger period");

    const withBinary = new ZeroCopyGuard(300);
    withBinary.frames([binary]);
    started = Date.now();
    await withBinary.released();
    assert.ok(Date.now() - started >= 300, "waited out the linger period");
  });
});
