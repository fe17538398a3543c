// Jupyter comms: targets that user code and the kernel's own features register, and the
// comm_open / comm_msg / comm_close / comm_info traffic with the frontend.
import { randomUUID } from "node:crypto";
import type { MessageOf } from "../../protocol/messageContents";

export type CommData = Record<string, unknown>;

export interface CommPublisher {
  publish(msgType: string, content: object, buffers?: Buffer[]): void;
  log(text: string): void;
}

export class Comm {
  private readonly messageHandlers = new Set<(data: CommData, message: MessageOf<"comm_msg">) => void>();
  private readonly closeHandlers = new Set<(data: CommData) => void>();
  closed = false;

  constructor(readonly commId: string, readonly targetName: string, private readonly registry: CommRegistry) {}

  send(data: CommData = {}, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): void {
    if (this.closed) throw new Error(`comm ${this.commId} (${this.targetName}) is closed`);
    this.registry.publisher.publish("comm_msg", { comm_id: this.commId, data, metadata }, buffers);
  }

  close(data: CommData = {}): void {
    if (this.closed) return;
    this.registry.publisher.publish("comm_close", { comm_id: this.commId, data });
    this.registry.remove(this, data);
  }

  onMessage(handler: (data: CommData, message: MessageOf<"comm_msg">) => void): () => void {
    this.messageHandlers.add(handler);
    return () => this.messageHandlers.delete(handler);
  }

  onClose(handler: (data: CommData) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  /** @internal Called by the registry for messages from the frontend. */
  deliver(data: CommData, message: MessageOf<"comm_msg">): void {
    for (const handler of this.messageHandlers) handler(data, message);
  }

  /** @internal */
  markClosed(data: CommData): void {
    this.closed = true;
    for (const handler of this.closeHandlers) handler(data);
  }
}

export type CommTargetHandler = (comm: Comm, data: CommData, message: MessageOf<"comm_open"> | undefined) => void;

export class CommRegistry {
  private readonly targets = new Map<string, CommTargetHandler>();
  private readonly comms = new Map<string, Comm>();

  constructor(readonly publisher: CommPublisher) {}

  registerCommTarget(targetName: string, handler: CommTargetHandler): () => void {
    this.targets.set(targetName, handler);
    return () => this.targets.delete(targetName);
  }

  /** Opens a comm from the kernel side; the frontend must have the target registered. */
  openComm(targetName: string, data: CommData = {}, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): Comm {
    const comm = new Comm(randomUUID(), targetName, this);
    this.comms.set(comm.commId, comm);
    this.publisher.publish("comm_open", { comm_id: comm.commId, target_name: targetName, data, metadata }, buffers);
    return comm;
  }

  info(targetName?: string): Record<string, { target_name: string }> {
    const result: Record<string, { target_name: string }> = {};
    for (const comm of this.comms.values()) {
      if (!targetName || comm.targetName === targetName) result[comm.commId] = { target_name: comm.targetName };
    }
    return result;
  }

  handleOpen(message: MessageOf<"comm_open">): void {
    const { comm_id: commId, target_name: targetName, data = {} } = message.content;
    const handler = this.targets.get(targetName);
    if (!handler) {
      // As ipykernel does: tell the frontend the comm is gone.
      this.publisher.log(`no comm target "${targetName}"; closing comm ${commId}`);
      this.publisher.publish("comm_close", { comm_id: commId, data: { error: `no comm target "${targetName}"` } });
      return;
    }
    const comm = new Comm(commId, targetName, this);
    this.comms.set(commId, comm);
    handler(comm, data, message);
  }

  handleMessage(message: MessageOf<"comm_msg">): void {
    const { comm_id: commId, data = {} } = message.content;
    const comm = this.comms.get(commId);
    if (!comm) return this.publisher.log(`comm_msg for unknown comm ${commId} dropped`);
    comm.deliver(data, message);
  }

  handleClose(message: MessageOf<"comm_close">): void {
    const { comm_id: commId, data = {} } = message.content;
    const comm = this.comms.get(commId);
    if (!comm) return this.publisher.log(`comm_close for unknown comm ${commId} ignored`);
    this.remove(comm, data);
  }

  /** @internal */
  remove(comm: Comm, data: CommData): void {
    this.comms.delete(comm.commId);
    comm.markClosed(data);
  }
}
