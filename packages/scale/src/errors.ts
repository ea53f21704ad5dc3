/**
 * Errors as data: every refusal of the scale-out layer is a ScaleError with a code from one
 * union, the place it concerns (an option path, a subject, a server) and a message.
 */

/** Why the scale-out layer refused or failed. */
export type ScaleErrorCode =
  /** an option is missing or has a wrong value */
  | "bad-option"
  /** the nats-server binary is not installed (apt-get install nats-server) */
  | "nats-server-missing"
  /** nats-server exited or did not become ready */
  | "nats-server-failed"
  /** the NATS server cannot be reached, or a request found no responder in time */
  | "transport"
  /** a message on a subject is not what the protocol carries there */
  | "bad-message"
  /** the other side answered with an EI refusal (its responseCode and description in the message) */
  | "refused"
  /** a simulation worker process failed */
  | "worker-failed";

/** A refusal or failure of @transactive/scale. */
export class ScaleError extends Error {
  override name = "ScaleError";
  constructor(
    readonly code: ScaleErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
