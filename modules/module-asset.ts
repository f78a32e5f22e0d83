import * as fs from "fs";
import * as path from "path";
import { Construct, IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";

/** A path in a subdirectory of the module (never a Terraform file of the module root), no `..`, portable characters. */
const ASSET_PATH = /^[a-z0-9][a-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)+$/;

export interface ModuleAssetProps {
  /**
   * Where the file goes, relative to the module directory, in a subdirectory (e.g.
   * `charts/destroy-cleanup/Chart.yaml`); Terraform refers to it as `${path.module}/<path>`.
   */
  readonly path: string;
  /** The file's text, ending in a newline. */
  readonly content: string;
}

/**
 * A file that is not Terraform but ships inside the module directory, e.g. a local Helm chart.
 * The emitter writes it next to the module's `*.tf.json` files; under `cdktf synth` (deploy stacks)
 * it is written into the stack's working directory, where `path.module` points.
 */
export class ModuleAsset extends Construct {
  readonly path: string;
  readonly content: string;

  constructor(scope: Construct, id: string, props: ModuleAssetProps) {
    super(scope, id);
    if (!ASSET_PATH.test(props.path) || props.path.split("/").includes("..")) {
      throw new Error(`module asset path "${props.path}" must be a relative path in a subdirectory (letters, digits, "_", "-", "."), without ".."`);
    }
    if (!props.content.endsWith("\n")) throw new Error(`module asset ${props.path} must end with a newline`);
    this.path = props.path;
    this.content = props.content;
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stack = TerraformStack.of(this);
        const file = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory, this.path);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, this.content);
      },
    });
  }
}

/** Every asset of a stack, by path; two different contents for one path is an error. */
export function moduleAssetsOf(stack: IConstruct): Map<string, string> {
  const assets = new Map<string, string>();
  for (const node of stack.node.findAll()) {
    if (!(node instanceof ModuleAsset)) continue;
    const other = assets.get(node.path);
    if (other !== undefined && other !== node.content) throw new Error(`module asset ${node.path} is written twice with different content`);
    assets.set(node.path, node.content);
  }
  return new Map([...assets].sort(([a], [b]) => a.localeCompare(b)));
}
