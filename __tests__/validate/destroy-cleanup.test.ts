/**
 * The destroy-cleanup chart as Helm would install it: real `terraform plan` (stub providers) evaluates the
 * add-ons module's values for each `destroy_cleanup_volumes` choice, and the chart's templates, as written
 * to generated/, are rendered with those values. Loads the compiled validate/ (npm test builds first).
 */
import * as fs from "fs";
import * as path from "path";
import { containerImages } from "../../modules/catalog";
import { JOB_DEADLINE_SECONDS, RELEASE_TIMEOUT_SECONDS } from "../../modules/addons/kubectl-hook";
import { renderTemplate } from "../chart-render";
import { Json } from "../helpers";

const ROOT = path.resolve(__dirname, "..", "..");
const GENERATED = path.join(ROOT, "generated");
type Api = typeof import("../../validate");
type PlanResult = import("../../validate").PlanResult;

let api: Api;
beforeAll(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  api = require(path.join(ROOT, "dist", "validate", "index.js")) as Api;
});

const chartDir = (blueprint: string) => path.join(GENERATED, blueprint, "addons", "charts", "destroy-cleanup");

function releaseValues(r: PlanResult): Json {
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((e) => `${e.summary}: ${e.detail}`)).toEqual([]);
  const release = r.plan?.planned_values?.root_module?.resources?.find((x) => x.address === "helm_release.destroy_cleanup");
  expect(release).toBeDefined();
  expect(release!.values.chart).toBe("./charts/destroy-cleanup"); // path.module of a root module is "."
  const values = release!.values.values as string[];
  expect(values).toHaveLength(1);
  return JSON.parse(values[0]) as Json;
}

interface Rendered {
  readonly job: Json;
  readonly clusterRole: Json;
  readonly binding: Json;
  readonly serviceAccount: Json;
}

function render(blueprint: string, values: Json): Rendered {
  const read = (file: string) => fs.readFileSync(path.join(chartDir(blueprint), "templates", file), "utf8");
  const docs = [...renderTemplate(read("rbac.yaml"), values), ...renderTemplate(read("job.yaml"), values)];
  const byKind = (kind: string) => {
    const found = docs.filter((d) => d.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };
  expect(docs.map((d) => d.kind).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "Job", "ServiceAccount"]);
  return { job: byKind("Job"), clusterRole: byKind("ClusterRole"), binding: byKind("ClusterRoleBinding"), serviceAccount: byKind("ServiceAccount") };
}

/** The kubectl resource each step deletes, e.g. `ingresses.networking.k8s.io` → ingresses in networking.k8s.io. */
function deletedResource(container: Json): { group: string; resource: string } {
  expect(container.args[0]).toBe("delete");
  const [resource, ...group] = (container.args[1] as string).split(".");
  return { resource, group: group.join(".") };
}

