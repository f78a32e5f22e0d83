export {
  validateModule,
  validateAll,
  validateModules,
  findModules,
  findTerraform,
  requiredProviders,
  TerraformNotFoundError,
  type Diagnostic,
  type Severity,
  type ValidationResult,
  type ValidateOptions,
  type ValidateAllOptions,
  type RequiredProvider,
} from "./runner";
export { ensureSchema, resolveProviderSource, KNOWN_PROVIDERS, type KnownProvider, type CachedSchema } from "./schema-cache";
export { extractProviderSchema, extractFromSources, type BindingPackage, type ExtractStats } from "./schema-extract";
export type { ProviderSchema, Schema, SchemaBlock, SchemaAttribute, SchemaNestedBlock, CtyType, NestingMode } from "./schema-types";
