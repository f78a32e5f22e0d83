import { blueprints } from "../blueprints/registry";
import { synthesize, Json } from "./helpers";

/**
 * No hardcoded partition: an ARN written as `arn:aws:` never matches in aws-cn or aws-us-gov. ARNs must take
 * the partition from `data.aws_partition.current.partition`; regular expressions that accept any partition
 * (`arn:aws[a-z-]*:`) are fine. Human-readable text (descriptions, validation messages) may show an example ARN.
 */
const HARDCODED = /arn:aws:/;
const PROSE_KEYS = new Set(["description", "error_message"]);

/** Every string (keys included) with its JSON path, skipping prose fields. */
function stringsWithPaths(value: unknown, path: string): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsWithPaths(v, `${path}[${i}]`));
  if (value && typeof value === "object")
    return Object.entries(value as Json).flatMap(([k, v]) =>
      PROSE_KEYS.has(k) ? [] : [[`${path}.${k}`, k] as [string, string], ...stringsWithPaths(v, `${path}.${k}`)],
    );
  return [];
}

const variants: [string, unknown][] = [
  ...blueprints.map((b) => [b.name, undefined] as [string, unknown]),
  ["gpu", { gpuNodeGroups: { training: { instanceTypes: ["p5.48xlarge"], maxSize: 2, efa: true } } }],
];

describe("no hardcoded partition in any generated module", () => {
  test.each(variants)("%s (%j): no string is an ARN in the aws partition only", (name, settings) => {
    const { tree } = synthesize(name, settings);
    const found: string[] = [];
    let scanned = 0;
    for (const [file, content] of tree) {
      if (!file.endsWith(".tf.json")) continue;
      for (const [path, s] of stringsWithPaths(JSON.parse(content), file)) {
        scanned++;
        if (HARDCODED.test(s)) found.push(`${path}: ${s}`);
      }
    }
    expect(scanned).toBeGreaterThan(100);
    expect(found).toEqual([]);
  });

  test("the scan finds a hardcoded ARN, and lets a partition-agnostic regex and prose through", () => {
    const doc = {
      resource: { x: { y: { policy: { Resource: "arn:aws:s3:::bucket" }, ok: "arn:${data.aws_partition.current.partition}:s3:::b" } } },
      variable: { v: { validation: [{ condition: '${can(regex("^arn:aws[a-z-]*:iam::", var.v))}', error_message: "e.g. arn:aws:iam::1:role/r" }] } },
    };
    expect(stringsWithPaths(doc, "m").filter(([, s]) => HARDCODED.test(s))).toEqual([["m.resource.x.y.policy.Resource", "arn:aws:s3:::bucket"]]);
  });
});
