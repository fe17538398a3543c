/// <reference path="../kernel/types/tfjs-studio.d.ts" />
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as tar from "tar";
import { scaffoldTemplate } from "../common/templateScaffold";
import { DataFormatError, encodeLabels, loadTextData, parseCsv, parseJsonl, readImdbArchive, splitDataset } from "../templates/lstm-text-classification/data";
import { TextClassifier, buildModel, shuffledBatches, type Prediction } from "../templates/lstm-text-classification/classifier";
import { classificationReport, reportHtml, reportText } from "../templates/lstm-text-classification/metrics";
import { predictionTable } from "../templates/lstm-text-classification/predictionTable";
import { OOV_ID, PAD_ID, Tokenizer, padSequence, tokenize } from "../templates/lstm-text-classification/tokenizer";
import { runCli } from "./support/cli";
import { tempDir } from "./support/studioKernel";

describe("lstm-text-classification data", () => {
  describe("CSV", () => {
    it("reads quoted fields with commas, escaped quotes, line breaks, CRLF and a header", () => {
      const csv = 'id,text,label\r\n1,"Great, really great",pos\r\n2,"She said ""awful""",neg\r\n3,"line one\nline two",pos\r\n4,plain text,neg\r\n';
      assert.deepEqual(parseCsv(csv), [
        { text: "Great, really great", label: "pos" },
        { text: 'She said "awful"', label: "neg" },
        { text: "line one\nline two", label: "pos" },
        { text: "plain text", label: "neg" },
      ]);
    });

    it("finds columns by name, case-insensitively, or as asked", () => {
      const csv = "Sentiment,Review,extra\n1,nice,x\n0,\"\",y";
      assert.deepEqual(parseCsv(csv), [
        { text: "nice", label: "1" },
        { text: "", label: "0" },
      ]);
      assert.deepEqual(parseCsv("body,tag\nhello,a\n", { textColumn: "body", labelColumn: "TAG" }), [{ text: "hello", label: "a" }]);
      assert.throws(() => parseCsv("body,tag\nhello,a\n"), /no text column \(looked for text, review.*the columns are body, tag/);
      assert.throws(() => parseCsv("text,label\nhello,a\n", { labelColumn: "class" }), /no label column "class"; the columns are text, label/);
    });

    it("reports malformed rows with their line numbers", () => {
      const error = (csv: string) => {
        try {
          parseCsv(csv, { source: "reviews.csv" });
        } catch (e) {
          return e as Error;
        }
        assert.fail("no error");
      };
      // The multi-line quoted field on lines 2-3 makes the short row line 4.
      const short = error('text,label\n"two\nlines",a\nonly one field\n');
      assert.ok(short instanceof DataFormatError);
      assert.equal(short.message, "reviews.csv, line 4: expected 2 fields as in the header, found 1");
      assert.match(error('text,label\nok,a\n"never closed,b\nmore,c\n').message, /^reviews\.csv, line 3: a quoted field is never closed/);
      assert.match(error('text,label\nok,a\nsay "hi",b\n').message, /^reviews\.csv, line 3: a quote inside an unquoted field/);
      assert.match(error('text,label\n"quoted"x,a\n').message, /^reviews\.csv, line 2: unexpected "x" after a closing quote/);
      assert.match(error("text,label\r\nfine,a\r\nno label,\r\n").message, /^reviews\.csv, line 3: the label is empty/);
      assert.match(error("").message, /reviews\.csv is empty/);
      assert.match(error("text,label\n\n").message, /has a header but no examples/);
    });

    it("loads files by extension, TSV included, and names the file in errors", () => {
      const dir = tempDir("lstm-data-");
      try {
        fs.writeFileSync(path.join(dir, "a.tsv"), "text\tlabel\nhello, world\tx\n");
        assert.deepEqual(loadTextData(path.join(dir, "a.tsv")), [{ text: "hello, world", label: "x" }]);
        fs.writeFileSync(path.join(dir, "b.csv"), "text,label\nfine,a\nbad,row,here\n");
        assert.throws(() => loadTextData(path.join(dir, "b.csv")), { message: `${path.join(dir, "b.csv")}, line 3: expected 2 fields as in the header, found 3` });
        fs.writeFileSync(path.join(dir, "c.txt"), "x");
        assert.throws(() => loadTextData(path.join(dir, "c.txt")), /expected a \.csv, \.tsv, \.jsonl or \.ndjson file/);
        assert.throws(() => loadTextData(path.join(dir, "missing.csv")), /cannot read .*missing\.csv/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("JSONL", () => {
    it("reads one object a line, skipping blank lines, with number and string labels", () => {
      const jsonl = '{"text": "good", "label": "pos"}\r\n\n{"review": "bad, \\"really\\"", "sentiment": 0}\n';
      assert.deepEqual(parseJsonl(jsonl), [
        { text: "good", label: "pos" },
        { text: 'bad, "really"', label: "0" },
      ]);
    });

    it("reports bad lines with their numbers", () => {
      assert.throws(() => parseJsonl('{"text": "a", "label": 1}\n{"text": oops}\n', { source: "d.jsonl" }), /^DataFormatError: d\.jsonl, line 2: invalid JSON/);
      assert.throws(() => parseJsonl('\n["text", "label"]\n', { source: "d.jsonl" }), { message: "d.jsonl, line 2: expected a JSON object" });
      assert.throws(() => parseJsonl('{"text": 5, "label": "a"}', { source: "d.jsonl" }), { message: "d.jsonl, line 1: the text must be a string" });
      assert.throws(() => parseJsonl('{"body": "x", "label": "a"}', { source: "d.jsonl" }), /d\.jsonl, line 1: no text column/);
      assert.throws(() => parseJsonl('{"text": "x", "label": null}', { source: "d.jsonl" }), /line 1: the label must be a string, number or boolean/);
    });
  });

  it("reads the labelled IMDB reviews straight from the .tar.gz, skipping unlabelled ones", async () => {
    const dir = tempDir("imdb-archive-");
    try {
      const archive = await imdbArchive(dir, [["train/pos/0_9.txt", "Loved it.<br /><br />Great"], ["test/neg/1_2.txt", "Dull"], ["train/unsup/2_0.txt", "?"]]);
      const examples = await readImdbArchive(archive);
      assert.deepEqual(
        examples.sort((a, b) => a.text.localeCompare(b.text)),
        [
          { text: "Dull", label: "negative" },
          { text: "Loved it.  Great", label: "positive" },
        ],
      );
      fs.writeFileSync(path.join(dir, "other.tar.gz"), "");
      await tar.c({ gzip: true, file: path.join(dir, "other.tar.gz"), cwd: dir }, ["aclImdb/train/unsup"]);
      await assert.rejects(readImdbArchive(path.join(dir, "other.tar.gz")), /holds no aclImdb\/\{train,test\}\/\{pos,neg\}\/\*\.txt reviews: is it aclImdb_v1\.tar\.gz\?/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("encodes labels in sorted order, numbers by value", () => {
    assert.deepEqual(encodeLabels(["pos", "neg", "pos"]), { classes: ["neg", "pos"], indices: [1, 0, 1] });
    assert.deepEqual(encodeLabels(["10", "2", "1"]).classes, ["1", "2", "10"]);
  });

  it("splits with a seeded shuffle: same seed same split, nothing lost", () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const a = splitDataset(items, { validation: 0.2, test: 0.1, seed: 7 });
    assert.deepEqual([a.train.length, a.validation.length, a.test.length], [70, 20, 10]);
    assert.deepEqual([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y), items);
    assert.deepEqual(splitDataset(items, { validation: 0.2, test: 0.1, seed: 7 }), a);
    assert.notDeepEqual(splitDataset(items, { validation: 0.2, test: 0.1, seed: 8 }).test, a.test);
    assert.notDeepEqual(a.test, items.slice(0, 10), "shuffled");
    assert.throws(() => splitDataset(items, { validation: 0.5, test: 0.5 }), /sum to less than 1/);
  });
});

describe("lstm-text-classification tokenizer", () => {
  it("lowercases, and strips or splits punctuation, keeping apostrophes inside words", () => {
    assert.deepEqual(tokenize("Don't STOP, it's GREAT!!", { lowercase: true, punctuation: "strip" }), ["don't", "stop", "it's", "great"]);
    assert.deepEqual(tokenize("Wow... great!", { lowercase: true, punctuation: "split" }), ["wow", ".", ".", ".", "great", "!"]);
    assert.deepEqual(tokenize("Wow Great", { lowercase: false, punctuation: "strip" }), ["Wow", "Great"]);
    assert.deepEqual(tokenize("café naïve 2024", { lowercase: true, punctuation: "strip" }), ["café", "naïve", "2024"]);
  });

  it("keeps the top-N words by frequency, ties in order of first appearance, with <pad> = 0 and <oov> = 1", () => {
    const tokenizer = Tokenizer.fit(["b a c", "a b d", "a e"], { vocabSize: 5, maxLength: 4 });
    assert.deepEqual(tokenizer.vocab, ["<pad>", "<oov>", "a", "b", "c"]);
    assert.equal(PAD_ID, 0);
    assert.equal(OOV_ID, 1);
    assert.deepEqual(tokenizer.toIds("A d zebra b"), [2, 1, 1, 3]);
  });

  it("pads and truncates to maxLength, before or after as configured", () => {
    const texts = ["a b", "a b c a b"];
    const fit = (padding: "pre" | "post", truncating: "pre" | "post") => Tokenizer.fit(["a a a b b c"], { maxLength: 4, padding, truncating });
    assert.deepEqual(fit("pre", "post").encode(texts), [[0, 0, 2, 3], [2, 3, 4, 2]]);
    assert.deepEqual(fit("post", "pre").encode(texts), [[2, 3, 0, 0], [3, 4, 2, 3]]);
    assert.deepEqual(padSequence([5, 6, 7], { maxLength: 3, padding: "pre", truncating: "pre" }), [5, 6, 7]);
  });

  it("survives a JSON round trip and rejects bad settings", () => {
    const tokenizer = Tokenizer.fit(["x y z", "y"], { vocabSize: 4, maxLength: 3, punctuation: "split" });
    const restored = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer.toJSON())));
    assert.deepEqual(restored.encode(["z y!", "q"]), tokenizer.encode(["z y!", "q"]));
    assert.equal(restored.config.punctuation, "split");
    assert.throws(() => Tokenizer.fit([], { vocabSize: 2 }), /vocabSize must be an integer of at least 3/);
    assert.throws(() => Tokenizer.fit([], { padding: "middle" as "pre" }), /padding must be pre or post, got "middle"/);
    assert.throws(() => Tokenizer.fromJSON({ config: tokenizer.config, vocab: ["x"] }), /not a saved tokenizer/);
  });
});

describe("lstm-text-classification metrics", () => {
  it("computes accuracy, per-class precision, recall, F1 and the confusion matrix", () => {
    const report = classificationReport([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 0, 1], ["a", "b", "c"]);
    assert.equal(report.accuracy, 3 / 6);
    assert.deepEqual(report.confusion, [[2, 1, 0], [1, 1, 0], [0, 1, 0]]);
    const [a, b, c] = report.classes;
    assert.deepEqual([a.precision, a.recall, a.support], [2 / 3, 2 / 3, 3]);
    assert.ok(Math.abs(a.f1 - 2 / 3) < 1e-12);
    assert.deepEqual([b.precision, b.recall], [1 / 3, 1 / 2]);
    assert.ok(Math.abs(b.f1 - 0.4) < 1e-12);
    assert.deepEqual([c.precision, c.recall, c.f1], [0, 0, 0], "a class never predicted gets 0, not NaN");
    assert.match(reportText(report), /^accuracy: 0\.500\n/);
    assert.match(reportText(report), /^a +0\.667 +0\.667 +0\.667 +3$/m);
    // Class names read left-aligned; VS Code right-aligns table cells unless told otherwise.
    assert.match(reportHtml(report), /<tr><th style="text-align: left">a<\/th><td>0\.667<\/td>/);
  });

  it("shows predictions as a table, texts and labels left-aligned, with the true labels when given", () => {
    const predictions: Prediction[] = [
      { text: "Not bad <at all>", label: "neg", probability: 0.75, probabilities: { neg: 0.75, pos: 0.25 } },
      { text: "Loved it", label: "pos", probability: 0.9, probabilities: { neg: 0.1, pos: 0.9 } },
    ];
    const typed = predictionTable(predictions);
    assert.equal(typed["text/plain"], "neg (0.750)  Not bad <at all>\npos (0.900)  Loved it");
    assert.match(typed["text/html"], /<tr><td style="text-align: left">Not bad &#60;at all&#62;<\/td><td style="text-align: left"><b>neg<\/b><\/td><td>0\.750<\/td><\/tr>/);
    const wrong = predictionTable(predictions, ["pos", "neg"]);
    assert.equal(wrong["text/plain"], "pos → neg (0.750)  Not bad <at all>\nneg → pos (0.900)  Loved it");
    assert.match(wrong["text/html"], /<th style="text-align: left">true label<\/th><th style="text-align: left">predicted<\/th>/);
    assert.match(wrong["text/html"], /<td style="text-align: left">pos<\/td><td style="text-align: left"><b>neg<\/b><\/td>/);
  });
});

describe("lstm-text-classification model", () => {
  // Other test files in this process may have loaded the wasm backend, which then outranks cpu uninitialized.
  before(() => tf.setBackend("cpu"));
  it("is Embedding, LSTM (or a Bidirectional one) and Dense softmax, and classifies raw text", async () => {
    const plain = buildModel({ vocabSize: 20, maxLength: 6, numClasses: 3, embeddingDim: 4, lstmUnits: 5 });
    assert.deepEqual(plain.layers.map((l) => l.getClassName()), ["Embedding", "LSTM", "Dense"]);
    const bidirectional = buildModel({ vocabSize: 20, maxLength: 6, numClasses: 3, embeddingDim: 4, lstmUnits: 5, bidirectional: true });
    assert.deepEqual(bidirectional.layers.map((l) => l.getClassName()), ["Embedding", "Bidirectional", "Dense"]);
    assert.deepEqual(bidirectional.layers[1].outputShape, [null, 10], "both directions concatenated");

    const tokenizer = Tokenizer.fit(["a b c"], { vocabSize: 20, maxLength: 6 });
    const classifier = new TextClassifier(bidirectional, tokenizer, ["x", "y", "z"]);
    const [prediction] = await classifier.predict(["a b unknown"]);
    assert.equal(prediction.text, "a b unknown");
    assert.ok(["x", "y", "z"].includes(prediction.label));
    const total = Object.values(prediction.probabilities).reduce((sum, p) => sum + p, 0);
    assert.ok(Math.abs(total - 1) < 1e-5 && prediction.probability === prediction.probabilities[prediction.label]);
    assert.throws(() => new TextClassifier(plain, tokenizer, ["x", "y"]), /the model has 3 outputs but there are 2 labels/);
    assert.throws(() => new TextClassifier(plain, Tokenizer.fit(["a"], { maxLength: 7 }), ["x", "y", "z"]), /the model reads 6 word ids but the tokenizer makes 7/);
    plain.dispose();
    bidirectional.dispose();
  });

  it("starts from the same weights for the same seed, and builds the template's default size without tfjs' slowness warning", () => {
    const options = { vocabSize: 50, maxLength: 10, numClasses: 2 }; // 32 LSTM units by default: a 32 × 128 recurrent matrix
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    let models: tf.Sequential[];
    try {
      models = [buildModel({ ...options, seed: 1 }), buildModel({ ...options, seed: 1 }), buildModel({ ...options, seed: 2 })];
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(warnings, [], "tfjs' orthogonal initializer warns 'Slowness may result' above 2000 elements");
    const [first, same, other] = models.map((model) => model.getWeights().map((w) => Array.from(w.dataSync())));
    assert.deepEqual(same, first);
    assert.notDeepEqual(other[0], first[0], "another seed, other embeddings");
    assert.notDeepEqual(first[1], first[2], "the LSTM's kernel and recurrent kernel do not start from the same numbers");
    models.forEach((model) => model.dispose());
  });

  it("trains on every example once an epoch, in an order that changes every epoch and repeats with the seed", async () => {
    const x = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i, i]), [10, 2], "int32");
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "int32"), 2).toFloat() as tf.Tensor2D;
    /** Each epoch's batches, as the first column of x. */
    const epochs = async (seed: number, count: number) => {
      const dataset = shuffledBatches({ x, y }, 4, seed);
      const result: number[][][] = [];
      for (let epoch = 0; epoch < count; epoch++) {
        const batches: number[][] = [];
        await dataset.forEachAsync(({ xs, ys }) => {
          assert.equal(ys.shape[0], xs.shape[0]);
          batches.push(tf.tidy(() => Array.from(xs.slice([0, 0], [-1, 1]).dataSync())));
          tf.dispose([xs, ys]);
        });
        result.push(batches);
      }
      return result;
    };
    const run = await epochs(3, 2);
    assert.deepEqual(run[0].map((batch) => batch.length), [4, 4, 2]);
    assert.deepEqual(run[0].flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(run[1], run[0], "a new order the next epoch");
    assert.deepEqual(await epochs(3, 2), run, "the same seed, the same batches");
    assert.notDeepEqual((await epochs(4, 1))[0], run[0]);
    tf.dispose([x, y]);
  });
});

/** A learnable rule hidden in noise: a review is "good" when it has a positive word, "bad" when a negative one. */
function generatedReviews(count: number): { text: string; label: "good" | "bad" }[] {
  let state = 12345;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor(state / 65536) % n; // the low bits of this generator repeat quickly
  };
  const filler = "the a movie film plot actors scene story it was is and then we saw very quite really some this that".split(" ");
  const cue = { good: ["good", "great", "excellent", "wonderful"], bad: ["bad", "awful", "terrible", "boring"] };
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2 === 0 ? "good" : "bad";
    const words = Array.from({ length: 4 + random(5) }, () => filler[random(filler.length)]);
    words.splice(random(words.length + 1), 0, cue[label][random(4)]);
    // Some with a comma, so that the CSV needs quotes.
    return { text: random(3) === 0 ? words.join(" ").replace(" ", ", ") : words.join(" "), label };
  });
}

function reviewsCsv(count: number): string {
  const quoted = (text: string) => (text.includes(",") ? `"${text}"` : text);
  return ["text,label", ...generatedReviews(count).map(({ text, label }) => `${quoted(text)},${label}`)].join("\r\n") + "\r\n";
}

describe("lstm-text-classification notebook, headless", function () {
  this.timeout(240_000);
  let dir: string;

  before(() => {
    dir = tempDir("lstm-template-");
    scaffoldTemplate("lstm-text-classification", dir);
    fs.writeFileSync(path.join(dir, "generated.csv"), reviewsCsv(400));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // webgpu on lavapipe, the software adapter scripts/install-system-deps.sh installs, in place of a GPU.
  for (const backend of ["wasm", "cpu", "webgpu"]) {
    it(`trains on a generated CSV to better than chance on ${backend}, then saves and reloads the model with its vocabulary`, async () => {
      const started = Date.now();
      const settings = { TEXT_DATA: "generated.csv", EPOCHS: "6", MAX_LEN: "12", VOCAB_SIZE: "40", EMBEDDING_DIM: "8", LSTM_UNITS: "8", MODEL_DIR: `saved-${backend}` };
      const env = { ...process.env, TFJS_STUDIO_BACKEND: backend, TFJS_STUDIO_WEBGPU_SOFTWARE: "1", ...settings };
      const { code, stderr } = await runCli(["run", path.join(dir, "lstm-text-classification.ipynb"), "--output", path.join(dir, `out-${backend}.ipynb`), "--timeout", "200"], { env });
      assert.equal(code, 0, stderr);
      const outputs = notebookText(path.join(dir, `out-${backend}.ipynb`));
      assert.match(outputs, new RegExp(`on the ${backend} backend`));

      assert.match(outputs, /400 examples in 2 classes: \{"bad":200,"good":200\}/);
      assert.match(outputs, /train 320, validation 40, test 40/);
      const accuracy = Number(/^accuracy: ([\d.]+)/m.exec(outputs)?.[1]);
      assert.ok(accuracy >= 0.8, `test accuracy ${accuracy} (chance: 0.5)`);
      assert.match(outputs, /<th>precision<\/th><th>recall<\/th><th>F1<\/th>/);
      assert.match(outputs, /confusion matrix/);
      assert.match(outputs, /good \(0\.\d+\) {2}A great movie, I loved it\./, "predict() on typed sentences");

      assert.match(outputs, /the reloaded model's predictions on the test texts are identical/);
      const saved = path.join(dir, `saved-${backend}`);
      assert.deepEqual(fs.readdirSync(saved).sort(), ["labels.json", "model.json", "tokenizer.json", "vocab.json", "weights.bin"]);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(saved, "labels.json"), "utf8")), ["bad", "good"]);
      const vocab: string[] = JSON.parse(fs.readFileSync(path.join(saved, "vocab.json"), "utf8"));
      assert.deepEqual(vocab.slice(0, 2), ["<pad>", "<oov>"]);
      assert.ok(vocab.length <= 40 && vocab.includes("great") && vocab.includes("awful"), vocab.join(" "));
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(saved, "tokenizer.json"), "utf8")), {
        vocabSize: 40,
        maxLength: 12,
        lowercase: true,
        punctuation: "strip",
        padding: "pre",
        truncating: "post",
      });
      console.log(`      (${backend}: notebook run ${((Date.now() - started) / 1000).toFixed(1)} s, test accuracy ${accuracy})`);
    });
  }

  it("on its own sample reviews, as shipped, makes some mistakes but beats chance, and shows each result once", async () => {
    // The template's defaults (32 LSTM units, 10 epochs, SEED 42), on one backend: the run is seeded, so it repeats.
    const { code, stderr } = await runCli(["run", path.join(dir, "lstm-text-classification.ipynb"), "--output", path.join(dir, "sample.ipynb"), "--timeout", "200"], {
      env: { ...process.env, TFJS_STUDIO_BACKEND: "wasm" },
    });
    assert.equal(code, 0, stderr);
    const outputs = notebookOutputs(path.join(dir, "sample.ipynb"));
    const text = outputs.map(outputText).join("\n");
    assert.doesNotMatch(text, /Orthogonal initializer|Slowness may result/);
    assert.match(text, /400 examples in 2 classes: \{"negative":200,"positive":200\}/);

    const reports = outputs.filter((output) => /precision/.test(outputText(output)));
    assert.equal(reports.length, 1, "the classification report once, as one output with an HTML and a text form");
    assert.ok(reports[0].data?.["text/html"] && reports[0].data["text/plain"]);
    const report = join(reports[0].data["text/plain"]);
    const accuracy = Number(/^accuracy: ([\d.]+)/m.exec(report)?.[1]);
    const f1 = [...report.matchAll(/^(?:negative|positive) +[\d.]+ +[\d.]+ +([\d.]+) +\d+$/gm)].map((match) => Number(match[1]));
    assert.equal(f1.length, 2, report);
    // Chance is 0.5 on these balanced classes; 1 would mean the sample teaches nothing about the model's limits.
    assert.ok(accuracy > 0.7 && accuracy < 1, `test accuracy ${accuracy}`);
    assert.ok(f1.every((score) => score > 0.6 && score < 1), `F1 ${f1.join(", ")}`);

    const mistakes = outputs.find((output) => /true label/.test(join(output.data?.["text/html"])));
    assert.ok(mistakes, "the test reviews it got wrong");
    assert.match(join(mistakes.data?.["text/plain"]), /^(negative → positive|positive → negative) \(0\.\d+\) {2}\S/m);
    assert.match(text, /the reloaded model's predictions on the test texts are identical/);
  });

  it("stops with the variable's name when a setting is invalid", async () => {
    const { code, stderr } = await runCli(["run", path.join(dir, "lstm-text-classification.ipynb"), "--output", path.join(dir, "bad.ipynb")], {
      env: { ...process.env, EPOCHS: "many" },
    });
    assert.equal(code, 1);
    assert.match(stderr, /EPOCHS must be an integer of at least 1, got "many"/);
  });
});

