import { CliError, EXIT } from "../errors";

export interface ValidateOptions {
  readonly json?: boolean;
  readonly concurrency?: number;
}

/**
 * `validate`: offline `terraform validate` of generated modules, by the validator in validate/
 * (stub providers; needs the terraform binary, no network). Its exit codes map onto ours:
 * 0 valid, 1 invalid or no module found, 2 terraform unavailable or bad usage.
 */
export async function runValidate(dirs: readonly string[], options: ValidateOptions): Promise<number> {
  let validator: { main(argv: string[]): Promise<number> };
  try {
    validator = await import("../../validate/cli");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw error;
    throw new CliError("the offline validator (validate/) is not part of this build of cdktf-eks-blueprints", EXIT.badInput);
  }
  const argv = [...(options.json ? ["--json"] : []), ...(options.concurrency ? ["-j", String(options.concurrency)] : []), ...dirs];
  const code = await validator.main(argv);
  if (code === 0 || code === 1) return code;
  return EXIT.badInput;
}
