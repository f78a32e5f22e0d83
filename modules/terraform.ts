import { Construct } from "constructs";
import { Fn, ITerraformResource, TerraformVariable, Token } from "cdktf";

/** One `validation` block: a raw Terraform condition and the message Terraform prints when it fails. */
export interface VariableRule {
  /** A Terraform expression without the surrounding `${}`, e.g. `var.az_count >= 2`. */
  readonly condition: string;
  readonly message: string;
}

export interface ModuleVariableProps {
  /** A Terraform type constraint, e.g. `string` or `map(object({...}))`. */
  readonly type: string;
  readonly description: string;
  /** Omit for a required input. */
  readonly default?: unknown;
  readonly rules?: readonly VariableRule[];
  readonly sensitive?: boolean;
}

/** A module input. The construct id is the variable name, so it must be snake_case. */
export function moduleVariable(scope: Construct, name: string, props: ModuleVariableProps): TerraformVariable {
  // CDKTF snake_cases every key of a variable's default ("kube-system" → "kube_system", "node-role" →
  // "node_role"); an override is written verbatim, so object defaults go through one.
  const objectDefault = typeof props.default === "object" && props.default !== null;
  const variable = new TerraformVariable(scope, name, {
    type: props.type,
    description: props.description,
    default: objectDefault ? undefined : props.default,
    nullable: false,
    sensitive: props.sensitive,
    validation: props.rules?.map((r) => ({ condition: `\${${r.condition}}`, errorMessage: r.message })),
  });
  if (objectDefault) variable.addOverride("default", props.default);
  return variable;
}

/** `resource[*].attribute` for a resource created with `count`. */
export function splat(resource: ITerraformResource, attribute: string): string[] {
  return Token.asList(`\${${resource.fqn}[*].${attribute}}`);
}

/** `resource[index].attribute` for a resource created with `count` or `for_each`. */
export function element(resource: ITerraformResource, index: string, attribute: string): string {
  return `\${${resource.fqn}[${index}].${attribute}}`;
}

/** The variable's tags plus a Name tag, as Terraform would merge them. */
export function withName(tags: Record<string, string>, name: string): Record<string, string> {
  return Token.asStringMap(Fn.merge([tags, { Name: name }]));
}

/** Unwrap a `${expr}` token string into the bare expression, for composing conditions. */
export function bare(expression: string): string {
  const match = /^\$\{(.*)\}$/s.exec(expression);
  if (!match) throw new Error(`expected a Terraform expression token, got ${expression}`);
  return match[1];
}

/**
 * A child scope per resource type. Terraform names only need to be unique per type, construct ids
 * per scope: placing each type in its own scope lets `aws_subnet.public` and
 * `aws_route_table.public` live in one building block.
 */
export function ofType(scope: Construct, type: string): Construct {
  return (scope.node.tryFindChild(type) as Construct | undefined) ?? new Construct(scope, type);
}
