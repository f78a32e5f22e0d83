import { blueprints } from "../blueprints/registry";
import { generateModules } from "./generate";

/** One measured run for `npm run bench`: everything `npm start` does except writing files. */
const tree = generateModules(blueprints.map((blueprint) => ({ blueprint })));
const bytes = [...tree.values()].reduce((sum, content) => sum + Buffer.byteLength(content), 0);
process.stdout.write(
  JSON.stringify({
    maxRssKb: process.resourceUsage().maxRSS,
    summary: `${blueprints.length} blueprint(s), ${tree.size} files, ${(bytes / 1024).toFixed(0)} KiB`,
  }),
);
