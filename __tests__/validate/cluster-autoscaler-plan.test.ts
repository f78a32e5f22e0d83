/**
 * The Cluster Autoscaler's image tag and its precondition, evaluated by the real Terraform binary through the
 * stub providers (whose `data.aws_eks_cluster` answers version "1.35"). Loads the compiled code (dist/validate;
 * `npm test` builds first).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { kubernetesReleases } from "../../modules/catalog";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist", "validate");
const MODULE = path.join(ROOT, "generated", "baseline", "addons");

type Api = typeof import("../../validate");
let api: Api;
beforeAll(() => {
  if (!fs.existsSync(path.join(DIST, "index.js"))) throw new Error(`${DIST} is missing: run \`npm run build\` (npm test does it) first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  api = require(path.join(DIST, "index.js")) as Api;
});

describe("Cluster Autoscaler image per cluster minor (terraform plan)", () => {
  test("a 1.35 cluster gets the 1.35 autoscaler image", async () => {
    const r = await api.planModule(MODULE, { showPlan: true });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const release = r.plan?.resource_changes?.find((c) => c.address === "helm_release.cluster_autoscaler");
    const values = JSON.parse((release?.change.after as { values: string[] }).values[0]) as { image: { tag: string } };
    expect(values.image).toEqual({ tag: kubernetesReleases["1.35"].clusterAutoscaler });
  }, 120_000);

  test("a cluster minor the module pins no image for stops the plan with the precondition's message", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ca-minor-"));
    try {
      fs.cpSync(MODULE, dir, { recursive: true });
      const file = path.join(dir, "cluster_autoscaler.tf.json");
      const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { locals: { cluster_autoscaler_image_tags: Record<string, string> } };
      delete doc.locals.cluster_autoscaler_image_tags["1.35"]; // the stub cluster runs 1.35
      fs.writeFileSync(file, JSON.stringify(doc, null, 2));
      const r = await api.planModule(dir);
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((e) => e.summary)).toEqual(["Resource precondition failed"]);
      expect(errors[0].detail).toBe(
        "The cluster runs Kubernetes 1.35, but this module pins Cluster Autoscaler images only for Kubernetes 1.34, 1.36 (the autoscaler's minor must match the cluster's). Regenerate the add-ons module with a release of cdktf-eks-blueprints that supports this Kubernetes version.",
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
