// Wraps LayersModel#fit and #fitDataset (and Sequential's, which delegate to an inner LayersModel) so that
// every fit gets the kernel's training callback: live metrics and a run log unless switched off, and a
// stop at the batch end on interrupt, after which the fit rejects with InterruptedError.
import type { History, LayersModel } from "@tensorflow/tfjs";
import { InterruptedError } from "../execution/interrupts";
import type { Tfjs } from "../../tfjs/tfjsModule";
import type { ActiveTrainings } from "./activeTrainings";
import { summarizeFitArgs } from "./runDescription";
import { defineTrainingCallback, type TrainingCallback, type TrainingEnvironment } from "./trainingCallback";
import { trainingMetrics } from "./trainingSettings";

const INSTRUMENTED = Symbol.for("tfjs-studio.trainingInstrumented");

interface TrainingArgs {
  callbacks?: unknown;
  yieldEvery?: unknown;
}

type CallbackClass = ReturnType<typeof defineTrainingCallback>;

/** Patches the models of this tfjs instance once; returns the callback class that metricsCallback() makes. */
export function instrumentTraining(tf: Tfjs, environment: TrainingEnvironment, active: ActiveTrainings): CallbackClass {
  const TrainingCallback = defineTrainingCallback(tf, environment);
  const BaseCallback = Object.getPrototypeOf(tf.Callback) as abstract new () => object;
  /**
   * First in the list, as the kernel's callback is last: between the last onBatchBegin and the first onBatchEnd
   * only tfjs computes, and only then must an interrupt wait. User callbacks are user code, stopped like any other.
   */
  class BatchComputed extends tf.Callback {
    override async onBatchEnd(): Promise<void> {
      environment.setInBatch(false);
    }
  }

  function train<A extends TrainingArgs>(model: LayersModel, method: "fit" | "fitDataset", args: A | undefined, original: (args: A | undefined) => Promise<History>): Promise<History> {
    const given: unknown[] = args?.callbacks == null ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
    const explicit = given.find((callback): callback is TrainingCallback => callback instanceof TrainingCallback);
    // No args: tfjs says what is missing. An attached callback: a Sequential's inner fit, already served.
    if (!args || explicit?.attached) return original(args);
    const callback = explicit ?? new TrainingCallback({ enabled: trainingMetrics.enabled });
    // As tfjs would: plain callback objects become CustomCallbacks, and no callbacks at all still yields to the event loop.
    const others = given
      .filter((other) => other !== callback)
      .map((other) => (other instanceof BaseCallback ? other : new tf.CustomCallback(other as object, args.yieldEvery as never)));
    if (args.callbacks == null) others.push(new tf.CustomCallback({}, args.yieldEvery as never));
    callback.attach({ model, method, args: summarizeFitArgs(args) });
    const training = runAttached(callback, () => original({ ...args, callbacks: [new BatchComputed(), ...others, callback] }));
    return active.track(callback, training);
  }

  patch(tf.LayersModel.prototype, train);
  patch(tf.Sequential.prototype, train);
  return TrainingCallback;
}

async function runAttached(callback: TrainingCallback, fit: () => Promise<History>): Promise<History> {
  try {
    const history = await fit();
    if (!callback.stopRequested) {
      callback.run?.finish("completed");
      return history;
    }
  } catch (error) {
    if (!callback.stopRequested) {
      callback.run?.finish("failed", error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      throw error;
    }
  } finally {
    callback.detach();
  }
  callback.run?.finish("interrupted", "the cell was interrupted");
  // The cell ends as interrupted, not with the code after the fit running on.
  throw new InterruptedError(callback.stoppedAt());
}

type Train = <A extends TrainingArgs>(model: LayersModel, method: "fit" | "fitDataset", args: A | undefined, original: (args: A | undefined) => Promise<History>) => Promise<History>;

function patch(prototype: LayersModel, train: Train): void {
  if (Object.prototype.hasOwnProperty.call(prototype, INSTRUMENTED)) return;
  const fit = prototype.fit;
  const fitDataset = prototype.fitDataset;
  Object.defineProperty(prototype, INSTRUMENTED, { value: true });
  prototype.fit = function (this: LayersModel, x, y, args) {
    return train(this, "fit", args, (wrapped) => fit.call(this, x, y, wrapped));
  };
  prototype.fitDataset = function (this: LayersModel, dataset, args) {
    return train(this, "fitDataset", args, (wrapped) => fitDataset.call(this, dataset, wrapped!));
  };
}
