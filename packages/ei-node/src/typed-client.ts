/**
 * The typed client of @transactive/ei (one method per catalog operation) over this package's
 * fetch client: `createTypedEiClient({ baseUrl, profile })`.
 */
import {
  type ClientProfile,
  type DefaultRole,
  type ReferenceRole,
  type TypedEiClient,
  typedEiClient,
} from "@transactive/ei";
import { createEiClient, type EiClientOptions } from "./client.js";

/**
 * A typed client (one method per catalog operation of the profile, for the role's side) over this
 * package's HTTP client; with `verify`, answers whose signature does not check are refused.
 */
export function createTypedEiClient<
  P extends ClientProfile,
  R extends ReferenceRole = DefaultRole<P>,
>(
  options: Omit<EiClientOptions, "profile"> & { readonly profile: P; readonly role?: R },
): TypedEiClient<P, R> {
  return typedEiClient<P, R>(createEiClient(options), {
    profile: options.profile,
    ...(options.role === undefined ? {} : { role: options.role }),
    // a client that verifies answers refuses the ones whose check did not pass
    requireSignature: options.verify !== undefined,
  });
}
