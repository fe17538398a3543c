/** What an SSH host refused or lacks; the message says what to do. */
export class RemoteHostError extends Error {
  override name = "RemoteHostError";
}
