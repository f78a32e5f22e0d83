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
export {
  planModule,
  planAll,
  planModules,
  type PlanOptions,
  type PlanAllOptions,
  type PlanResult,
  type PlannedChange,
  type JsonPlan,
  type JsonPlanModule,
} from "./plan";
export { PLACEHOLDER, WELL_KNOWN } from "./plan-values";
export { moduleVariables, parseType, variablePlaceholder, type VariableDecl, type TypeExpr } from "./variables";
export { ensureSchema, resolveProviderSource, KNOWN_PROVIDERS, type KnownProvider, type CachedSchema } from "./schema-cache";
export { extractProviderSchema, extractFromSources, type BindingPackage, type ExtractStats } from "./schema-extract";
export type { ProviderSchema, Schema, SchemaBlock, SchemaAttribute, SchemaNestedBlock, CtyType, NestingMode } from "./schema-types";
