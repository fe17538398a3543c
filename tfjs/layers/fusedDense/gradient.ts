// The fused Dense kernel's gradient: the activation's derivative and the bias gradient from one backward kernel, then
// the two matrix products, each computed only if backprop asks for it (a first layer's input needs none).
import type { GradConfig, Tensor } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { DENSE_BACKWARD, DENSE_FORWARD } from "./kernels";

export function denseGradConfig(tf: Tfjs): GradConfig {
  return {
    kernelName: DENSE_FORWARD,
    inputsToSave: ["x", "kernel"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, kernel, y] = saved;
      const [dz, biasGrad] = tf.engine().runKernel<Tensor[]>(DENSE_BACKWARD, { dy: dy as Tensor, y }, attrs);
      return { x: () => tf.matMul(dz, kernel, false, true), kernel: () => tf.matMul(x, dz, true, false), bias: () => biasGrad };
    },
  };
}
