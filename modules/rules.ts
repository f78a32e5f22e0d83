import { catalogReviewedOn, kubernetesReleases, KubernetesVersion } from "./catalog";
import { VariableRule } from "./terraform";

/**
 * Rules that both the settings schema (zod) and the generated modules' variable validations check,
 * kept here so the two cannot drift apart.
 */

/** EKS: 1–100 characters, starting with a letter or digit, then letters, digits, hyphens and underscores. */
export const CLUSTER_NAME_PATTERN = "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$";
export const CLUSTER_NAME_RULE_TEXT =
  "must be 1-100 characters, start with a letter or digit, and contain only letters, digits, hyphens and underscores";

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function logRetentionRule(variable: string): VariableRule {
  return {
    condition: `contains([${LOG_RETENTION_DAYS.join(", ")}], var.${variable})`,
    message: `${variable} must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(", ")}.`,
  };
}

export function clusterNameRule(variable: string): VariableRule {
  return {
    condition: `can(regex("${CLUSTER_NAME_PATTERN}", var.${variable}))`,
    message: `${variable} ${CLUSTER_NAME_RULE_TEXT}.`,
  };
}

/** EKS managed node group AMI types this project supports. */
export const AMI_TYPES = [
  "AL2023_x86_64_STANDARD",
  "AL2023_ARM_64_STANDARD",
  "AL2023_x86_64_NVIDIA",
  "BOTTLEROCKET_x86_64",
  "BOTTLEROCKET_ARM_64",
  "BOTTLEROCKET_x86_64_NVIDIA",
] as const;
export type AmiType = (typeof AMI_TYPES)[number];

/** Cluster Autoscaler expanders the AWS cloud provider supports ("price" works on GCE only). */
export const CLUSTER_AUTOSCALER_EXPANDERS = ["least-waste", "priority", "random", "most-pods"] as const;

/** EKS support types: STANDARD (the cluster is upgraded at the end of standard support) or EXTENDED (paid). */
export const SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;
export type SupportType = (typeof SUPPORT_TYPES)[number];

/** How close to its end of standard support a version may be chosen with STANDARD support. */
export const STANDARD_SUPPORT_NOTICE_DAYS = 30;

/**
 * Versions this release still pins but that leave standard support within STANDARD_SUPPORT_NOTICE_DAYS of
 * the catalog's review: with support type STANDARD, EKS would upgrade such a cluster by itself soon after
 * it is created, and Terraform would then try to set the old version back. They need EXTENDED.
 */
export const VERSIONS_NEEDING_EXTENDED_SUPPORT: readonly KubernetesVersion[] = (Object.keys(kubernetesReleases) as KubernetesVersion[]).filter(
  (v) => Date.parse(kubernetesReleases[v].standardSupportUntil) - Date.parse(catalogReviewedOn) < STANDARD_SUPPORT_NOTICE_DAYS * 86_400_000,
);

export function supportTypeRuleText(version: string): string {
  return `Kubernetes ${version} leaves EKS standard support on ${kubernetesReleases[version as KubernetesVersion].standardSupportUntil}: with support type STANDARD, EKS upgrades the cluster by itself. Choose a newer version, or set support type EXTENDED (extended support is billed at a higher hourly rate)`;
}

/** kubernetes_version and support_type, checked together (Terraform ≥ 1.9 lets a validation name both). */
export function supportTypeRule(versionVariable: string, supportVariable: string): VariableRule {
  const ending = JSON.stringify(VERSIONS_NEEDING_EXTENDED_SUPPORT);
  return {
    condition: `var.${supportVariable} == "EXTENDED" || !contains(${ending}, var.${versionVariable})`,
    message: `${versionVariable} ${VERSIONS_NEEDING_EXTENDED_SUPPORT.join(", ")} leaves EKS standard support within ${STANDARD_SUPPORT_NOTICE_DAYS} days; with ${supportVariable} = "STANDARD" EKS upgrades the cluster by itself. Choose a newer version, or set ${supportVariable} = "EXTENDED" (billed at a higher hourly rate).`,
  };
}

/**
 * What destroying the add-ons module does with the cluster's PersistentVolumeClaims: `retain` leaves them and
 * their EBS volumes (the data survives the cluster, and is billed until deleted); `delete` deletes the claims
 * (and the pods holding them) so that volumes whose reclaim policy is Delete are deleted by the EBS CSI driver.
 */
export const DESTROY_CLEANUP_VOLUME_POLICIES = ["retain", "delete"] as const;

/** A string variable that must be one of `values`. */
export function oneOfRule(variable: string, values: readonly string[]): VariableRule {
  return {
    condition: `contains(${JSON.stringify(values)}, var.${variable})`,
    message: `${variable} must be one of ${values.join(", ")}.`,
  };
}
