import { createHash } from "crypto";
import { TerraformVariable } from "cdktf";
import { NAME_LIMITS } from "../../modules/aws-limits";
import { derivedName, MAX_NAME_SUFFIX_LENGTH, NAME_PREFIX_MAX_LENGTH, namePrefixLocal } from "../../modules/names";
import { emitted, minimalStack } from "./fixture";
import { evaluate, withTerraform } from "./hcl";

describe("names derived from the cluster name", () => {
  const stack = minimalStack();
  const clusterName = new TerraformVariable(stack, "cluster_name", { type: "string" }).stringValue;
  namePrefixLocal(stack, clusterName);
  const module = emitted(stack);

  test("the prefix leaves room for the longest suffix within IAM's 64-character role names", () => {
    expect(MAX_NAME_SUFFIX_LENGTH).toBe("-aws-load-balancer-controller".length);
    expect(NAME_PREFIX_MAX_LENGTH).toBe(NAME_LIMITS.iamRole - MAX_NAME_SUFFIX_LENGTH);
    expect(module.local("name_prefix")).toBe(
      '${length(var.cluster_name) <= 35 ? var.cluster_name : format("%s-%s", substr(var.cluster_name, 0, 26), substr(sha1(var.cluster_name), 0, 8))}',
    );
    expect(module.files.get("main.tf.json")!.locals).toEqual({ name_prefix: module.local("name_prefix") });
  });

  withTerraform("Terraform's value of local.name_prefix", () => {
    const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
    test.each([
      ["demo", "demo"],
      ["c".repeat(35), "c".repeat(35)],
      ["c".repeat(36), `${"c".repeat(26)}-${sha1("c".repeat(36)).slice(0, 8)}`],
      ["x".repeat(100), `${"x".repeat(26)}-${sha1("x".repeat(100)).slice(0, 8)}`],
    ])("cluster %s", (name, expected) => {
      const value = evaluate(module, { cluster_name: name }, "local.name_prefix") as string;
      expect(value).toBe(expected);
      expect(value.length).toBeLessThanOrEqual(NAME_PREFIX_MAX_LENGTH);
    });

    test("two long names with a common beginning still differ", () => {
      const a = evaluate(module, { cluster_name: `${"p".repeat(40)}-a` }, "local.name_prefix");
      const b = evaluate(module, { cluster_name: `${"p".repeat(40)}-b` }, "local.name_prefix");
      expect(a).not.toBe(b);
    });
  });

  test("derivedName measures a literal suffix against the resource's limit", () => {
    expect(derivedName("${local.name_prefix}", "-node", "iamRole")).toBe("${local.name_prefix}-node");
    expect(derivedName("p", "-".repeat(MAX_NAME_SUFFIX_LENGTH), "iamRole")).toBe(`p${"-".repeat(29)}`);
    expect(() => derivedName("p", "-".repeat(MAX_NAME_SUFFIX_LENGTH + 1), "iamRole")).toThrow(
      "a iamRole name suffix of up to 30 characters (------------------------------) would exceed AWS's 64-character limit",
    );
  });

  test("an expression suffix is measured by its stated maximum; longer limits allow longer suffixes", () => {
    // launch templates allow 128 characters: 64 more than IAM roles.
    expect(derivedName("p", "-${each.key}", "launchTemplate", MAX_NAME_SUFFIX_LENGTH + 64)).toBe("p-${each.key}");
    expect(() => derivedName("p", "-${each.key}", "launchTemplate", MAX_NAME_SUFFIX_LENGTH + 65)).toThrow(/launchTemplate name suffix of up to 94 characters/);
    expect(() => derivedName("p", "-${each.key}", "iamRole", 31)).toThrow(
      "a iamRole name suffix of up to 31 characters (-${each.key}) would exceed AWS's 64-character limit",
    );
  });
});
