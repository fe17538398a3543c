// The models this kernel has displayed, by the id their graph carries, so that the model graph panel can ask for a
// model's current weights. Held weakly: showing a model must not keep it alive once the notebook drops it.
import { randomUUID } from "node:crypto";
import type { LayersModel } from "@tensorflow/tfjs";
import type { ModelGraphErrorName } from "../../protocol/modelGraphRequest";

export type ModelLookup = { model: LayersModel } | { ename: ModelGraphErrorName; evalue: string };

export class DisplayedModels {
  /** Starts every id: an id with another start was handed out by another kernel process. */
  private readonly kernelPart = randomUUID();
  private readonly ids = new WeakMap<LayersModel, string>();
  private readonly models = new Map<string, WeakRef<LayersModel>>();
  private count = 0;

  /** The model's id, the same on every display of the same object. */
  idOf(model: LayersModel): string {
    let id = this.ids.get(model);
    if (id === undefined) {
      id = `${this.kernelPart}/${++this.count}`;
      this.ids.set(model, id);
      this.forgetCollected();
      this.models.set(id, new WeakRef(model));
    }
    return id;
  }

  find(id: string): ModelLookup {
    if (!id.startsWith(`${this.kernelPart}/`)) {
      return { ename: "ModelFromAnotherKernel", evalue: "The kernel that displayed this model has been restarted or shut down since, so the model is gone." };
    }
    const model = this.models.get(id)?.deref();
    if (!model) {
      return { ename: "ModelGone", evalue: "The model no longer exists in the kernel: nothing in the notebook refers to it any more." };
    }
    return { model };
  }

  private forgetCollected(): void {
    for (const [id, model] of this.models) if (model.deref() === undefined) this.models.delete(id);
  }
}
