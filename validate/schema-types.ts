/**
 * Provider schema model, in the same shape as `terraform providers schema -json`
 * (https://developer.hashicorp.com/terraform/cli/commands/providers/schema).
 * The stub provider translates it into tfplugin6 `GetProviderSchema` messages.
 */

/** A cty type constraint in its JSON encoding, e.g. "string", ["list","string"]. */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | ["list" | "set" | "map", CtyType]
  | ["object", { [name: string]: CtyType }];

export type NestingMode = "single" | "list" | "set" | "map";

export interface SchemaNestedType {
  nesting_mode: NestingMode;
  attributes: { [name: string]: SchemaAttribute };
}

export interface SchemaAttribute {
  /** Exactly one of `type` and `nested_type` is set. */
  type?: CtyType;
  nested_type?: SchemaNestedType;
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
}

export interface SchemaNestedBlock {
  nesting_mode: NestingMode;
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}

export interface SchemaBlock {
  attributes?: { [name: string]: SchemaAttribute };
  block_types?: { [name: string]: SchemaNestedBlock };
  description?: string;
}

export interface Schema {
  version: number;
  block: SchemaBlock;
}

export interface ProviderSchema {
  /** e.g. "registry.terraform.io/hashicorp/aws" */
  source: string;
  /** Provider version the binding package was generated from, e.g. "6.25.0". */
  providerVersion: string;
  /** Binding package the schema was reconstructed from, e.g. "@cdktf/provider-aws@21.22.1". */
  generatedFrom: string;
  provider: Schema;
  resource_schemas: { [type: string]: Schema };
  data_source_schemas: { [type: string]: Schema };
}
