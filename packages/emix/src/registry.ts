import { createRegistry, PROFILES, type Registry } from "@transactive/codec";
import { wsCalendarSchema } from "@transactive/ws-calendar/schema";
import { emixSchema } from "./gen/emix.schema.js";

/** Registry over the WS-Calendar and EMIX schema documents, with every wire profile. */
export const registry: Registry = createRegistry([wsCalendarSchema, emixSchema], PROFILES);
