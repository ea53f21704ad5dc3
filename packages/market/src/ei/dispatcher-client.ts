/**
 * A raw EiClient over a Dispatcher in the same process: messages are encoded (XML by default, or
 * canonical JSON), dispatched and the answer decoded, exactly as over HTTP but without a socket.
 * `typedEiClient(dispatcherClient(d), { profile: "cts" })` (from @transactive/ei) gives the typed
 * client a party or a RemoteParent uses.
 */
import {
  type CodecDocument,
  CodecError,
  decodeXml,
  encodeXml,
  fromJson,
  type Issue,
  toJson,
} from "@transactive/codec";
import {
  type Dispatcher,
  type EiClient,
  type EiMessage,
  type EiReply,
  fromCtsJson,
  isCtsJson,
  registry,
  toCtsJson,
} from "@transactive/ei";

/** An EiClient that hands every message to `dispatcher` (format: "xml" default, "json" or "cts-json"). */
export function dispatcherClient(
  dispatcher: Dispatcher,
  options: { readonly format?: "xml" | "json" | "cts-json" } = {},
): EiClient {
  return {
    async send(service, message: EiMessage, call = {}): Promise<EiReply> {
      const format = call.format ?? options.format ?? "xml";
      const body =
        typeof message === "string" || message instanceof Uint8Array
          ? message
          : format === "xml"
            ? encodeXml(registry, message)
            : format === "cts-json"
              ? JSON.stringify(toCtsJson(message))
              : toJson(message);
      const res = await dispatcher.dispatch({ body, service });
      let document: CodecDocument | undefined;
      let issues: readonly Issue[] = [];
      try {
        if (res.contentType === "application/xml") {
          if (!res.body.includes("<error ")) document = decodeXml(registry, res.body);
        } else {
          const parsed = JSON.parse(res.body) as Record<string, unknown>;
          if (!("error" in parsed))
            document = isCtsJson(parsed) ? fromCtsJson(parsed) : fromJson(registry, parsed);
        }
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        issues = e.issues;
      }
      return {
        status: res.status,
        contentType: res.contentType,
        body: res.body,
        ...(document !== undefined ? { document } : {}),
        issues,
      };
    },
    close: async () => {},
  };
}
