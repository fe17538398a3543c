// Word tokenizer and vocabulary: text → word ids padded or truncated to a fixed length, as the Embedding layer takes them.
// Id 0 is padding, id 1 stands for every word outside the vocabulary; real words follow, most frequent first.

export const PAD_TOKEN = "<pad>";
export const OOV_TOKEN = "<oov>";
export const PAD_ID = 0;
export const OOV_ID = 1;

export interface TokenizerConfig {
  /** Vocabulary size including <pad> and <oov>: the Embedding layer's inputDim. Keeps the most frequent words. */
  vocabSize: number;
  /** Every sequence is padded or truncated to this many ids. */
  maxLength: number;
  lowercase: boolean;
  /** "strip": punctuation separates words and is dropped; "split": each punctuation mark is a token of its own. */
  punctuation: "strip" | "split";
  /** "pre" puts padding before the words, so they sit next to the LSTM's final state; "post" after. */
  padding: "pre" | "post";
  /** "post" drops the words past maxLength (keeps the beginning); "pre" drops the first ones (keeps the end). */
  truncating: "pre" | "post";
}

export const DEFAULT_TOKENIZER_CONFIG: TokenizerConfig = {
  vocabSize: 10_000,
  maxLength: 100,
  lowercase: true,
  punctuation: "strip",
  padding: "pre",
  truncating: "post",
};

/** What tokenizer.json holds next to model.json; vocab.json holds the words, index = id. */
export interface SavedTokenizer {
  config: TokenizerConfig;
  vocab: string[];
}

// Letters, digits and marks make words; an apostrophe inside a word (don't) stays part of it.
const TOKEN_PATTERN = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*|[\p{P}\p{S}]/gu;
const PUNCTUATION = /^[\p{P}\p{S}]$/u;

export class Tokenizer {
  readonly config: TokenizerConfig;
  private readonly ids: Map<string, number>;

  private constructor(config: TokenizerConfig, readonly vocab: string[]) {
    this.config = config;
    this.ids = new Map(vocab.map((word, id) => [word, id]));
  }

  /** Builds the vocabulary from training texts: the vocabSize - 2 most frequent words, ties in order of first appearance. */
  static fit(texts: string[], options: Partial<TokenizerConfig> = {}): Tokenizer {
    const config = checkedConfig({ ...DEFAULT_TOKENIZER_CONFIG, ...options });
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const word of tokenize(text, config)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    // Map iteration follows insertion order and sort is stable, so ties keep their first appearance.
    const words = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([word]) => word);
    return new Tokenizer(config, [PAD_TOKEN, OOV_TOKEN, ...words.slice(0, config.vocabSize - 2)]);
  }

  static fromJSON(saved: SavedTokenizer): Tokenizer {
    if (!Array.isArray(saved?.vocab) || saved.vocab[PAD_ID] !== PAD_TOKEN || saved.vocab[OOV_ID] !== OOV_TOKEN) {
      throw new Error(`not a saved tokenizer: the vocabulary must start with "${PAD_TOKEN}", "${OOV_TOKEN}"`);
    }
    return new Tokenizer(checkedConfig({ ...DEFAULT_TOKENIZER_CONFIG, ...saved.config }), saved.vocab);
  }

  toJSON(): SavedTokenizer {
    return { config: this.config, vocab: this.vocab };
  }

  tokenize(text: string): string[] {
    return tokenize(text, this.config);
  }

  /** Word ids of one text, unpadded; unknown words become OOV_ID. */
  toIds(text: string): number[] {
    return this.tokenize(text).map((word) => this.ids.get(word) ?? OOV_ID);
  }

  /** Ids of each text padded or truncated to maxLength: rows of a [texts.length, maxLength] int32 tensor. */
  encode(texts: string[]): number[][] {
    return texts.map((text) => padSequence(this.toIds(text), this.config));
  }
}

export function tokenize(text: string, config: Pick<TokenizerConfig, "lowercase" | "punctuation">): string[] {
  const tokens = (config.lowercase ? text.toLowerCase() : text).match(TOKEN_PATTERN) ?? [];
  return config.punctuation === "split" ? tokens : tokens.filter((token) => !PUNCTUATION.test(token));
}

export function padSequence(ids: number[], config: Pick<TokenizerConfig, "maxLength" | "padding" | "truncating">): number[] {
  const { maxLength, padding, truncating } = config;
  const kept = ids.length <= maxLength ? ids : truncating === "pre" ? ids.slice(ids.length - maxLength) : ids.slice(0, maxLength);
  const pad = new Array<number>(maxLength - kept.length).fill(PAD_ID);
  return padding === "pre" ? [...pad, ...kept] : [...kept, ...pad];
}

function checkedConfig(config: TokenizerConfig): TokenizerConfig {
  if (!Number.isInteger(config.vocabSize) || config.vocabSize < 3) throw new Error(`vocabSize must be an integer of at least 3 (<pad>, <oov> and one word), got ${config.vocabSize}`);
  if (!Number.isInteger(config.maxLength) || config.maxLength < 1) throw new Error(`maxLength must be a positive integer, got ${config.maxLength}`);
  for (const [name, allowed] of [["punctuation", ["strip", "split"]], ["padding", ["pre", "post"]], ["truncating", ["pre", "post"]]] as const) {
    if (!(allowed as readonly string[]).includes(config[name])) throw new Error(`${name} must be ${allowed.join(" or ")}, got ${JSON.stringify(config[name])}`);
  }
  return config;
}
