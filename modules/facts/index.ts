/**
 * What AWS's own API models say, as snapshotted by `npm run facts` (scripts/snapshot-aws-facts.ts)
 * from the botocore version pinned in ../catalog.ts. Read-only data: nothing is fetched at synth time.
 */
import ec2InstanceTypes from "./ec2-instance-types.json";
import eks from "./eks.json";
import tags from "./tags.json";

export interface FactsSource {
  readonly package: string;
  readonly version: string;
  readonly files: readonly string[];
  readonly snapshotted: string;
}

export const factsSources: Readonly<Record<"ec2InstanceTypes" | "eks" | "tags", FactsSource>> = {
  ec2InstanceTypes: ec2InstanceTypes.source,
  eks: eks.source,
  tags: tags.source,
};

/** EC2 instance families (`m6i`) and the sizes each offers (`large`, `metal-48xl`), from the EC2 model's InstanceType enum. */
export const EC2_INSTANCE_FAMILIES: Readonly<Record<string, readonly string[]>> = ec2InstanceTypes.families;
export const EC2_INSTANCE_TYPE_COUNT: number = ec2InstanceTypes.count;

/** Enums of the EKS API model. */
export const EKS_ENUMS: Readonly<Record<keyof typeof eks.enums, readonly string[]>> = eks.enums;

export interface StringLimits {
  readonly min: number;
  readonly max: number;
  readonly pattern?: string;
}

/** Length limits of the EKS model for managed node group labels and taints. */
export const EKS_LIMITS: Readonly<Record<keyof typeof eks.limits, StringLimits>> = eks.limits;

export interface ServiceTagLimits {
  readonly key: StringLimits;
  readonly value: StringLimits;
  readonly maxTags: number | null;
}

/** Tag limits per service whose resources the modules tag (EKS, IAM, CloudWatch Logs, KMS). */
export const TAG_LIMITS_BY_SERVICE: Readonly<Record<string, ServiceTagLimits>> = tags.services;
