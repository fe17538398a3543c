// The input side of a transposed convolution (the gradient of a convolution with respect to its input): dy spread out
// by the forward stride (zeros between rows and columns) and framed so that a stride-1 convolution with the filter
// reversed in space gives dx: dx[h] = Σ_kh dy_spread[h + pt − kh·d] · W[kh].
import type { Tensor4D } from "@tensorflow/tfjs";
import type { Tfjs } from "../../tfjsModule";
import type { ConvGeometry } from "./convGeometry";

export function frameForTransposedConvolution(tf: Tfjs, dy: Tensor4D, g: ConvGeometry): Tensor4D {
  const [batch, , , channels] = dy.shape;
  // Spread: [N,OH,1,OW,1,C] padded to [N,OH,sh,OW,sw,C] puts sh−1 zero rows after each row (and likewise columns).
  const spreadHeight = g.outHeight * g.strideHeight;
  const spreadWidth = g.outWidth * g.strideWidth;
  const spread: Tensor4D =
    g.strideHeight === 1 && g.strideWidth === 1
      ? dy
      : tf.reshape(
          tf.pad(tf.reshape(dy, [batch, g.outHeight, 1, g.outWidth, 1, channels]), [
            [0, 0],
            [0, 0],
            [0, g.strideHeight - 1],
            [0, 0],
            [0, g.strideWidth - 1],
            [0, 0],
          ]),
          [batch, spreadHeight, spreadWidth, channels],
        );
  const reachHeight = (g.filterHeight - 1) * g.dilationHeight;
  const reachWidth = (g.filterWidth - 1) * g.dilationWidth;
  const top = reachHeight - g.padTop;
  const left = reachWidth - g.padLeft;
  return padOrCrop(tf, spread, top, g.inHeight + reachHeight - spreadHeight - top, left, g.inWidth + reachWidth - spreadWidth - left);
}

/** Pads (positive amounts) and crops (negative amounts) the two spatial dimensions of an NHWC tensor. */
function padOrCrop(tf: Tfjs, t: Tensor4D, top: number, bottom: number, left: number, right: number): Tensor4D {
  const grow = (n: number) => Math.max(0, n);
  const padded =
    top > 0 || bottom > 0 || left > 0 || right > 0
      ? tf.pad(t, [
          [0, 0],
          [grow(top), grow(bottom)],
          [grow(left), grow(right)],
          [0, 0],
        ])
      : t;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const shrink = (n: number) => Math.max(0, -n);
  const [, height, width] = padded.shape;
  return tf.slice(padded, [0, shrink(top), shrink(left), 0], [-1, height - shrink(top) - shrink(bottom), width - shrink(left) - shrink(right), -1]);
}
