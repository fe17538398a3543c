// The forward convolution's geometry, which the wasm convolution gradient kernels invert.
import type { NamedAttrMap } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";

export type Pad = "valid" | "same" | number | [[number, number], [number, number], [number, number], [number, number]];
export type DimRoundingMode = "floor" | "round" | "ceil" | undefined;

/** The forward convolution's sizes and padding, as the backends compute them, for NHWC tensors. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

export function convGeometry(
  tf: Tfjs,
  kernelName: string,
  inputShape: number[],
  filterShape: number[],
  attrs: NamedAttrMap,
  depthwise: boolean,
): ConvGeometry {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? "NHWC";
  if (dataFormat !== "NHWC") {
    throw new Error(`${kernelName} on wasm supports dataFormat 'NHWC' only, got '${dataFormat}' (the wasm backend's convolutions are channels-last)`);
  }
  if (inputShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${kernelName}: input and filter must be rank 4, got shapes [${inputShape}] and [${filterShape}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as DimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Rows (or columns) to add after the input so that every tap of the forward convolution lands inside it: the
 * forward padding can leave the last rows unreached (never too few), so this is zero or more.
 */
export function trailingPad(inSize: number, padBefore: number, outSize: number, stride: number, filterSize: number, dilation: number): number {
  return Math.max(0, (filterSize - 1) * dilation + (outSize - 1) * stride + 1 - inSize - padBefore);
}