describe("lstm-text-classification notebook on IMDB, from a local server", function () {
  this.timeout(240_000);
  let dir: string;
  let server: http.Server;
  let baseUrl: string;
  let archiveSha256: string;
  const requests: string[] = [];

  before(async () => {
    dir = tempDir("lstm-imdb-");
    scaffoldTemplate("lstm-text-classification", path.join(dir, "project"));
    // Labelled reviews split between train and test as in the real archive, plus unlabelled ones to skip.
    const reviews = generatedReviews(400).map(({ text, label }, i): [string, string] => [
      `${i % 4 === 0 ? "test" : "train"}/${label === "good" ? "pos" : "neg"}/${i}_${label === "good" ? 9 : 2}.txt`,
      `${text}.<br /><br />`,
    ]);
    const archive = await imdbArchive(path.join(dir, "archive"), [...reviews, ["train/unsup/0_0.txt", "no label"]]);
    const bytes = fs.readFileSync(archive);
    archiveSha256 = createHash("sha256").update(bytes).digest("hex");
    server = http.createServer((request, response) => {
      requests.push(request.url ?? "");
      if (request.url !== "/imdb/aclImdb_v1.tar.gz") return void response.writeHead(404).end();
      response.writeHead(200, { "content-length": bytes.length }).end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function runImdb(name: string, settings: Record<string, string>) {
    const env = { ...process.env, TEXT_DATA: "imdb", TFJS_STUDIO_CACHE: path.join(dir, `cache-${name}`), ...settings };
    const notebook = path.join(dir, "project", "lstm-text-classification.ipynb");
    return runCli(["run", notebook, "--output", path.join(dir, `${name}.ipynb`), "--timeout", "200"], { env });
  }

  it("downloads the archive into the cache, checks it and trains on its reviews", async () => {
    const settings = { IMDB_URL: `${baseUrl}/imdb/aclImdb_v1.tar.gz`, IMDB_SHA256: archiveSha256, EPOCHS: "6", MAX_LEN: "12", EMBEDDING_DIM: "8", LSTM_UNITS: "8" };
    const { code, stderr } = await runImdb("download", settings);
    assert.equal(code, 0, stderr);
    const outputs = notebookText(path.join(dir, "download.ipynb"));
    assert.match(outputs, /400 examples in 2 classes: \{"negative":200,"positive":200\}/);
    const accuracy = Number(/^accuracy: ([\d.]+)/m.exec(outputs)?.[1]);
    assert.ok(accuracy >= 0.8, `test accuracy ${accuracy} (chance: 0.5)`);
    assert.deepEqual(requests, ["/imdb/aclImdb_v1.tar.gz"]);
    const cached = path.join(dir, "cache-download", "imdb", "aclImdb_v1.tar.gz");
    assert.equal(createHash("sha256").update(fs.readFileSync(cached)).digest("hex"), archiveSha256);
  });

  it("refuses an archive whose checksum is not the expected one", async () => {
    const { code, stderr } = await runImdb("checksum", { IMDB_URL: `${baseUrl}/imdb/aclImdb_v1.tar.gz` }); // the published sha256
    assert.equal(code, 1);
    assert.match(stderr, /IMDB reviews .*sha256 is [0-9a-f]{64}, expected c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe/);
    assert.equal(fs.existsSync(path.join(dir, "cache-checksum", "imdb", "aclImdb_v1.tar.gz")), false);
  });

  it("says how to go on without a network", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await runImdb("offline", { IMDB_URL: `http://127.0.0.1:${port}/aclImdb_v1.tar.gz` });
    assert.equal(code, 1);
    assert.match(stderr, /set TEXT_DATA to a CSV or JSONL file of your own/);
  });
});

/** Writes aclImdb/<path> files under dir and packs them as dir/aclImdb_v1.tar.gz, the layout of the real archive. */
async function imdbArchive(dir: string, files: [string, string][]): Promise<string> {
  for (const [name, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, "aclImdb", name)), { recursive: true });
    fs.writeFileSync(path.join(dir, "aclImdb", name), text);
  }
  const archive = path.join(dir, "aclImdb_v1.tar.gz");
  await tar.c({ gzip: true, file: archive, cwd: dir }, ["aclImdb"]);
  return archive;
}

interface NotebookOutput {
  text?: unknown;
  data?: Record<string, unknown>;
  evalue?: unknown;
}

function notebookOutputs(file: string): NotebookOutput[] {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  return notebook.cells.flatMap((cell: { outputs?: NotebookOutput[] }) => cell.outputs ?? []);
}

function join(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : "";
}

/** An output as text: its stream, text/plain, text/html and error message. */
function outputText(output: NotebookOutput): string {
  return [join(output.text), join(output.data?.["text/plain"]), join(output.data?.["text/html"]), join(output.evalue)].join("\n");
}

/** Every output of the notebook as text. */
function notebookText(file: string): string {
  return notebookOutputs(file).map(outputText).join("\n");
}
