import { Construct, IConstruct, Node } from "constructs";
import {
  TerraformDataSource,
  TerraformElement,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
} from "cdktf";

/** Terraform identifiers: what a hand-written module would accept as a resource or variable name. */
const TERRAFORM_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * The file a building block's resources belong to in an emitted module (`<file>.tf.json`).
 * Constructs set it on themselves; the emitter reads the nearest one up the tree.
 */
const MODULE_FILE = Symbol.for("cdktf-eks-blueprints/module-file");

export function setModuleFile(construct: IConstruct, file: string): void {
  if (!TERRAFORM_IDENTIFIER.test(file)) {
    throw new Error(`module file name "${file}" must be snake_case`);
  }
  Object.defineProperty(construct, MODULE_FILE, { value: file, enumerable: false });
}

export function moduleFileOf(construct: IConstruct): string | undefined {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    const file = (c as unknown as Record<symbol, string | undefined>)[MODULE_FILE];
    if (file) return file;
  }
  return undefined;
}

/**
 * A stack whose Terraform addresses are the construct ids themselves, not hashed construct paths.
 *
 * Resource addresses are public API of the generated modules: renaming one destroys the resource
 * on a user's next apply. Every resource, data source, variable, output and local therefore gets
 * its name written by hand at the place it is created, and a clash between two of them is a
 * synth-time error rather than a silent overwrite.
 */
export class BlueprintStack extends TerraformStack {
  private readonly moves: MovedAddress[] = [];
  private readonly checks = new Set<string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.node.addValidation({ validate: () => findAddressClashes(this) });
  }

  /**
   * Record that the resource once at `from` now lives at `to` (e.g. `aws_iam_role_policy_attachment.node_ssm`
   * → `aws_iam_role_policy_attachment.node["AmazonSSMManagedInstanceCore"]`). The module then carries a
   * `moved` block (migrations.tf.json), so a user's next apply renames the resource in state instead of
   * destroying and re-creating it.
   */
  /**
   * A `check` block (checks.tf.json): conditions Terraform reports as warnings on every plan and apply,
   * for facts that do not make the configuration wrong but will hurt (an applier without cluster access,
   * a version leaving standard support). `condition` and `message` are Terraform strings (`${...}` allowed).
   */
  addCheck(name: string, asserts: ReadonlyArray<{ readonly condition: string; readonly message: string }>): void {
    if (!TERRAFORM_IDENTIFIER.test(name)) throw new Error(`check block name "${name}" must be snake_case`);
    if (this.checks.has(name)) throw new Error(`check block ${name} is declared twice`);
    this.checks.add(name);
    this.addOverride(`check.${name}`, {
      assert: asserts.map((a) => ({ condition: a.condition, error_message: a.message })),
    });
  }

  recordMove(from: string, to: string): void {
    if (this.moves.some((m) => m.from === from)) throw new Error(`${from} is moved twice`);
    this.moves.push({ from, to });
    this.addOverride("moved", [...this.moves].sort((a, b) => a.from.localeCompare(b.from)));
  }

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof Node ? element : element.node;
    const id = node.id;
    // CDKTF's own cross-stack plumbing (deploy stacks only, never a module) names its elements itself.
    if (id.startsWith("cross-stack-")) return id.replace(/[^A-Za-z0-9_]/g, "_");
    if (!TERRAFORM_IDENTIFIER.test(id)) {
      throw new Error(
        `construct id "${id}" at ${node.path} is used as a Terraform address and must be snake_case ` +
          `(lower-case letters, digits and underscores, not starting with a digit)`,
      );
    }
    return id;
  }
}

/** A `moved` block: a resource's previous address and its current one. */
export interface MovedAddress {
  readonly from: string;
  readonly to: string;
}

/** The stack a construct belongs to, as a BlueprintStack (every stack of this project is one). */
export function blueprintStackOf(construct: IConstruct): BlueprintStack {
  const stack = TerraformStack.of(construct);
  if (!(stack instanceof BlueprintStack)) throw new Error(`${construct.node.path} is not inside a BlueprintStack`);
  return stack;
}

/** The address an element takes in Terraform, e.g. `aws_iam_role.node` or `var.cluster_name`. */
export function terraformAddressOf(element: TerraformElement): string {
  const name = element.friendlyUniqueId;
  if (element instanceof TerraformVariable) return `var.${name}`;
  if (element instanceof TerraformOutput) return `output.${name}`;
  if (element instanceof TerraformLocal) return `local.${name}`;
  if (element instanceof TerraformDataSource) return `data.${element.terraformResourceType}.${name}`;
  if (element instanceof TerraformResource) return `${element.terraformResourceType}.${name}`;
  if (element instanceof TerraformProvider) return `provider.${element.terraformResourceType}.${name}`;
  return `${element.constructor.name}.${name}`;
}

function findAddressClashes(stack: TerraformStack): string[] {
  const seen = new Map<string, string>();
  const errors: string[] = [];
  for (const node of stack.node.findAll()) {
    if (!TerraformElement.isTerraformElement(node)) continue;
    const address = terraformAddressOf(node);
    const other = seen.get(address);
    if (other) {
      errors.push(`${address} is created twice: at ${other} and at ${node.node.path}`);
    } else {
      seen.set(address, node.node.path);
    }
  }
  return errors;
}
