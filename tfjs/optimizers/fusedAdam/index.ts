// A fused Adam for the wasm backend: tfjs' Adam updates each variable with fourteen kernels, each making a new tensor
// (60 of an MLP's 178 kernel calls per training step); here one kernel updates all variables in place. It is
// installed into tfjs' AdamOptimizer, whose applyGradients takes the fused path where it applies (fusedApply.ts) and
// tfjs' own otherwise; tf.train.adam, models compiled with 'adam' and loaded optimizers all get it.
import type { Tfjs } from "../../tfjsModule";
import { registerMissingKernels } from "../../layers/fusedInstall";
import { applyFusedAdam, type AdamInternals, type VariableGradients } from "./fusedApply";
import { ADAM_UPDATE, adamUpdateConfig } from "./updateKernel";

/** The kernels whose registration turns the fused Adam on (a process that unregisters them gets tfjs' Adam). */
export const FUSED_ADAM_KERNELS = [ADAM_UPDATE];

/** Marks the installed applyGradients, so that installing twice does not wrap it again. */
const FUSED = Symbol.for("tfjs-studio.fusedAdamApply");

type ApplyGradients = (this: AdamInternals, variableGradients: VariableGradients) => void;

/** Registers the fused update kernel and routes tfjs' Adam through it. Idempotent; returns the kernels it registered. */
export function installFusedAdam(tf: Tfjs): string[] {
  const registered = registerMissingKernels(tf, [adamUpdateConfig]);
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
  const stockApply = prototype.applyGradients;
  if ((stockApply as { [FUSED]?: true })[FUSED] === true) return registered;
  const applyGradients: ApplyGradients = function (variableGradients) {
    if (!applyFusedAdam(tf, this, variableGradients)) stockApply.call(this, variableGradients);
  };
  Object.defineProperty(applyGradients, FUSED, { value: true });
  prototype.applyGradients = applyGradients;
  return registered;
}
