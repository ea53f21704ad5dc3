/** A decoded message: which wire profile it came in, its document element, and its value. */
export interface CodecDocument<T = unknown> {
  /** wire profile name, e.g. "openadr2b", "cts", "xcal" */
  readonly profile: string;
  /** canonical qualified name of the document element, e.g. "oadr:oadrPayload" */
  readonly element: string;
  readonly value: T;
  /**
   * xsi:schemaLocation of the document element, when the input had one. Hints on other elements
   * (and xsi:noNamespaceSchemaLocation anywhere) are "@xsi:…" properties of their element's
   * object in `value`.
   */
  readonly schemaLocation?: string;
}
