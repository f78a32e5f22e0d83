import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, Testing } from "cdktf";
import { blueprints } from "../blueprints/registry";
import { validateModules } from "../validate";
import { baseline } from "../blueprints/baseline";
import { buildBlueprintStacks } from "../blueprints/stacks";

/** The same blueprint as `cdktf deploy` stacks: providers configured, add-ons after the cluster. */
describe("baseline as cdktf deploy stacks", () => {
  const app = new App();
  const stacks = buildBlueprintStacks(app, baseline, { region: "eu-west-1", clusterName: "prod" }, "deploy");
  const cluster = JSON.parse(Testing.synth(stacks.cluster));
  const addons = JSON.parse(Testing.synth(stacks.addons));

  test("stack names are <blueprint>-cluster and <blueprint>-addons", () => {
    expect(stacks.cluster.node.id).toBe("baseline-cluster");
    expect(stacks.addons.node.id).toBe("baseline-addons");
  });

  test("the cluster stack configures only the AWS provider, in the settings' region", () => {
    expect(Object.keys(cluster.provider)).toEqual(["aws"]);
    expect(cluster.provider.aws[0].region).toBe("eu-west-1");
  });

  test("the add-ons stack reaches the cluster with exec-based tokens and deploys after it", () => {
    expect(addons.provider.aws[0].region).toBe("eu-west-1");
    const exec = addons.provider.kubernetes[0].exec[0];
    expect(exec).toMatchObject({ command: "aws", api_version: "client.authentication.k8s.io/v1beta1" });
    expect(exec.args).toEqual(["eks", "get-token", "--cluster-name", "${var.cluster_name}", "--region", "eu-west-1"]);
    expect(addons.provider.helm[0].kubernetes.host).toBe("${data.aws_eks_cluster.provider_target.endpoint}");
    expect(addons.variable.cluster_name.default).toBe("prod");
    expect(stacks.addons.dependencies).toContain(stacks.cluster);
  });

  test("deploy stacks carry the same resource addresses as the modules", () => {
    expect(cluster.resource.aws_eks_cluster.this).toBeDefined();
    expect(addons.resource.helm_release.aws_load_balancer_controller).toBeDefined();
  });
});

describe.each(blueprints.map((b) => b.name))("%s synthesizes as cdktf deploy stacks", (name) => {
  test("app.synth() writes both stacks, valid for real Terraform; handed-off values cross as stack references", async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-out-"));
    try {
      const app = new App({ outdir });
      const blueprint = blueprints.find((b) => b.name === name)!;
      buildBlueprintStacks(app, blueprint, {}, "deploy");
      app.synth();
      const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
      const cluster = read(`${name}-cluster`);
      const addons = read(`${name}-addons`);
      expect(cluster.resource.aws_eks_cluster.this).toBeDefined();
      expect(Object.keys(addons.provider).sort()).toEqual(["aws", "helm", "kubernetes"]);
      const handsOff = Object.keys(addons.data?.terraform_remote_state ?? {}).length > 0;
      expect(handsOff).toBe(name === "fargate-only");
      const results = await validateModules([`${name}-cluster`, `${name}-addons`].map((stack) => path.join(outdir, "stacks", stack)));
      expect(results.flatMap((r) => r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.summary}: ${d.detail}`))).toEqual([]);
      expect(results.every((r) => r.valid)).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
