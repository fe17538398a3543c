import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { JupyterMessage, makeMessage } from "../protocol/messages";
import { Signer, WireError, decodeMessage, encodeMessage } from "../protocol/wire";

const KEY = "3f2a9c1e-test-key";
const DELIMITER = "<IDS|MSG>";

function sampleMessage(buffers: Buffer[] = []): JupyterMessage {
  const parent = makeMessage("execute_request", { code: "1+1" }, undefined, "client-session") as JupyterMessage;
  return makeMessage("execute_reply", { status: "ok", execution_count: 3, text: "é 🎉" }, parent, "kernel-session", { meta: true }, buffers);
}

/** The HMAC of the four JSON frames, computed here without the Signer. */
function independentDigest(key: string, parts: Buffer[], algorithm = "sha256"): string {
  const hmac = createHmac(algorithm, key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** Builds frames by hand: delimiter, signature over the four given parts, the parts, then extra frames. */
function handFrames(parts: (string | Buffer)[], signer: Signer, extra: Buffer[] = [], identities: Buffer[] = []): Buffer[] {
  const buffers = parts.map((part) => (typeof part === "string" ? Buffer.from(part) : part));
  return [...identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(buffers.slice(0, 4))), ...buffers, ...extra];
}

const validHeader = JSON.stringify({ msg_id: "m1", msg_type: "kernel_info_request", session: "s", username: "u", date: "2024-01-01T00:00:00Z", version: "5.3" });

describe("wire format", () => {
  describe("signing", () => {
    it("signs the four JSON frames with HMAC-SHA256, as computed independently with node:crypto", () => {
      const signer = new Signer(KEY, "hmac-sha256");
      const message = sampleMessage();
      const frames = encodeMessage(message, [], signer);
      assert.equal(frames.length, 6);
      assert.equal(frames[0].toString(), DELIMITER);
      const parts = frames.slice(2, 6);
      assert.deepEqual(JSON.parse(parts[0].toString()), message.header);
      assert.deepEqual(JSON.parse(parts[1].toString()), message.parent_header);
      assert.deepEqual(JSON.parse(parts[2].toString()), message.metadata);
      assert.deepEqual(JSON.parse(parts[3].toString()), message.content);
      const expected = independentDigest(KEY, parts);
      assert.match(expected, /^[0-9a-f]{64}$/);
      assert.equal(frames[1].toString(), expected);
      assert.equal(signer.sign(parts), expected);
      assert.equal(signer.verify(expected, parts), true);
    });

    it("round-trips a signed message through decode", () => {
      const signer = new Signer(KEY);
      const message = sampleMessage();
      const { identities, message: decoded } = decodeMessage(encodeMessage(message, [], signer), signer);
      assert.deepEqual(identities, []);
      assert.deepEqual(decoded.header, message.header);
      assert.deepEqual(decoded.parent_header, message.parent_header);
      assert.deepEqual(decoded.metadata, { meta: true });
      assert.deepEqual(decoded.content, { status: "ok", execution_count: 3, text: "é 🎉" });
      assert.deepEqual(decoded.buffers, []);
    });

    it("supports other hmac schemes such as hmac-sha512", () => {
      const signer = new Signer(KEY, "hmac-sha512");
      const frames = encodeMessage(sampleMessage(), [], signer);
      assert.equal(frames[1].toString(), independentDigest(KEY, frames.slice(2, 6), "sha512"));
      assert.equal(decodeMessage(frames, signer).message.header.msg_type, "execute_reply");
      // A receiver using sha256 with the same key must not accept it.
      assert.throws(() => decodeMessage(frames, new Signer(KEY, "hmac-sha256")), WireError);
    });

    it("with an empty key sends an empty signature and accepts any signature", () => {
      const unsigned = new Signer("");
      const frames = encodeMessage(sampleMessage(), [], unsigned);
      assert.equal(frames[1].length, 0);
      assert.equal(unsigned.sign(frames.slice(2, 6)), "");
      assert.equal(decodeMessage(frames, unsigned).message.header.msg_type, "execute_reply");
      const signedElsewhere = encodeMessage(sampleMessage(), [], new Signer("some other key"));
      assert.equal(decodeMessage(signedElsewhere, unsigned).message.content.execution_count, 3);
      const garbageSignature = [...frames];
      garbageSignature[1] = Buffer.from("not-a-signature");
      assert.equal(decodeMessage(garbageSignature, unsigned).message.content.status, "ok");
    });

    it("rejects a message signed with another key", () => {
      const frames = encodeMessage(sampleMessage(), [], new Signer("wrong key"));
      assert.throws(() => decodeMessage(frames, new Signer(KEY)), (error: Error) => error instanceof WireError && /signature/i.test(error.message));
    });

    it("rejects an unsigned message when a key is set", () => {
      const frames = encodeMessage(sampleMessage(), [], new Signer(""));
      assert.throws(() => decodeMessage(frames, new Signer(KEY)), WireError);
    });

    it("rejects a signature of the right length but wrong digits, and one in upper case", () => {
      const signer = new Signer(KEY);
      const frames = encodeMessage(sampleMessage(), [], signer);
      const good = frames[1].toString();
      const flipped = [...frames];
      flipped[1] = Buffer.from((good[0] === "0" ? "1" : "0") + good.slice(1));
      assert.throws(() => decodeMessage(flipped, signer), WireError);
      const upper = [...frames];
      upper[1] = Buffer.from(good.toUpperCase());
      if (good !== good.toUpperCase()) assert.throws(() => decodeMessage(upper, signer), WireError);
    });

    it("rejects tampered content, header, parent header and metadata", () => {
      const signer = new Signer(KEY);
      for (const index of [2, 3, 4, 5]) {
        const frames = encodeMessage(sampleMessage(), [], signer);
        const json = JSON.parse(frames[index].toString());
        json.tampered = 1;
        frames[index] = Buffer.from(JSON.stringify(json));
        assert.throws(() => decodeMessage(frames, signer), WireError, `frame ${index}`);
      }
      const frames = encodeMessage(sampleMessage(), [], signer);
      frames[5] = Buffer.from(frames[5].toString().replace('"ok"', '"error"'));
      assert.throws(() => decodeMessage(frames, signer), WireError);
    });

    it("rejects an unsupported signature scheme", () => {
      assert.throws(() => new Signer(KEY, "sha256"), WireError);
      assert.throws(() => new Signer(KEY, "rsa-sha256"), WireError);
      assert.throws(() => new Signer(KEY, ""), WireError);
      // hmac- with a digest Node does not have fails at construction, not on the first message.
      assert.throws(() => new Signer(KEY, "hmac-nosuchdigest"));
    });
  });

  describe("framing", () => {
    it("preserves routing identities before the delimiter", () => {
      const signer = new Signer(KEY);
      const identities = [Buffer.from("client-1"), Buffer.from([0, 1, 2, 255])];
      const frames = encodeMessage(sampleMessage(), identities, signer);
      assert.equal(frames.length, 8);
      assert.deepEqual(frames.slice(0, 2), identities);
      assert.equal(frames[2].toString(), DELIMITER);
      const decoded = decodeMessage(frames, signer);
      assert.deepEqual(decoded.identities, identities);
      assert.equal(decoded.message.header.msg_type, "execute_reply");
    });

    it("preserves binary buffers after the JSON frames, outside the signature", () => {
      const signer = new Signer(KEY);
      const buffers = [Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.from("tail")];
      const frames = encodeMessage(sampleMessage(buffers), [Buffer.from("id")], signer);
      assert.equal(frames.length, 1 + 1 + 1 + 4 + 3);
      assert.deepEqual(frames.slice(-3), buffers);
      // The signature covers only header, parent_header, metadata and content, as the protocol says.
      assert.equal(frames[2].toString(), independentDigest(KEY, frames.slice(3, 7)));
      const decoded = decodeMessage(frames, signer);
      assert.equal(decoded.message.buffers.length, 3);
      assert.deepEqual(decoded.message.buffers.map((b) => [...b]), [[1, 2, 3], [], [...Buffer.from("tail")]]);
    });

    it("rejects frames without the <IDS|MSG> delimiter", () => {
      const signer = new Signer(KEY);
      const frames = encodeMessage(sampleMessage(), [], signer).slice(1);
      assert.throws(() => decodeMessage(frames, signer), (error: Error) => error instanceof WireError && /delimiter/.test(error.message));
      assert.throws(() => decodeMessage([Buffer.from("garbage")], signer), WireError);
      assert.throws(() => decodeMessage([], signer), WireError);
    });

    it("rejects too few frames after the delimiter", () => {
      const signer = new Signer(KEY);
      const full = encodeMessage(sampleMessage(), [], signer);
      for (let keep = 1; keep < 6; keep++) {
        assert.throws(() => decodeMessage(full.slice(0, keep), signer), WireError, `with ${keep} frames`);
      }
      assert.throws(() => decodeMessage(full.slice(0, 5), new Signer("")), WireError);
    });

    it("rejects a header that is not JSON, even when correctly signed", () => {
      const signer = new Signer(KEY);
      const frames = handFrames(["{not json", "{}", "{}", "{}"], signer);
      assert.throws(() => decodeMessage(frames, signer), (error: Error) => error instanceof WireError && /header/.test(error.message));
    });

    it("rejects content that is a JSON array, or null, or a string", () => {
      const signer = new Signer(KEY);
      for (const content of ["[1,2]", "null", '"text"', "42"]) {
        const frames = handFrames([validHeader, "{}", "{}", content], signer);
        assert.throws(() => decodeMessage(frames, signer), (error: Error) => error instanceof WireError && /content/.test(error.message), content);
      }
      // The same frames with an object as content are fine, so the content was the only problem.
      assert.equal(decodeMessage(handFrames([validHeader, "{}", "{}", "{}"], signer), signer).message.header.msg_id, "m1");
    });

    it("rejects parent_header or metadata that are not objects", () => {
      const signer = new Signer(KEY);
      assert.throws(() => decodeMessage(handFrames([validHeader, "[]", "{}", "{}"], signer), signer), WireError);
      assert.throws(() => decodeMessage(handFrames([validHeader, "{}", "7", "{}"], signer), signer), WireError);
    });

    it("rejects a header without msg_type or msg_id", () => {
      const signer = new Signer(KEY);
      const noType = JSON.stringify({ msg_id: "m1", session: "s", username: "u", date: "", version: "5.3" });
      const noId = JSON.stringify({ msg_type: "kernel_info_request", session: "s", username: "u", date: "", version: "5.3" });
      const numericType = JSON.stringify({ msg_id: "m1", msg_type: 5 });
      for (const header of [noType, noId, numericType, "{}"]) {
        assert.throws(() => decodeMessage(handFrames([header, "{}", "{}", "{}"], signer), signer), WireError, header);
      }
    });

    it("decodes a hand-built message with identities and buffers as given", () => {
      const signer = new Signer(KEY);
      const frames = handFrames([validHeader, "{}", '{"m":1}', '{"x":[1,2]}'], signer, [Buffer.from("b")], [Buffer.from("peer")]);
      const { identities, message } = decodeMessage(frames, signer);
      assert.deepEqual(identities.map(String), ["peer"]);
      assert.equal(message.header.msg_type, "kernel_info_request");
      assert.deepEqual(message.parent_header, {});
      assert.deepEqual(message.metadata, { m: 1 });
      assert.deepEqual(message.content, { x: [1, 2] });
      assert.deepEqual(message.buffers.map(String), ["b"]);
    });
  });
});
