/** Exit codes of the `cdktf-eks-blueprints` command. */
export const EXIT = {
  ok: 0,
  /** `synth --check` found stale files; `validate` found invalid modules. */
  failed: 1,
  /** Bad input or usage: unknown blueprint, invalid settings, syntax errors, unwritable paths, bad flags. */
  badInput: 2,
} as const;

/** An error the CLI reports as one clear message (no stack trace) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = "CliError";
  }
}
