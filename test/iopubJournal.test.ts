// A detached kernel's IOPub journal: numbered messages, kept within a count and a byte bound, given back after a
// sequence number in pages, and what it no longer keeps counted rather than passed over in silence.
import assert from "node:assert/strict";
import { IopubJournal } from "../kernel/transport/iopubJournal";
import { ShellReplyJournal } from "../kernel/transport/shellReplyJournal";
import { journalStamp } from "../protocol/iopubJournal";
import { makeMessage } from "../protocol/messages";

function publish(journal: IopubJournal, text: string, bytes = 100, buffers: Buffer[] = []) {
  const stamped = journal.stamp({ ...makeMessage("stream", { name: "stdout", text }, undefined, "session"), buffers });
  journal.keep(stamped, bytes);
  return stamped;
}

const texts = (reply: ReturnType<IopubJournal["answer"]>) => reply.messages.map((message) => (message.content as { text: string }).text);

describe("IOPub journal (kernel/transport/iopubJournal.ts)", () => {
  it("numbers messages in publishing order under one journal id, without touching the original's metadata", () => {
    const journal = new IopubJournal();
    const original = makeMessage("stream", { name: "stdout", text: "a" }, undefined, "session");
    const first = journal.stamp(original);
    const second = journal.stamp(original);
    assert.deepEqual(journalStamp(first.metadata), { journal: journal.id, seq: 0 });
    assert.deepEqual(journalStamp(second.metadata), { journal: journal.id, seq: 1 });
    assert.equal(journalStamp(original.metadata), undefined);
    assert.notEqual(new IopubJournal().id, journal.id, "each kernel process numbers anew under its own id");
  });

  it("answers a client that just connected with the head only, and one that missed messages with exactly those", () => {
    const journal = new IopubJournal();
    for (const text of ["a", "b", "c", "d"]) publish(journal, text);
    const head = journal.answer({ after_seq: null });
    assert.deepEqual([head.head_seq, head.messages.length, head.dropped], [3, 0, 0]);
    const missed = journal.answer({ after_seq: 1 });
    assert.deepEqual(texts(missed), ["c", "d"]);
    assert.deepEqual(missed.messages.map((message) => journalStamp(message.metadata)?.seq), [2, 3]);
    assert.equal(missed.dropped, 0);
    assert.deepEqual(texts(journal.answer({ after_seq: 3 })), [], "nothing after the head");
  });

  it("keeps only the last N messages and counts the ones a late client can no longer get", () => {
    const journal = new IopubJournal({ messages: 3, bytes: 1e9 });
    for (let index = 0; index < 10; index++) publish(journal, String(index));
    const reply = journal.answer({ after_seq: 2 });
    assert.deepEqual(texts(reply), ["7", "8", "9"]);
    assert.equal(reply.dropped, 4, "messages 3 to 6 are gone");
    assert.deepEqual(reply.limits, { messages: 3, bytes: 1e9 });
    assert.equal(journal.answer({ after_seq: 6 }).dropped, 0);
  });

  it("keeps within its byte bound, the newest message always", () => {
    const journal = new IopubJournal({ messages: 1000, bytes: 250 });
    for (let index = 0; index < 5; index++) publish(journal, String(index));
    assert.deepEqual(texts(journal.answer({ after_seq: -1 })), ["3", "4"]);
    publish(journal, "huge", 10_000);
    const reply = journal.answer({ after_seq: -1 });
    assert.deepEqual(texts(reply), ["huge"]);
    assert.equal(reply.dropped, 5);
  });

  it("stays bounded over many messages", () => {
    const journal = new IopubJournal({ messages: 100, bytes: 1e9 });
    for (let index = 0; index < 50_000; index++) publish(journal, String(index));
    const reply = journal.answer({ after_seq: -1 });
    assert.equal(reply.messages.length, 100);
    assert.equal(texts(reply)[0], "49900");
    assert.equal(reply.dropped, 49_900);
  });

  it("gives a long backlog in pages, and binary buffers in base64", () => {
    const journal = new IopubJournal();
    for (let index = 0; index < 10; index++) publish(journal, String(index), 1000, [Buffer.from([index, 255])]);
    const first = journal.answer({ after_seq: -1, max_bytes: 3000 });
    assert.deepEqual(texts(first), ["0", "1", "2"]);
    assert.equal(first.more, true);
    const rest = journal.answer({ after_seq: 2, max_bytes: 1e9 });
    assert.equal(rest.messages.length, 7);
    assert.equal(rest.more, false);
    assert.deepEqual(Buffer.from(rest.messages[0].buffers[0], "base64"), Buffer.from([3, 255]));
  });

  it("answers a malformed request with the head and nothing else", () => {
    const journal = new IopubJournal();
    publish(journal, "a");
    for (const request of [{}, { after_seq: "1" }, { after_seq: 0.5 }] as object[]) {
      const reply = journal.answer(request);
      assert.deepEqual([reply.status, reply.head_seq, reply.messages.length], ["ok", 0, 0]);
    }
  });
});

describe("shell reply journal (kernel/transport/shellReplyJournal.ts)", () => {
  const replyTo = (request: string) => {
    const parent = makeMessage("execute_request", {}, undefined, "client");
    parent.header.msg_id = request;
    return makeMessage("execute_reply", { status: "ok", execution_count: 1 }, parent, "session");
  };
  const answered = (journal: ShellReplyJournal, requests: unknown) => journal.find(requests).map((message) => (message.parent_header as { msg_id: string }).msg_id);

  it("gives back the replies to the requests asked for, in the order asked, within its bounds", () => {
    const journal = new ShellReplyJournal({ replies: 2, bytes: 1000 });
    for (const request of ["a", "b", "c"]) journal.keep(replyTo(request), 100);
    assert.deepEqual(answered(journal, ["c", "a", "b", "unknown"]), ["c", "b"], "the oldest went past the count bound");
    journal.keep(replyTo("d"), 950);
    assert.deepEqual(answered(journal, ["b", "c", "d"]), ["d"], "the byte bound keeps the newest");
  });

  it("finds nothing for anything but a list of request ids", () => {
    const journal = new ShellReplyJournal();
    journal.keep(replyTo("a"), 100);
    for (const garbage of [undefined, null, "a", 7, { a: 1 }, [1, null, {}]]) assert.deepEqual(journal.find(garbage), []);
  });
});
