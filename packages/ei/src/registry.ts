import { createRegistry, PROFILES, type Registry } from "@transactive/codec";
// the schema subpaths, not the packages' entries: a registry needs no calendar or EMIX semantics
import { emixSchema } from "@transactive/emix/schema";
import { wsCalendarSchema } from "@transactive/ws-calendar/schema";
import { eiSchema } from "./gen/ei.schema.js";
import { greenbuttonSchema } from "./gen/greenbutton.schema.js";
import { openadrSchema } from "./gen/openadr.schema.js";
import { xmldsigSchema } from "./gen/xmldsig.schema.js";

/**
 * Registry over all six schema documents (WS-Calendar, EMIX, EI, OpenADR, XMLDSig, Green Button).
 * Also the `@transactive/ei/registry` subpath: the registry alone, without the catalog and dispatcher.
 */
export const registry: Registry = createRegistry(
  [wsCalendarSchema, emixSchema, eiSchema, openadrSchema, xmldsigSchema, greenbuttonSchema],
  PROFILES,
);
