// Turns the drawn graph into the export message the extension saves to a file: the plain graph, without the
// find highlights and the selection, which belong to the panel and not to the picture.
import { pngBase64, standaloneSvg } from "./exportImage";
import type { GraphLayout } from "./graphLayout";
import type { GraphView } from "./graphView";
import type { ExportFormat, FromPageMessage } from "../../protocol/modelGraphPanelMessages";

export async function exportGraph(format: ExportFormat, view: GraphView, layout: GraphLayout, modelName: string): Promise<FromPageMessage> {
  const svgText = view.unmarked(() => standaloneSvg(view.svg, layout));
  const fileName = `${modelName.replace(/[^\w.-]+/g, "_") || "model"}.${format}`;
  return { type: "export", format, fileName, data: format === "svg" ? svgText : await pngBase64(svgText, layout) };
}
