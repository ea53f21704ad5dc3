import { createRegistry, PROFILES, type Registry } from "@transactive/codec";
import { wsCalendarSchema } from "./gen/ws-calendar.schema.js";

/** Registry over the WS-Calendar schema document, with every wire profile. */
export const registry: Registry = createRegistry([wsCalendarSchema], PROFILES);
