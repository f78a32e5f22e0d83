import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, Testing } from "cdktf";
import { blueprints } from "../../blueprints/registry";
import { buildBlueprintStacks } from "../../blueprints/stacks";
import { CHART_DIR, CHART_VERSION, destroyCleanupChartFiles } from "../../modules/addons/destroy-cleanup-chart";
import { containerImages, kubernetesVersions } from "../../modules/catalog";
import { ModuleAsset, moduleAssetsOf } from "../../modules/module-asset";
import { settingsErrorFor, synthesize } from "../helpers";
import { minimalStack } from "./fixture";

describe.each(blueprints.map((b) => b.name))("%s: the destroy-cleanup release", (name) => {
  const { tree, addons } = synthesize(name);
  const release = addons.resource("helm_release", "destroy_cleanup");

  test("is destroyed before the Load Balancer Controller (it depends on the controller's release)", () => {
    expect(release.depends_on).toEqual(["helm_release.aws_load_balancer_controller"]);
    // Nothing depends on the cleanup release: Terraform destroys it first among the add-ons it follows.
    const others = Object.entries(addons.resources("helm_release")).filter(([n]) => n !== "destroy_cleanup");
    for (const [, body] of others) expect(body.depends_on ?? []).not.toContain("helm_release.destroy_cleanup");
  });

  test("installs the chart shipped in the module, with a timeout that covers the hook and a switch for it", () => {
    expect(release.chart).toBe("${path.module}/charts/destroy-cleanup");
    expect(release.repository).toBeUndefined();
    expect(release.version).toBe(CHART_VERSION);
    expect(release.namespace).toBe("kube-system");
    expect(release.timeout).toBe(720);
    expect(release.disable_webhooks).toBe("${!var.destroy_cleanup_enabled}");
    expect(addons.variable("destroy_cleanup_enabled")).toMatchObject({ type: "bool", default: true, nullable: false });
  });

  test("the chart's files are in the module directory, byte for byte what the add-on defines", () => {
    const chart = [...tree].filter(([p]) => p.startsWith(`${name}/addons/charts/`));
    expect(chart).toEqual(destroyCleanupChartFiles().map(([p, content]) => [`${name}/addons/${p}`, content]));
    expect(chart.map(([p]) => p.slice(`${name}/addons/${CHART_DIR}/`.length))).toEqual(["Chart.yaml", "templates/job.yaml", "templates/rbac.yaml"]);
    expect(tree.get(`${name}/addons/${CHART_DIR}/Chart.yaml`)).toContain(`version: ${CHART_VERSION}\n`);
    expect([...tree.keys()].filter((p) => p.startsWith(`${name}/cluster/charts`))).toEqual([]);
  });

  if (name === "fargate-only") {
    test("has no volume choice: no EBS CSI driver on Fargate", () => {
      expect(addons.merged.variable.destroy_cleanup_volumes).toBeUndefined();
      expect(addons.local("destroy_cleanup_values").steps).toHaveLength(2);
      expect(settingsErrorFor(name, { addons: { destroyCleanup: { volumes: "delete" } } })).toMatch(/addons\.destroyCleanup.*volumes/s);
    });
  } else {
    test("destroy_cleanup_volumes: retain by default, one of retain/delete, and the settings' default", () => {
      const variable = addons.variable("destroy_cleanup_volumes");
      expect(variable.type).toBe("string");
      expect(variable.default).toBe("retain");
      expect(variable.validation).toEqual([
        {
          condition: '${contains(["retain","delete"], var.destroy_cleanup_volumes)}',
          error_message: "destroy_cleanup_volumes must be one of retain, delete.",
        },
      ]);
      expect(synthesize(name, { addons: { destroyCleanup: { volumes: "delete" } } }).addons.variable("destroy_cleanup_volumes").default).toBe("delete");
      expect(settingsErrorFor(name, { addons: { destroyCleanup: { volumes: "keep" } } })).toMatch(/addons\.destroyCleanup\.volumes/);
    });

    test("the volume steps and rules join only when destroy_cleanup_volumes is delete", () => {
      const values = addons.local("destroy_cleanup_values");
      expect(values.rules).toBe(
        '${concat(local.destroy_cleanup_rules.load_balancers, [for rule in local.destroy_cleanup_rules.volumes : rule if var.destroy_cleanup_volumes == "delete"])}',
      );
      expect(values.steps).toBe(
        '${concat(local.destroy_cleanup_steps.load_balancers, [for step in local.destroy_cleanup_steps.volumes : step if var.destroy_cleanup_volumes == "delete"])}',
      );
      expect(addons.local("destroy_cleanup_rules").volumes.map((r: { resources: string[] }) => r.resources[0])).toEqual([
        "persistentvolumeclaims",
        "pods",
        "persistentvolumes",
      ]);
    });
  }
});

describe("module assets", () => {
  test("a path must be relative, in a subdirectory, without ..; content ends with a newline", () => {
    const stack = minimalStack("addons");
    expect(() => new ModuleAsset(stack, "a", { path: "main.tf", content: "x\n" })).toThrow(/in a subdirectory/);
    expect(() => new ModuleAsset(stack, "b", { path: "/etc/passwd", content: "x\n" })).toThrow(/relative path/);
    expect(() => new ModuleAsset(stack, "c", { path: "charts/../../x", content: "x\n" })).toThrow(/without "\.\."/);
    expect(() => new ModuleAsset(stack, "d", { path: "charts/x/Chart.yaml", content: "x" })).toThrow(/end with a newline/);
  });

  test("one path with two contents is an error; the same content twice is one file; paths in order", () => {
    const stack = minimalStack("addons");
    new ModuleAsset(stack, "b", { path: "charts/b/Chart.yaml", content: "b\n" });
    new ModuleAsset(stack, "a", { path: "charts/a/Chart.yaml", content: "a\n" });
    new ModuleAsset(stack, "a2", { path: "charts/a/Chart.yaml", content: "a\n" });
    expect([...moduleAssetsOf(stack).keys()]).toEqual(["charts/a/Chart.yaml", "charts/b/Chart.yaml"]);
    new ModuleAsset(stack, "a3", { path: "charts/a/Chart.yaml", content: "other\n" });
    expect(() => moduleAssetsOf(stack)).toThrow("module asset charts/a/Chart.yaml is written twice with different content");
  });

  test("cdktf synth (deploy stacks) writes the chart where the stack's path.module points", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-assets-"));
    try {
      const app = new App({ outdir });
      const stacks = buildBlueprintStacks(app, blueprints.find((b) => b.name === "baseline")!, {}, "deploy");
      app.synth();
      for (const [p, content] of destroyCleanupChartFiles()) {
        expect(fs.readFileSync(path.join(outdir, "stacks", "baseline-addons", p), "utf8")).toBe(content);
      }
      expect(fs.existsSync(path.join(outdir, "stacks", "baseline-cluster", "charts"))).toBe(false);
      expect(JSON.parse(Testing.synth(stacks.addons)).resource.helm_release.destroy_cleanup.chart).toBe("${path.module}/charts/destroy-cleanup");
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

test("the kubectl image is within kubectl's one-minor skew of every offered Kubernetes version", () => {
  const minor = (v: string) => Number(/^v?1\.(\d+)/.exec(v)![1]);
  for (const version of kubernetesVersions) expect(Math.abs(minor(containerImages.kubectl.tag) - minor(version))).toBeLessThanOrEqual(1);
});
