// Main-thread side of the socket worker: starts it, and sends and receives kernel messages through it.
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { KernelParent } from "../parentWatch";
import { makeMessage, type Channel, type JupyterMessage, type RoutedMessage } from "../../protocol/messages";
import { packageRoot } from "../../protocol/packageRoot";
import type { UserCodePhase } from "../execution/interruptStates";
import type { KernelInfoReplyContent } from "../../protocol/messageContents";
import { SHARED_SLOTS, SharedSlot, reviveBuffers, toBuffer, type FromWorker, type KernelLease, type ToWorker, type WorkerData } from "./threadMessages";

/** Messages the worker may be behind by before the main thread waits for it. */
const MAX_SENDS_IN_FLIGHT = 1000;

export interface SocketHostEvents {
  message: [RoutedMessage];
  interrupt: [];
  shutdown: [RoutedMessage];
  orphaned: [];
}

export class SocketHost extends EventEmitter<SocketHostEvents> {
  private readonly shared = new Int32Array(new SharedArrayBuffer(SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  private worker!: Worker;
  private syncs = new Map<number, () => void>();
  private nextSync = 0;
  private closed = false;
  /** The session id that goes into every header this kernel sends. */
  session = "";

  async start(connectionFile: string, parent: KernelParent, lease?: KernelLease): Promise<void> {
    const data: WorkerData = { connectionFile, shared: this.shared.buffer, parent, lease };
    this.worker = new Worker(join(packageRoot(), "dist", "kernel", "socketWorker.js"), { workerData: data });
    await new Promise<void>((resolve, reject) => {
      this.worker.once("error", reject);
      this.worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          this.session = message.session;
          resolve();
        } else if (message.type === "fatal") {
          // A live worker would keep the process running, so the kernel could not exit with the error.
          void this.worker.terminate();
          reject(new Error(message.text));
        } else {
          this.dispatch(message);
        }
      });
    });
  }

  private dispatch(message: FromWorker): void {
    switch (message.type) {
      case "message":
        this.emit("message", { channel: message.channel, identities: message.identities.map(toBuffer), message: reviveBuffers(message.message) });
        break;
      case "interrupt":
        this.emit("interrupt");
        break;
      case "synced":
        this.syncs.get(message.id)?.();
        this.syncs.delete(message.id);
        break;
      case "shutdown":
        this.emit("shutdown", { channel: message.channel, identities: message.identities.map(toBuffer), message: message.message });
        break;
      case "orphaned":
        this.emit("orphaned");
        break;
    }
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  send(channel: Channel, identities: Buffer[], message: JupyterMessage<object>): void {
    this.waitForWorker();
    Atomics.add(this.shared, SharedSlot.SendsInFlight, 1);
    this.post({ type: "send", channel, identities, message });
  }

  /**
   * Backpressure for code that publishes in a tight loop (display updates): the main thread waits while the
   * worker is far behind, so its queue, and the kernel's memory, stay bounded. In short waits, so that an
   * interrupt still stops the loop.
   */
  private waitForWorker(): void {
    for (let inFlight = this.sendsInFlight(); inFlight > MAX_SENDS_IN_FLIGHT && !this.closed; inFlight = this.sendsInFlight()) {
      Atomics.wait(this.shared, SharedSlot.SendsInFlight, inFlight, 20);
    }
  }

  /** Messages sent here that the worker has not handed to ZeroMQ yet: how far behind it is. */
  sendsInFlight(): number {
    return Atomics.load(this.shared, SharedSlot.SendsInFlight);
  }

  /** Builds a message with this kernel's session and sends it. */
  sendNew(channel: Channel, identities: Buffer[], msgType: string, content: object, parent?: JupyterMessage, buffers: Buffer[] = []): JupyterMessage<object> {
    const message = makeMessage(msgType, content, parent, this.session, {}, buffers);
    this.send(channel, identities, message);
    return message;
  }

  publish(msgType: string, content: object, parent?: JupyterMessage, buffers: Buffer[] = []): void {
    this.sendNew("iopub", [], msgType, content, parent, buffers);
  }

  /** Resolves once every message the worker has received so far has been emitted here. */
  sync(): Promise<void> {
    const id = this.nextSync++;
    return new Promise((resolve) => {
      this.syncs.set(id, resolve);
      this.post({ type: "sync", id });
    });
  }

  /** Until content is final, the worker holds kernel_info replies (for at most a few seconds) for the final one. */
  setKernelInfo(content: KernelInfoReplyContent, final = true): void {
    this.post({ type: "kernelInfo", content, final });
  }

  setMainBusy(busy: boolean): void {
    Atomics.store(this.shared, SharedSlot.MainBusy, busy ? 1 : 0);
  }

  setUserCodePhase(phase: UserCodePhase): void {
    Atomics.store(this.shared, SharedSlot.UserCodePhase, phase);
  }

  setTrainingBatch(inBatch: boolean): void {
    Atomics.store(this.shared, SharedSlot.TrainingBatch, inBatch ? 1 : 0);
  }

  interruptPending(): boolean {
    return Atomics.load(this.shared, SharedSlot.InterruptPending) === 1;
  }

  acknowledgeInterrupt(): void {
    Atomics.store(this.shared, SharedSlot.InterruptPending, 0);
  }

  /** Whether the worker terminated user code's JavaScript for the interrupt being acted on (asked once). */
  takeTerminated(): boolean {
    return Atomics.exchange(this.shared, SharedSlot.UserCodeTerminated, 0) === 1;
  }

  /** Flushes what is queued and closes the sockets; the worker then ends. */
  async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 3000);
      this.worker.on("message", (message: FromWorker) => {
        if (message.type === "closed") {
          clearTimeout(timer);
          resolve();
        }
      });
      this.post({ type: "close" });
    });
    await this.worker.terminate();
  }

  /**
   * For a process that exits without close() (a cell's process.exit): blocks until the worker has closed its
   * sockets, since zeromq aborts the process when a worker ends with open ones (zeromq/zeromq.js#411).
   */
  closeBeforeExit(timeoutMs = 2000): void {
    if (this.closed || !this.worker) return;
    this.closed = true;
    this.post({ type: "close" });
    Atomics.wait(this.shared, SharedSlot.SocketsClosed, 0, timeoutMs);
  }
}
