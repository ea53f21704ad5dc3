import { createRegistry, PROFILES, type Registry } from "@transactive/codec";
import { emixSchema } from "@transactive/emix";
import { wsCalendarSchema } from "@transactive/ws-calendar";
import { eiSchema } from "./gen/ei.schema.js";
import { greenbuttonSchema } from "./gen/greenbutton.schema.js";
import { openadrSchema } from "./gen/openadr.schema.js";
import { xmldsigSchema } from "./gen/xmldsig.schema.js";

/** Registry over all six schema documents (WS-Calendar, EMIX, EI, OpenADR, XMLDSig, Green Button). */
export const registry: Registry = createRegistry(
  [wsCalendarSchema, emixSchema, eiSchema, openadrSchema, xmldsigSchema, greenbuttonSchema],
  PROFILES,
);
