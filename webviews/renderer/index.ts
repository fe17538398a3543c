// The notebook renderer of TF.js Studio's MIME types (declared under contributes.notebookRenderer).
// VS Code loads it as an ES module into the notebook's output webview.
import type { ActivationFunction } from "vscode-notebook-renderer";
import { MODEL_GRAPH_MIME } from "../../protocol/modelGraphSchema";
import { METRICS_MIME_TYPE } from "../../protocol/runLogSchema";
import { renderMetricsOutput, disposeMetricsOutput } from "./metricsOutput";
import { renderModelOutput } from "./modelOutput";

export const activate: ActivationFunction = (context) => ({
  async renderOutputItem(item, element, signal) {
    try {
      if (item.mime === METRICS_MIME_TYPE) await renderMetricsOutput(item, element, context, signal);
      else if (item.mime === MODEL_GRAPH_MIME) await renderModelOutput(item, element, context, signal);
      else throw new Error(`no renderer for ${item.mime}`);
    } catch (error) {
      element.textContent = `TF.js Studio could not draw this output: ${(error as Error).message}`;
      element.style.color = "var(--vscode-errorForeground)";
    }
  },
  disposeOutputItem(id) {
    // Model outputs are static SVG: nothing to release.
    disposeMetricsOutput(id);
  },
});
