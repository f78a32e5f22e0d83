import { readCatalog } from "../catalog";
import { color, info } from "../ui";

/** `list`: every blueprint, what it composes and when to pick it. Reads the catalog only (no cdktf, no providers). */
export function runList(options: { json?: boolean }): number {
  const { blueprints } = readCatalog();
  if (options.json) {
    info(JSON.stringify(blueprints, null, 2));
    return 0;
  }
  const out = process.stdout;
  const blocks = blueprints.map((b) =>
    [
      `${color.bold(out, b.name)}  ${b.summary}`,
      `  composes:`,
      ...b.composes.map((c) => `    - ${c}`),
      `  when to use: ${b.whenToUse}`,
      `  settings schema: schemas/${b.schema}`,
    ].join("\n"),
  );
  info(blocks.join("\n\n"));
  return 0;
}
