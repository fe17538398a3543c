// The "text" preprocessing of serving.json: raw text to the word ids a model was trained on, exactly as the LSTM
// template's tokenizer makes them (words of letters, digits and marks; punctuation stripped or split; id 0 pads,
// id 1 stands for any word outside the vocabulary; padded or truncated to maxLength).
import type { TextTokenizerSettings } from "../../protocol/servingManifest";

const PAD_ID = 0;
const OOV_ID = 1;
const TOKEN_PATTERN = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*|[\p{P}\p{S}]/gu;
const PUNCTUATION = /^[\p{P}\p{S}]$/u;

export class TextTokenizer {
  private readonly ids: Map<string, number>;

  constructor(
    private readonly settings: TextTokenizerSettings,
    vocab: readonly string[],
  ) {
    this.ids = new Map(vocab.map((word, id) => [word, id]));
  }

  get maxLength(): number {
    return this.settings.maxLength;
  }

  /** The padded word ids of one text: maxLength of them. */
  encode(text: string): number[] {
    const { lowercase, punctuation, maxLength, padding, truncating } = this.settings;
    const tokens = (lowercase ? text.toLowerCase() : text).match(TOKEN_PATTERN) ?? [];
    const words = punctuation === "split" ? tokens : tokens.filter((token) => !PUNCTUATION.test(token));
    const ids = words.map((word) => this.ids.get(word) ?? OOV_ID);
    const kept = ids.length <= maxLength ? ids : truncating === "pre" ? ids.slice(ids.length - maxLength) : ids.slice(0, maxLength);
    const pad = new Array<number>(maxLength - kept.length).fill(PAD_ID);
    return padding === "pre" ? [...pad, ...kept] : [...kept, ...pad];
  }
}
