// The LSTM's elementwise functions, in plain JavaScript over heap views. Math.tanh costs about 18 ns an element in
// V8, 30 ms of a text model's forward pass; the rational approximation XNNPACK and Eigen use for float32 tanh
// (within 3e-7 of it everywhere) costs 4 ns.

const TANH_CLAMP = 7.90531110763549805;

export function tanh(x: number): number {
  const clamped = x > TANH_CLAMP ? TANH_CLAMP : x < -TANH_CLAMP ? -TANH_CLAMP : x;
  const x2 = clamped * clamped;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = q * x2 + 2.2684346324390e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (clamped * p) / q;
}

/** The recurrent activations the fused LSTM supports, by their tfjs class names. */
export type RecurrentActivation = "hardSigmoid" | "sigmoid";

export function isRecurrentActivation(name: string): name is RecurrentActivation {
  return name === "hardSigmoid" || name === "sigmoid";
}

/** tfjs-layers' hardSigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y < 0 ? 0 : y > 1 ? 1 : y;
}

export function sigmoid(x: number): number {
  return 0.5 * tanh(0.5 * x) + 0.5;
}

/**
 * The derivative of the recurrent activation, from its output a. hardSigmoid's is 0.2 inside the clip (tfjs' clip
 * gradient counts its bounds as inside; from the clipped output, an input exactly on a bound reads as outside).
 */
export function recurrentDerivative(activation: RecurrentActivation, a: number): number {
  if (activation === "sigmoid") return a * (1 - a);
  return a > 0 && a < 1 ? 0.2 : 0;
}
