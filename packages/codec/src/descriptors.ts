/**
 * The shape of the `x-xml` annotations that schemas/*.schema.json carry (docs/json-mapping.md
 * describes them for people). The codec reads nothing else from a schema to do XML.
 */
import type { Primitive } from "./values.js";

export type Occurs = { readonly minOccurs?: number; readonly maxOccurs?: number | "unbounded" };
export type ParticleDescriptor =
  | ({ readonly sequence: readonly ParticleDescriptor[] } & Occurs)
  | ({ readonly choice: readonly ParticleDescriptor[] } & Occurs)
  | ({ readonly all: readonly ParticleDescriptor[] } & Occurs)
  | ({
      readonly element: string;
      readonly type?: string;
      readonly nillable?: boolean;
      readonly fixed?: string;
    } & Occurs)
  | ({ readonly any: string; readonly processContents?: string } & Occurs);

export interface AttributeDescriptor {
  readonly name: string;
  readonly type: string;
  readonly use?: "required";
  readonly default?: string;
  readonly fixed?: string;
}

export interface ComplexProfileDescriptor {
  readonly base?: string;
  readonly derivation?: "extension" | "restriction";
  readonly abstract?: boolean;
  readonly mixed?: boolean;
  readonly content?: ParticleDescriptor;
  readonly simple?: string;
  readonly attributes: readonly AttributeDescriptor[];
  readonly anyAttribute?: string;
}

export interface ComplexTypeAnnotation {
  readonly qname: string;
  readonly keys: Readonly<Record<string, string>>;
  readonly profiles: Readonly<Record<string, ComplexProfileDescriptor>>;
}
export interface SimpleTypeAnnotation {
  readonly qname: string;
  readonly primitive: Primitive;
  readonly profiles: readonly string[];
  /** when profiles disagree on the facets: each profile's own JSON Schema (absolute $refs) */
  readonly variants?: Readonly<Record<string, object>>;
}

export interface ElementDescriptor {
  readonly type: string;
  readonly abstract?: boolean;
  readonly substitutionGroup?: string;
  readonly nillable?: boolean;
  readonly fixed?: string;
}

/** One schemas/<standard>.schema.json document. */
export interface SchemaDocument {
  readonly $id: string;
  readonly title?: string;
  readonly "x-xml": {
    readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
    readonly elements: Readonly<Record<string, Readonly<Record<string, ElementDescriptor>>>>;
  };
  readonly $defs: Readonly<
    Record<
      string,
      {
        readonly "x-xml"?: ComplexTypeAnnotation | SimpleTypeAnnotation;
        readonly [k: string]: unknown;
      }
    >
  >;
  readonly [k: string]: unknown;
}

export interface ProfileDefinition {
  readonly title: string;
  /** canonical prefix -> namespace URI */
  readonly namespaces: Readonly<Record<string, string>>;
  readonly errata?: Readonly<
    Record<string, { readonly substitutionGroup: string; readonly why: string }>
  >;
}

export interface ProfilesDocument {
  readonly profiles: Readonly<Record<string, ProfileDefinition>>;
}
