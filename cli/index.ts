#!/usr/bin/env node
/**
 * `cdktf-eks-blueprints`: init, list, synth, validate. Commands load what they need when they run,
 * so `--help` and `list` start without cdktf or the provider bindings.
 *
 * Exit codes: 0 ok; 1 `synth --check` found stale files or `validate` found invalid modules;
 * 2 bad input or usage (nothing written); 3 unexpected internal error; 130 init cancelled at a prompt.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { CliError, EXIT } from "./errors";
import { packageJson } from "./package-root";
import { color, printError } from "./ui";

const EXIT_INTERNAL = 3;

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  synth --check: the output directory is stale; validate: a module is invalid
  2  bad input or usage: unknown blueprint, invalid settings, syntax error, unwritable path (nothing is written)
  3  unexpected internal error`;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of 1 or more");
  return n;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("cdktf-eks-blueprints")
    .description("EKS blueprints on CDK for Terraform: new projects, and blueprint settings to plain Terraform JSON modules.")
    .version(packageJson().version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      outputError: (message, write) => write(color.red(process.stderr, message)),
    })
    .addHelpText("after", EXIT_CODES_HELP);

  program
    .command("init")
    .argument("[dir]", "directory for the new project (new or empty)", ".")
    .description("create a CDKTF project for one blueprint (asks on a terminal for what the flags leave out)")
    .option("-b, --blueprint <name>", "blueprint to use (see `list`)")
    .option("-n, --name <cluster>", "EKS cluster name")
    .option("-r, --region <region>", "AWS region, such as eu-west-1")
    .option("-k, --kubernetes-version <version>", "Kubernetes version (default: the blueprint's default)")
    .option("-y, --yes", "never prompt: take the defaults for anything not given")
    .option("-f, --force", "write into a non-empty directory, replacing files of the same name")
    .option("--package-spec <spec>", "how the project depends on cdktf-eks-blueprints: a version, a git URL, a tarball or file:/abs/path (default: this checkout as file:<path>, or this version when installed)")
    .addHelpText(
      "after",
      `
Examples:
  $ cdktf-eks-blueprints init my-cluster
  $ cdktf-eks-blueprints init my-cluster --blueprint baseline --name prod --region eu-west-1 --yes

The project depends on cdktf-eks-blueprints through --package-spec; by default, run from a checkout,
the checkout itself (file:<checkout>), and run from an installed package, its own version.

Exit codes:
  0    the project was written
  2    bad input or usage: unknown blueprint, invalid --name/--region/--kubernetes-version, missing flag
       without a terminal, non-empty directory without --force (nothing is written)
  3    unexpected internal error
  130  cancelled at a prompt (nothing is written)`,
    )
    .action(async (dir: string, options) => {
      const { runInit } = await import("./commands/init");
      setExit(await runInit(dir, options));
    });

  program
    .command("list")
    .description("list the blueprints: what each composes and when to pick it")
    .option("--json", "print JSON")
    .action(async (options) => {
      const { runList } = await import("./commands/list");
      setExit(runList(options));
    });

  program
    .command("synth")
    .description("generate Terraform JSON modules (<out>/<blueprint>/{cluster,addons}) from a settings file or defaults")
    .addOption(new Option("-b, --blueprint <name>", "blueprint to synthesize (optional when the settings file has a blueprint: key)").conflicts("all"))
    .addOption(new Option("-a, --all", "every blueprint with its default settings; replaces the whole output directory"))
    .addOption(new Option("-c, --config <file>", "settings file, YAML or JSON (.json), same shape as the blueprint's props").conflicts("all"))
    .option("-o, --out <dir>", "output directory", "generated")
    .option("--check", "write nothing; exit 1 and list the stale files if <out> differs from what would be generated")
    .addHelpText(
      "after",
      `
One blueprint replaces <out>/<blueprint>/ only; --all replaces <out>. Synth never replaces a
directory holding files it did not write: it lists what it wrote in <dir>/.generated-by-cdktf-eks-blueprints.json.

Examples:
  $ cdktf-eks-blueprints synth --config blueprint.yaml
  $ cdktf-eks-blueprints synth --blueprint baseline --out terraform-modules
  $ cdktf-eks-blueprints synth --all --check
${EXIT_CODES_HELP}`,
    )
    .action(async (options) => {
      const { runSynth } = await import("./commands/synth");
      setExit(await runSynth(options));
    });

  program
    .command("validate")
    .argument("[dir...]", "module directories, or roots to search for modules", ["generated"])
    .description("run terraform validate offline on generated modules (stub providers; needs the terraform binary)")
    .option("--json", "print results as JSON")
    .option("-j, --concurrency <n>", "modules validated at once", positiveInt)
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (dirs: string[], options) => {
      const { runValidate } = await import("./commands/validate");
      setExit(await runValidate(dirs, options));
    });

  return program;
}

/** Run the command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse problem (unknown option, missing argument, …) is usage: 2.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof CliError) {
      printError(error.message);
      return error.exitCode;
    }
    printError(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT_INTERNAL;
  }
}

/** `cdktf-eks-blueprints --help | head`: once the reader has gone, nothing is left to say; end quietly, as cat does. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(EXIT.ok);
  });
}

if (require.main === module) {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