describe.each([
  ["baseline", "retain"],
  ["baseline", "delete"],
  ["spot-cost-optimized", "retain"],
  ["fargate-only", undefined],
])("%s add-ons, destroy_cleanup_volumes = %s: the rendered chart", (blueprint, volumes) => {
  let rendered: Rendered;
  let values: Json;

  beforeAll(async () => {
    const r = await api.planModule(path.join(GENERATED, blueprint, "addons"), {
      showPlan: true,
      vars: volumes === undefined ? {} : { destroy_cleanup_volumes: volumes },
    });
    values = releaseValues(r);
    rendered = render(blueprint, values);
  }, 120_000);

  test("the Job is a pre-delete hook, replaced on retry, kept for its logs when it fails", () => {
    expect(rendered.job.metadata.annotations).toEqual({
      "helm.sh/hook": "pre-delete",
      "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
    });
    // RBAC is no hook: ordinary release objects outlive the pre-delete hook.
    for (const doc of [rendered.clusterRole, rendered.binding, rendered.serviceAccount]) expect(doc.metadata.annotations).toBeUndefined();
    expect(rendered.job.spec.backoffLimit).toBe(2);
    expect(rendered.job.spec.activeDeadlineSeconds).toBe(JOB_DEADLINE_SECONDS);
    expect(JOB_DEADLINE_SECONDS).toBeLessThan(RELEASE_TIMEOUT_SECONDS);
  });

  test("the steps: load balancers first, volumes only when chosen", () => {
    const names = rendered.job.spec.template.spec.initContainers.map((c: Json) => c.name);
    const loadBalancers = ["delete-ingresses", "delete-load-balancer-services"];
    const volumeSteps = ["mark-claims-for-deletion", "delete-pods-holding-claims", "delete-claims", "delete-volumes"];
    expect(names).toEqual(volumes === "delete" ? [...loadBalancers, ...volumeSteps] : loadBalancers);
    const [ingresses, services] = rendered.job.spec.template.spec.initContainers;
    expect(ingresses.args).toEqual(["delete", "ingresses.networking.k8s.io", "--all", "--all-namespaces", "--wait=true", "--timeout=300s"]);
    expect(services.args).toEqual(["delete", "services", "--all-namespaces", "--field-selector=spec.type=LoadBalancer", "--wait=true", "--timeout=300s"]);
    expect(rendered.job.spec.template.spec.containers.map((c: Json) => c.name)).toEqual(["report-remaining"]);
  });

  test("RBAC: exactly the resources the steps delete, with get/list/watch/delete and nothing else", () => {
    const rules = rendered.clusterRole.rules as Json[];
    const expected = [
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses"] },
      { apiGroups: [""], resources: ["services"] },
      ...(volumes === "delete"
        ? [
            { apiGroups: [""], resources: ["persistentvolumeclaims"] },
            { apiGroups: [""], resources: ["pods"] },
            { apiGroups: [""], resources: ["persistentvolumes"] },
          ]
        : []),
    ];
    expect(rules).toEqual(expected.map((r) => ({ ...r, verbs: ["get", "list", "watch", "delete"] })));
    // Every deleted resource is covered by a rule (and, by the equality above, nothing more is granted).
    const steps = rendered.job.spec.template.spec.initContainers as Json[];
    for (const step of steps) {
      const { group, resource } = deletedResource(step);
      expect(rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource))).toBe(true);
    }
    expect(rendered.binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: rendered.clusterRole.metadata.name });
    expect(rendered.binding.subjects).toEqual([{ kind: "ServiceAccount", name: rendered.serviceAccount.metadata.name, namespace: "kube-system" }]);
    expect(rendered.job.spec.template.spec.serviceAccountName).toBe(rendered.serviceAccount.metadata.name);
  });

  test("every container: pinned kubectl, requests and limits, non-root, read-only root, no capabilities", () => {
    const pod = rendered.job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
    for (const c of [...pod.initContainers, ...pod.containers] as Json[]) {
      expect(c.image).toBe(`${containerImages.kubectl.repository}:${containerImages.kubectl.tag}`);
      expect(c.command).toBeUndefined(); // the image's entrypoint is kubectl; it has no shell
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
      expect(c.resources.requests).toEqual({ cpu: "50m", memory: "64Mi" });
      expect(c.resources.limits).toEqual({ cpu: "500m", memory: "256Mi" });
      // kubectl's cache needs a writable HOME: an emptyDir, which Fargate supports (no hostPath).
      expect(c.env).toEqual([{ name: "HOME", value: "/tmp" }]);
      expect(c.volumeMounts).toEqual([{ name: "kubectl-cache", mountPath: "/tmp" }]);
    }
    expect(pod.volumes).toEqual([{ name: "kubectl-cache", emptyDir: { sizeLimit: "64Mi" } }]);
  });

  test("placement: the blueprint's system nodes, or anywhere (Fargate's kube-system profile)", () => {
    const pod = rendered.job.spec.template.spec;
    if (blueprint === "spot-cost-optimized") {
      expect(pod.nodeSelector).toEqual({ "node-role": "system" });
      expect(pod.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
    } else {
      expect(pod.nodeSelector).toEqual({});
      expect(pod.tolerations).toEqual([]);
    }
    expect(rendered.job.metadata.namespace).toBe("kube-system");
  });
});

test("destroy_cleanup_volumes rejects anything but retain or delete, in Terraform", async () => {
  const r = await api.planModule(path.join(GENERATED, "baseline", "addons"), { vars: { destroy_cleanup_volumes: "keep" } });
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toHaveLength(1);
  expect(errors[0].address).toBe("var.destroy_cleanup_volumes");
  expect(errors[0].detail).toContain("destroy_cleanup_volumes must be one of retain, delete.");
}, 120_000);

test("destroy_cleanup_enabled = false plans the release with hooks disabled", async () => {
  const r = await api.planModule(path.join(GENERATED, "baseline", "addons"), { showPlan: true, vars: { destroy_cleanup_enabled: false } });
  const release = r.plan?.planned_values?.root_module?.resources?.find((x) => x.address === "helm_release.destroy_cleanup");
  expect(release?.values.disable_webhooks).toBe(true);
}, 120_000);
