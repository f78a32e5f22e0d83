import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformCount, TerraformLocal, TerraformOutput, Token } from "cdktf";
import { EfsBackupPolicy } from "@cdktf/provider-aws/lib/efs-backup-policy";
import { EfsFileSystem } from "@cdktf/provider-aws/lib/efs-file-system";
import { EfsFileSystemPolicy } from "@cdktf/provider-aws/lib/efs-file-system-policy";
import { EfsMountTarget } from "@cdktf/provider-aws/lib/efs-mount-target";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { EksManagedAddon } from "../eks-addons";
import { IamPolicyDocument } from "../iam-policy-document";
import { derivedName } from "../names";
import { ofType, withName } from "../terraform";
import { AddonsSide, BlueprintFacts, ClusterSide, Handoff } from "./contract";

/** The file system the cluster module creates, for the add-ons module's `efs` StorageClass. */
export const EFS_FILE_SYSTEM_ID = new Handoff("efs_file_system_id", "ID of the cluster's encrypted EFS file system (the `efs` StorageClass provisions access points in it).");

/** EFS lifecycle transitions to Infrequent Access (EFS API values), or NONE to keep everything in Standard. */
export const EFS_IA_TRANSITIONS = ["NONE", "AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS"] as const;

const NFS_PORT = 2049;

const settings = z
  .strictObject({
    /** Default false: opt-in. EFS is for ReadWriteMany volumes; the default gp3 StorageClass covers ReadWriteOnce. */
    enabled: z.boolean().default(false),
    /**
     * Default true: an encrypted file system with a mount target per private subnet and the `efs` StorageClass.
     * False installs only the driver, for file systems you create yourself.
     */
    createFileSystem: z.boolean().default(true),
    /** Default true: daily AWS Backup of the file system (EFS automatic backups, 35-day retention, billed per GB). */
    backups: z.boolean().default(true),
    /** Default AFTER_30_DAYS: files unread for 30 days move to Infrequent Access (about a twelfth of the Standard price), and back on first access. */
    transitionToInfrequentAccess: z.enum(EFS_IA_TRANSITIONS).default("AFTER_30_DAYS"),
    /** Default true: the file system policy refuses clients that do not mount with TLS (the driver mounts with TLS by default). */
    enforceTls: z.boolean().default(true),
  })
  .prefault({});
export type EfsCsiDriverSettings = z.output<typeof settings>;

/**
 * The file system policy: mounts only through a mount target (the VPC), never root, and, with `enforceTls`, never
 * without TLS. Access points (one per dynamically provisioned volume) give each volume its own POSIX identity, so
 * clients do not need root on the file system. Source: Amazon EFS User Guide, "Using IAM to control file system
 * data access" (condition keys elasticfilesystem:AccessedViaMountTarget and aws:SecureTransport).
 */
export function efsFileSystemPolicy(fileSystemArn: string, enforceTls: boolean): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "MountThroughMountTargets",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Resource: fileSystemArn,
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
      },
      ...(enforceTls
        ? [
            {
              Sid: "DenyWithoutTls",
              Effect: "Deny" as const,
              Principal: { AWS: "*" },
              Action: "*",
              Resource: fileSystemArn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ]
        : []),
    ],
  };
}

/**
 * The Amazon EFS CSI driver (ReadWriteMany volumes).
 * Cluster module: the `aws-efs-csi-driver` EKS managed add-on with a Pod Identity role (AmazonEFSCSIDriverPolicy),
 * and, by default, an EFS file system encrypted with the AWS managed key aws/elasticfilesystem, one mount target
 * per private subnet, a security group open on NFS (2049) to the cluster security group only, automatic backups
 * and a lifecycle policy.
 * Add-ons module: the `efs` StorageClass (dynamic provisioning: one access point per volume).
 * On Fargate the driver is built in (and supports static provisioning only), so the add-on is not installed:
 * the file system is created, and `efs` names the class of statically created PersistentVolumes.
 */
export class EfsCsiDriver extends EksManagedAddon<"aws_efs_csi_driver", EfsCsiDriverSettings, "efsCsiDriver"> {
  readonly settings = settings;

  constructor() {
    super("aws_efs_csi_driver", "efsCsiDriver");
  }

  isEnabled(s: EfsCsiDriverSettings): boolean {
    return s.enabled;
  }

  buildCluster(scope: Construct, side: ClusterSide, s: EfsCsiDriverSettings): ITerraformDependable[] {
    // Fargate runs its own EFS client; the add-on's node DaemonSet never schedules there.
    const driver = side.compute === "nodes" ? super.buildCluster(scope, side, s) : [];
    if (s.createFileSystem) new EfsFileSystemResources(scope, side, s);
    return driver;
  }

