// The notebook renderer of TF.js Studio's MIME types (declared under contributes.notebookRenderer).
// VS Code loads it as an ES module into the notebook's output webview.
import type { ActivationFunction } from "vscode-notebook-renderer";
import { renderMetricsOutput, disposeMetricsOutput } from "./metricsOutput";
import { renderModelOutput, disposeModelOutput } from "./modelOutput";

const METRICS_MIME = "application/vnd.tfjs-studio.metrics+json";
const MODEL_MIME = "application/vnd.tfjs-studio.model+json";

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item, element, signal) {
    try {
      if (item.mime === METRICS_MIME) await renderMetricsOutput(item, element, context, signal);
      else if (item.mime === MODEL_MIME) await renderModelOutput(item, element, context, signal);
      else throw new Error(`no renderer for ${item.mime}`);
    } catch (error) {
      element.textContent = `TF.js Studio could not draw this output: ${(error as Error).message}`;
      element.style.color = "var(--vscode-errorForeground)";
    }
  },
  disposeOutputItem(id) {
    disposeMetricsOutput(id);
    disposeModelOutput(id);
  },
});
