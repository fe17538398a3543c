// The kernel_info_reply content.
import { LANGUAGE_INFO } from "../protocol/languageInfo";
import type { KernelInfoReplyContent } from "../protocol/messageContents";
import { PROTOCOL_VERSION } from "../protocol/messages";
import { packageVersion } from "../protocol/packageRoot";
import { kernelInfoTfjs, runtimeSummary } from "./tfjs/runtimeDescription";
import type { TfjsRuntimeInfo } from "../tfjs/backends/runtimeInfo";

export function typescriptVersion(): string {
  // Read from the manifest: loading the compiler itself takes a quarter of a second.
  return (require("typescript/package.json") as { version: string }).version;
}

/** `tfjs` is what the kernel knows of its backend so far: the banner and the `tfjs` field show it. */
export function kernelInfo(tfjs: TfjsRuntimeInfo): KernelInfoReplyContent {
  const version = packageVersion();
  const tsVersion = typescriptVersion();
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "tfjs-studio",
    implementation_version: version,
    language_info: { ...LANGUAGE_INFO, version: tsVersion },
    banner: `TF.js Studio ${version}: TypeScript ${tsVersion} on Node.js ${process.version}\n${runtimeSummary(tfjs)}`,
    help_links: [
      { text: "TF.js Studio", url: "https://www.npmjs.com/package/tfjs-studio" },
      { text: "TypeScript Handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
      { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
      { text: "Node.js API", url: `https://nodejs.org/docs/${process.version}/api/` },
    ],
    debugger: false,
    tfjs: kernelInfoTfjs(tfjs),
  };
}
