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
