import { App, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BlueprintStack, setModuleFile } from "../modules/blueprint-stack";
import { emitModule } from "../emitter/emit-module";

function stack(): BlueprintStack {
  const s = new BlueprintStack(new App(), "test");
  new AwsProvider(s, "aws");
  return s;
}

describe("BlueprintStack addresses", () => {
  test("the construct id is the Terraform name, wherever the construct sits in the tree", () => {
    const s = stack();
    new IamRole(new Construct(new Construct(s, "deep"), "deeper"), "node", { assumeRolePolicy: "{}" });
    const files = emitModule(s);
    expect(Object.keys((files.get("main.tf.json")!.resource as Record<string, object>).aws_iam_role)).toEqual(["node"]);
  });

  test("two resources with the same address are a synth-time error, not a silent overwrite", () => {
    const s = stack();
    new IamRole(new Construct(s, "a"), "node", { assumeRolePolicy: "{}" });
    new IamRole(new Construct(s, "b"), "node", { assumeRolePolicy: "{}" });
    expect(() => emitModule(s)).toThrow(/aws_iam_role\.node is created twice: at test\/a\/node and at test\/b\/node/);
  });

  test("a construct id that is not a Terraform identifier is rejected with its path", () => {
    const s = stack();
    new TerraformVariable(s, "Cluster-Name", { type: "string" });
    expect(() => emitModule(s)).toThrow(/construct id "Cluster-Name" at test\/Cluster-Name is used as a Terraform address and must be snake_case/);
  });

  test("resources land in the file their building block declares", () => {
    const s = stack();
    const block = new Construct(s, "block");
    setModuleFile(block, "network");
    new IamRole(block, "flow_logs", { assumeRolePolicy: "{}" });
    new IamRole(s, "other", { assumeRolePolicy: "{}" });
    const files = emitModule(s);
    expect([...files.keys()]).toEqual(["versions.tf.json", "main.tf.json", "network.tf.json"]);
  });
});
