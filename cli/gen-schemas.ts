/**
 * `npm run schemas`: regenerate schemas/ (one settings JSON Schema per blueprint and the catalog) from
 * the registry. A test fails while the committed files are stale.
 */
import * as fs from "fs";
import * as path from "path";
import { blueprints } from "../blueprints/registry";
import { schemasDir } from "./catalog";
import { schemaFiles } from "./json-schema";

const dir = schemasDir();
const files = schemaFiles(blueprints);
fs.mkdirSync(dir, { recursive: true });
for (const name of fs.readdirSync(dir)) {
  if (name.endsWith(".json") && !files.has(name)) fs.rmSync(path.join(dir, name));
}
for (const [name, content] of files) fs.writeFileSync(path.join(dir, name), content);
console.log(`schemas/: ${[...files.keys()].join(", ")}`);
