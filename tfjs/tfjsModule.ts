// The type of the @tensorflow/tfjs module, for code that is handed a tfjs instance instead of importing its own.
export type Tfjs = typeof import("@tensorflow/tfjs");
