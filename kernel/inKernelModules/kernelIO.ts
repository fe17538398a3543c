// What in-kernel modules (display, input, comms) need from the running kernel.
import type { CommRegistry } from "../comms/commRegistry";
import type { JupyterMessage } from "../../protocol/messages";

export interface KernelIO {
  /** Publishes on iopub with the current request as parent. */
  publish(msgType: string, content: object, buffers?: Buffer[]): void;
  /** The request whose cell is running (or ran last): the parent of what user code publishes. */
  currentParent(): JupyterMessage | undefined;
  requestInput(prompt: string, password: boolean): Promise<string>;
  comms: CommRegistry;
}

let io: KernelIO | undefined;

export function setKernelIO(kernelIO: KernelIO): void {
  io = kernelIO;
}

export function kernelIO(): KernelIO {
  if (!io) throw new Error("this works only inside the tfjs-studio kernel");
  return io;
}
