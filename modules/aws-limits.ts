/**
 * Rules AWS enforces that Terraform's provider schema does not know, snapshotted with their sources.
 * Each is checked before apply: in the settings schema, in variable validations, or as a precondition.
 */

/**
 * Availability zone IDs where EKS does not place control-plane network interfaces: a cluster whose
 * subnets sit there fails with UnsupportedAvailabilityZoneException. Source: Amazon EKS user guide,
 * "VPC and subnet requirements" (network-reqs.html, "Subnet requirements for clusters"), 2026.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"] as const;

/**
 * Name length limits of the AWS resources whose names the modules build. Sources: IAM User Guide,
 * "IAM and AWS STS quotas" (role name 64, policy name 128); EC2 API reference, CreateLaunchTemplate
 * (LaunchTemplateName 3–128) and CreatePlacementGroup (GroupName 255); CreateSecurityGroup (GroupName
 * 255); EKS API reference, CreateNodegroup (nodegroupName 1–63) and CreateFargateProfile
 * (fargateProfileName 1–100); CloudWatch Logs CreateLogGroup (logGroupName 1–512); KMS CreateAlias
 * (AliasName 1–256); SQS CreateQueue (QueueName up to 80); EventBridge PutRule (Name 1–64); IAM API reference,
 * CreateInstanceProfile (InstanceProfileName 1–128).
 */
export const NAME_LIMITS = {
  iamRole: 64,
  iamPolicy: 128,
  launchTemplate: 128,
  instanceProfile: 128,
  placementGroup: 255,
  securityGroup: 255,
  eksNodeGroup: 63,
  fargateProfile: 100,
  logGroup: 512,
  kmsAlias: 256,
  sqsQueue: 80,
  eventRule: 64,
} as const;
export type NamedResource = keyof typeof NAME_LIMITS;

/** `terraform-20230612143512345600000001`: Terraform's name_prefix appends a 26-character unique suffix. */
export const NAME_PREFIX_SUFFIX_LENGTH = 26;
