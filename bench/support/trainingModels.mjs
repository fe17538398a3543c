// The benchmark's three training shapes in tfjs (see bench/training.bench.mjs), compiled with adam and categorical
// cross-entropy, and synthetic data for them. bench/support/torch_training.py builds the same in PyTorch.
export const BATCH = 128;
const VOCAB = 10000;
const SEQ_LEN = 100;

function layersOf(tf, model) {
  const { layers } = tf;
  if (model === "mlp") {
    return {
      net: [layers.flatten({ inputShape: [28, 28, 1] }), layers.dense({ units: 128, activation: "relu" }), layers.dropout({ rate: 0.2 }), layers.dense({ units: 10, activation: "softmax" })],
      x: (n) => tf.randomUniform([n, 28, 28, 1]),
      classes: 10,
    };
  }
  if (model === "cnn") {
    return {
      net: [
        layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.flatten(),
        layers.dense({ units: 128, activation: "relu" }),
        layers.dropout({ rate: 0.25 }),
        layers.dense({ units: 10, activation: "softmax" }),
      ],
      x: (n) => tf.randomUniform([n, 28, 28, 1]),
      classes: 10,
    };
  }
  if (model === "lstm") {
    return {
      net: [layers.embedding({ inputDim: VOCAB, outputDim: 64, inputLength: SEQ_LEN }), layers.lstm({ units: 64 }), layers.dense({ units: 2, activation: "softmax" })],
      x: (n) => tf.randomUniform([n, SEQ_LEN], 1, VOCAB, "int32").toFloat(),
      classes: 2,
    };
  }
  throw new Error(`unknown model ${model}: mlp, cnn or lstm`);
}

/** The compiled model, and `data(batches)`: [x, y] for that many batches. */
export function buildTraining(tf, model) {
  const { net, x, classes } = layersOf(tf, model);
  const sequential = tf.sequential({ layers: net });
  sequential.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const data = (batches) => {
    const n = batches * BATCH;
    return [x(n), tf.oneHot(tf.randomUniform([n], 0, classes, "int32"), classes)];
  };
  return { sequential, data };
}
