// Which notebooks are TF.js Studio notebooks, and the metadata that makes one so (and runnable in Jupyter too).
// The built-in ipynb serializer keeps the notebook's Jupyter metadata under `metadata.metadata`. No vscode import.
import { KERNEL_DISPLAY_NAME, KERNEL_NAME, LANGUAGE_INFO } from "../../protocol/languageInfo";

const KERNELSPEC = { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: LANGUAGE_INFO.name };

type Metadata = Record<string, unknown>;

function jupyterMetadata(notebookMetadata: Metadata): Metadata {
  const inner = notebookMetadata.metadata;
  return typeof inner === "object" && inner !== null ? (inner as Metadata) : {};
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Metadata)[key] : undefined;
}

/** Ours when its kernelspec names our kernel, or its kernelspec or language_info says TypeScript. */
export function prefersTfjsStudio(notebookMetadata: Metadata): boolean {
  const { kernelspec, language_info: languageInfo } = jupyterMetadata(notebookMetadata);
  const isTypeScript = (value: unknown): boolean => typeof value === "string" && value.toLowerCase() === LANGUAGE_INFO.name;
  return field(kernelspec, "name") === KERNEL_NAME || isTypeScript(field(kernelspec, "language")) || isTypeScript(field(languageInfo, "name"));
}

/** The notebook metadata with our kernelspec and language_info, or undefined when it already has them. */
export function withTfjsStudioKernelspec(notebookMetadata: Metadata): Metadata | undefined {
  const jupyter = jupyterMetadata(notebookMetadata);
  const hasKernelspec = field(jupyter.kernelspec, "name") === KERNEL_NAME;
  const hasLanguage = field(jupyter.language_info, "name") === LANGUAGE_INFO.name;
  if (hasKernelspec && hasLanguage) return undefined;
  const languageInfo = hasLanguage ? jupyter.language_info : LANGUAGE_INFO;
  return { ...notebookMetadata, metadata: { ...jupyter, kernelspec: KERNELSPEC, language_info: languageInfo } };
}
