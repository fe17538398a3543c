// Turns the values a request carries into model instances, checked against the model's signature: each error says
// what was expected (the shape, the dtype, a string for a text model) and where in the request it was not.
import type { ServingManifest, TensorSignature } from "../../protocol/servingManifest";
import type { TextTokenizer } from "./textTokenizer";

/** One input of one instance: its values flattened, and its shape without the batch dimension. */
export interface InstanceInput {
  values: ArrayLike<number>;
  shape: number[];
}

/** One instance: an input a model input, in the signature's order. */
export type Instance = InstanceInput[];

/** A request the server cannot serve; the message says what was expected. */
export class BadRequest extends Error {
  override name = "BadRequest";
  constructor(
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}

export class InstanceDecoder {
  constructor(
    private readonly manifest: ServingManifest,
    private readonly tokenizer: TextTokenizer | undefined,
  ) {}

  get inputs(): TensorSignature[] {
    return this.manifest.inputs;
  }

  /** Row format: one entry an instance; with several inputs, each entry is an object by input name. */
  fromRows(rows: unknown, where: string): Instance[] {
    if (!Array.isArray(rows) || rows.length === 0) throw new BadRequest(`${where} must be a non-empty list of instances`);
    return rows.map((row, index) => this.instance(row, `${where}[${index}]`));
  }

  /** Columnar format: one value with the batch first; with several inputs, an object by input name. */
  fromColumns(columns: unknown, where: string): Instance[] {
    const byInput = this.byInputName(columns, where);
    const batches = this.inputs.map((input, k) => {
      const batch = byInput[k];
      if (!Array.isArray(batch) || batch.length === 0) throw new BadRequest(`${where}${this.inputs.length > 1 ? `.${input.name}` : ""} must be a non-empty list with the batch first`);
      return batch as unknown[];
    });
    const size = batches[0].length;
    const mismatch = batches.findIndex((batch) => batch.length !== size);
    if (mismatch >= 0) throw new BadRequest(`${where}: every input needs the same batch size; ${this.inputs[0].name} has ${size}, ${this.inputs[mismatch].name} has ${batches[mismatch].length}`);
    return Array.from({ length: size }, (_, row) => this.inputs.map((input, k) => this.input(batches[k][row], input, `${where}${this.inputs.length > 1 ? `.${input.name}` : ""}[${row}]`)));
  }

  /** One instance's value or values (an object by input name when the model has several inputs). */
  instance(value: unknown, where: string): Instance {
    if (this.inputs.length === 1) return [this.input(value, this.inputs[0], where)];
    const byInput = this.byInputName(value, where);
    return this.inputs.map((input, k) => this.input(byInput[k], input, `${where}.${input.name}`));
  }

  /** One input of one instance, decoded against its signature (the batch dimension left out). */
  input(value: unknown, signature: TensorSignature, where: string): InstanceInput {
    if (typeof value === "string") {
      if (!this.tokenizer) throw new BadRequest(`${where}: got text, but this model takes ${describe(signature)}; only a text model (packaged with its vocabulary) takes raw strings`);
      return { values: this.tokenizer.encode(value), shape: [this.tokenizer.maxLength] };
    }
    const shape: number[] = [];
    const values: number[] = [];
    flatten(value, 0, shape, values, where, signature);
    const expected = signature.shape.slice(1);
    const fits = shape.length === expected.length && shape.every((size, i) => expected[i] === null || expected[i] === size);
    if (!fits) throw new BadRequest(`${where}: got shape [${shape.join(", ")}], but ${signature.name} takes ${describe(signature)} an instance`);
    const scale = this.scale;
    return { values: scale === 1 ? values : values.map((v) => v * scale), shape };
  }

  /** What image values are multiplied by before the model sees them (the package's --scale). */
  get scale(): number {
    return this.manifest.preprocessing.kind === "image" ? this.manifest.preprocessing.scale : 1;
  }

  private byInputName(value: unknown, where: string): unknown[] {
    if (this.inputs.length === 1) return [value];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new BadRequest(`${where}: this model has ${this.inputs.length} inputs, so give an object with ${this.inputs.map((input) => input.name).join(", ")}`);
    }
    const record = value as Record<string, unknown>;
    const unknownName = Object.keys(record).find((name) => !this.inputs.some((input) => input.name === name));
    if (unknownName !== undefined) throw new BadRequest(`${where}: the model has no input ${unknownName}; its inputs are ${this.inputs.map((input) => input.name).join(", ")}`);
    return this.inputs.map((input) => {
      if (!(input.name in record)) throw new BadRequest(`${where}: missing the input ${input.name}`);
      return record[input.name];
    });
  }
}

/** Nested lists to flat values, learning the shape from the first element of each level and holding the rest to it. */
function flatten(value: unknown, depth: number, shape: number[], values: number[], where: string, signature: TensorSignature): void {
  if (Array.isArray(value)) {
    // Stops at the signature's rank, before a hostile body nested a million deep overflows the stack.
    if (depth >= signature.shape.length - 1) throw new BadRequest(`${where}: more dimensions than ${signature.name} takes (${describe(signature)} an instance)`);
    if (shape.length === depth) shape.push(value.length);
    else if (shape.length < depth || shape[depth] !== value.length) throw new BadRequest(`${where}: a ragged list; every list at depth ${depth + 1} must have ${shape[depth] ?? "the same"} entries`);
    for (const item of value) flatten(item, depth + 1, shape, values, where, signature);
    return;
  }
  if (shape.length > depth) throw new BadRequest(`${where}: a ragged list; expected a list at depth ${depth + 1}`);
  values.push(scalar(value, signature, where));
}

function scalar(value: unknown, signature: TensorSignature, where: string): number {
  switch (signature.dtype) {
    case "bool":
      if (typeof value === "boolean") return value ? 1 : 0;
      break;
    case "int32":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      break;
    default:
      if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  throw new BadRequest(`${where}: ${JSON.stringify(value)} is not a ${signature.dtype === "float32" ? "finite number" : signature.dtype === "int32" ? "whole number" : "boolean"}, as ${signature.name} (${signature.dtype}) takes`);
}

export function describe(signature: TensorSignature): string {
  const dims = signature.shape.slice(1).map((size) => size ?? "any");
  return `${signature.dtype} values of shape [${dims.join(", ")}]`;
}