  buildAddons(scope: Construct, side: AddonsSide, s: EfsCsiDriverSettings): ITerraformDependable[] {
    if (!s.createFileSystem) return [];
    const holder = new Construct(scope, "efs_storage");
    setModuleFile(holder, "storage");
    const storageClass = new StorageClassV1(holder, "efs", efsStorageClass(side, side.input(EFS_FILE_SYSTEM_ID)));
    new TerraformOutput(holder, "efs_storage_class_name", {
      description:
        side.compute === "fargate"
          ? "StorageClass name for statically provisioned EFS PersistentVolumes (Fargate supports static provisioning only)."
          : "StorageClass name for EFS volumes (ReadWriteMany; one access point per volume).",
      value: storageClass.metadata.name,
    });
    return [storageClass];
  }
}

/**
 * The `efs` StorageClass. On nodes: dynamic provisioning through access points (`efs-ap`) under /dynamic, each
 * volume's directory created with mode 700 for the access point's own uid/gid (upstream docs/parameters.md,
 * kubernetes-sigs/aws-efs-csi-driver). On Fargate: no provisioning parameters; PersistentVolumes written by hand
 * (volumeHandle: the file system id, or `<fs-id>::<access-point-id>`) bind to claims that name this class.
 */
export function efsStorageClass(facts: BlueprintFacts, fileSystemId: string): ConstructorParameters<typeof StorageClassV1>[2] {
  return {
    metadata: { name: "efs" },
    storageProvisioner: "efs.csi.aws.com",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
    parameters:
      facts.compute === "nodes" ? { provisioningMode: "efs-ap", fileSystemId, directoryPerms: "700", basePath: "/dynamic" } : undefined,
  };
}

/** The file system, its policy, backups, security group and mount targets (cluster module, file `efs`). */
class EfsFileSystemResources extends Construct {
  constructor(scope: Construct, side: ClusterSide, s: EfsCsiDriverSettings) {
    super(scope, "efs");
    setModuleFile(this, "efs");
    const { identity } = side;
    const name = derivedName(identity.namePrefix, "-efs", "securityGroup");

    // The AWS managed key: EFS itself uses it, so neither nodes, the driver nor Fargate need KMS permissions.
    const fileSystem = new EfsFileSystem(ofType(this, "file_system"), "this", {
      encrypted: true,
      performanceMode: "generalPurpose",
      // Elastic: pay for the throughput used, no burst credits to run out of.
      throughputMode: "elastic",
      lifecyclePolicy:
        s.transitionToInfrequentAccess === "NONE"
          ? undefined
          : [{ transitionToIa: s.transitionToInfrequentAccess }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
      tags: withName(identity.tags, `${identity.clusterName}-efs`),
    });
    new EfsFileSystemPolicy(ofType(this, "file_system_policy"), "this", {
      fileSystemId: fileSystem.id,
      policy: Fn.jsonencode(efsFileSystemPolicy(fileSystem.arn, s.enforceTls)),
    });
    new EfsBackupPolicy(ofType(this, "backup_policy"), "this", {
      fileSystemId: fileSystem.id,
      backupPolicy: { status: s.backups ? "ENABLED" : "DISABLED" },
    });

    // No egress rules: mount targets only answer. Managed nodes and Fargate pods carry the cluster security group.
    const securityGroup = new SecurityGroup(ofType(this, "security_group"), "efs", {
      name,
      description: "EFS mount targets: NFS from the cluster security group only.",
      vpcId: side.network.vpcId,
      tags: withName(identity.tags, name),
    });
    new VpcSecurityGroupIngressRule(ofType(this, "ingress"), "efs_nfs", {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: side.clusterSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: "NFS from the cluster security group",
      tags: identity.tags,
    });

    // One per private subnet: EFS allows one mount target per zone, and the private subnets are one per zone.
    const subnets = new TerraformLocal(this, "efs_mount_target_subnet_ids", side.network.privateSubnetIds);
    new EfsMountTarget(ofType(this, "mount_target"), "this", {
      count: TerraformCount.of(Token.asNumber(`\${length(local.${subnets.friendlyUniqueId})}`)),
      fileSystemId: fileSystem.id,
      subnetId: `\${local.${subnets.friendlyUniqueId}[count.index]}`,
      securityGroups: [securityGroup.id],
    });

    side.handOff(EFS_FILE_SYSTEM_ID, fileSystem.id);
    new TerraformOutput(this, "efs_file_system_arn", { value: fileSystem.arn, description: "ARN of the cluster's EFS file system." });
  }
}
