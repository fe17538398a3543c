// The model server's tokenizer (serving/server/textTokenizer.ts) must make the ids the LSTM template's tokenizer made
// when the model was trained. The template keeps its own copy on purpose: it is copied into users' projects, which
// read and change it without the kernel's sources. This test holds the two to the same output.
import assert from "node:assert/strict";
import { TextTokenizer } from "../serving/server/textTokenizer";
import { Tokenizer, type TokenizerConfig } from "../templates/lstm-text-classification/tokenizer";

const TRAINING = ["Don't stop; it's GREAT!", "naïve café, crème brûlée", "rock’n’roll 2024 …", "no-go: 10/10 would (not) watch again"];
const REQUESTS = [...TRAINING, "", "   ", "UNSEEN words only", "great great great great great great great great great great great", "😀 emoji, ¿qué? «quotes» don’t"];

describe("the server's text tokenizer", () => {
  for (const settings of [
    { punctuation: "strip", padding: "pre", truncating: "post", lowercase: true },
    { punctuation: "split", padding: "post", truncating: "pre", lowercase: false },
  ] as const) {
    it(`makes the template tokenizer's ids (punctuation ${settings.punctuation}, padding ${settings.padding}, truncating ${settings.truncating})`, () => {
      const config: Partial<TokenizerConfig> = { ...settings, vocabSize: 12, maxLength: 6 };
      const template = Tokenizer.fit(TRAINING, config);
      const server = new TextTokenizer({ vocabFile: "vocab.json", vocabSize: 12, maxLength: 6, ...settings }, template.vocab);
      assert.deepEqual(REQUESTS.map((text) => server.encode(text)), template.encode(REQUESTS));
    });
  }
});
