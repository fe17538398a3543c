// OneHot for wasm with a dtype other than int32. The stock kernel writes int32 values whatever dtype it is asked for,
// so tf.oneHot(labels, n, 1, 0, "float32") on wasm holds denormals (the bits of int 1 read as a float). Here the int32
// result is cast.
import type { KernelConfig } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import { kernelAttrs } from "./kernelArgs";
import { standIn } from "./standIn";

const NAME = "OneHot";
export function oneHotConfig(tf: Tfjs): KernelConfig | undefined {
  return standIn(tf, NAME, (stock) => (args) => {
    const attrs = kernelAttrs(NAME, args.attrs);
    if ((attrs.dtype ?? "int32") === "int32") return stock.kernelFunc(args);
    return tf.tidy(() => {
      const ints = stock.kernelFunc({ ...args, attrs: { ...attrs, dtype: "int32" } });
      // Wrapped so that tidy frees the int32 copy once it is cast.
      const wrapped = tf.engine().makeTensorFromTensorInfo(Array.isArray(ints) ? ints[0] : ints);
      return tf.cast(wrapped, attrs.dtype as "float32");
    });
  });
}
