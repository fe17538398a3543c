// Turns the drawn graph into the export message the extension saves to a file.
import { pngBase64, standaloneSvg } from "./exportImage";
import type { GraphLayout } from "./graphLayout";
import type { FromPageMessage } from "../../protocol/modelGraphPanelMessages";

export async function exportGraph(format: "svg" | "png", svg: SVGSVGElement, layout: GraphLayout, modelName: string): Promise<FromPageMessage> {
  const svgText = standaloneSvg(svg, layout);
  const fileName = `${modelName.replace(/[^\w.-]+/g, "_") || "model"}.${format}`;
  return { type: "export", format, fileName, data: format === "svg" ? svgText : await pngBase64(svgText, layout) };
}
