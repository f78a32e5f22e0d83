import { Construct } from "constructs";
import { ITerraformDependable, Op, TerraformLocal } from "cdktf";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { ModuleAsset } from "../module-asset";
import { DESTROY_CLEANUP_VOLUME_POLICIES, oneOfRule } from "../rules";
import { moduleVariable } from "../terraform";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { Addon, AddonsSide } from "./contract";
import {
  CHART_DIR,
  CHART_VERSION,
  destroyCleanupChartFiles,
  loadBalancerRules,
  loadBalancerSteps,
  reportStep,
  volumeRules,
  volumeSteps,
} from "./destroy-cleanup-chart";
import { Container, HOOK_NAMESPACE as NAMESPACE, JOB_DEADLINE_SECONDS, PolicyRule, RELEASE_TIMEOUT_SECONDS } from "./kubectl-hook";
import { chartRelease, Placement } from "./helm-release";

export type DestroyCleanupVolumePolicy = (typeof DESTROY_CLEANUP_VOLUME_POLICIES)[number];

export interface DestroyCleanupSettings {
  /** `retain` (default) or `delete` the cluster's volumes on destroy (`destroy_cleanup_volumes`); EBS blueprints only. */
  readonly volumes?: DestroyCleanupVolumePolicy;
}

export interface DestroyCleanupOptions {
  /** Whether the blueprint has the EBS CSI driver, so volumes can be deleted on destroy. Default true. */
  readonly volumes?: boolean;
}

/** The chart values (templates/ of the destroy-cleanup chart); `rules` and `steps` may be Terraform expressions. */
export interface DestroyCleanupValues {
  readonly activeDeadlineSeconds: number;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: NonNullable<Placement["tolerations"]>;
  readonly rules: readonly PolicyRule[] | string;
  readonly steps: readonly Container[] | string;
  readonly report: readonly Container[];
}

const VOLUMES_VARIABLE = "destroy_cleanup_volumes";
const ENABLED_VARIABLE = "destroy_cleanup_enabled";

/**
 * Makes `terraform destroy` of the add-ons module leave nothing behind that blocks the VPC's destroy.
 *
 * A Helm release whose pre-delete hook Job deletes every Ingress and Service of type LoadBalancer and waits
 * until they are gone, which the Load Balancer Controller's finalizers make mean: until their ALBs/NLBs,
 * target groups and `k8s-*` security groups are deleted. Optionally (`destroy_cleanup_volumes = "delete"`) it
 * then deletes PersistentVolumeClaims and volumes, so the EBS CSI driver deletes the EBS volumes.
 *
 * It runs inside the cluster, so a Terraform Cloud runner needs no kubectl. The release depends on the Load
 * Balancer Controller's, so Terraform destroys it (running the hook) while the controller still runs; the EBS
 * CSI driver belongs to the cluster module, destroyed later. Removing the release for any reason (destroy, or
 * dropping it from the module) runs the hook: that is its purpose.
 */
export class DestroyCleanup extends Addon<"destroyCleanup", DestroyCleanupSettings> {
  readonly key = "destroyCleanup";
  readonly settings: z.ZodType<DestroyCleanupSettings>;
  readonly after = [AwsLoadBalancerController];

  constructor(private readonly options: DestroyCleanupOptions = {}) {
    super();
    const volumes = options.volumes ?? true;
    this.settings = z
      .strictObject(
        volumes
          ? { /** Default retain: deleting data is never a default. */ volumes: z.enum(DESTROY_CLEANUP_VOLUME_POLICIES).default("retain") }
          : {},
      )
      .prefault({}) as z.ZodType<DestroyCleanupSettings>;
  }

  buildAddons(scope: Construct, side: AddonsSide, s: DestroyCleanupSettings): ITerraformDependable[] {
    const holder = new Construct(scope, "destroy_cleanup");
    setModuleFile(holder, "destroy_cleanup");
    destroyCleanupChartFiles().forEach(([path, content], i) => new ModuleAsset(holder, `chart_file_${i}`, { path, content }));

    const enabled = moduleVariable(holder, ENABLED_VARIABLE, {
      type: "bool",
      description:
        "Whether destroying this module first deletes every Ingress and LoadBalancer Service (and their ALBs, NLBs and k8s-* security groups) " +
        "through the destroy-cleanup pre-delete hook. Set false and apply only to skip a cleanup that cannot finish; then delete those load balancers yourself.",
      default: true,
    });

    const withVolumes = (this.options.volumes ?? true) && s.volumes !== undefined;
    let rules: DestroyCleanupValues["rules"] = loadBalancerRules;
    let steps: DestroyCleanupValues["steps"] = loadBalancerSteps;
    if (withVolumes) {
      moduleVariable(holder, VOLUMES_VARIABLE, {
        type: "string",
        description:
          'What destroying this module does with PersistentVolumeClaims: "retain" keeps them and their EBS volumes (billed until you delete them); ' +
          '"delete" deletes the claims, the pods outside kube-system that hold them, and the PersistentVolumes, so the EBS CSI driver deletes volumes whose reclaim policy is Delete.',
        default: s.volumes,
        rules: [oneOfRule(VOLUMES_VARIABLE, DESTROY_CLEANUP_VOLUME_POLICIES)],
      });
      const byPurpose = (loadBalancers: unknown, volumes: unknown) => ({ load_balancers: loadBalancers, volumes });
      new TerraformLocal(holder, "destroy_cleanup_rules", byPurpose(loadBalancerRules, volumeRules));
      new TerraformLocal(holder, "destroy_cleanup_steps", byPurpose(loadBalancerSteps, volumeSteps));
      const chosen = (local: string, item: string) =>
        `\${concat(local.${local}.load_balancers, [for ${item} in local.${local}.volumes : ${item} if var.${VOLUMES_VARIABLE} == "delete"])}`;
      rules = chosen("destroy_cleanup_rules", "rule");
      steps = chosen("destroy_cleanup_steps", "step");
    }

    const values: DestroyCleanupValues = {
      activeDeadlineSeconds: JOB_DEADLINE_SECONDS,
      nodeSelector: side.systemPlacement?.nodeSelector ?? {},
      tolerations: side.systemPlacement?.tolerations ?? [],
      rules,
      steps,
      report: [reportStep],
    };
    return [
      chartRelease(holder, {
        address: "destroy_cleanup",
        releaseName: "destroy-cleanup",
        chart: { path: CHART_DIR, version: CHART_VERSION },
        namespace: NAMESPACE,
        values,
        // Destroyed before the controller, which must still run to honour the finalizers the hook waits on.
        dependsOn: side.prerequisites,
        title: "the destroy-cleanup pre-delete hook",
        timeout: RELEASE_TIMEOUT_SECONDS,
        disableHooks: Op.not(enabled.booleanValue),
      }),
    ];
  }
}
