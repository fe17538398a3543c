// Identity (tf.clone) for wasm without copying. The stock kernel copies the whole tensor, and training clones a lot:
// every tensor a gradient keeps (customGrad's saved tensors, a fused LSTM's gate activations) is a clone. Tensors
// are immutable, so the clone can share the data, counted by reference, as the wasm Reshape and the cpu Identity do.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { Tfjs } from "../../tfjsModule";
import { heapStandIn } from "./heapSlice";
import { kernelInputInfo } from "./kernelArgs";

export function identityConfig(tf: Tfjs): KernelConfig | undefined {
  return heapStandIn(tf, "Identity", "x", ({ inputs, backend }) => {
    const x = kernelInputInfo("Identity", inputs, "x");
    (backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
