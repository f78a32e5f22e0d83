import { Construct } from "constructs";
import { ITerraformDependable, TerraformLocal, TerraformOutput } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { z } from "zod";
import { setModuleFile } from "../blueprint-stack";
import { EksManagedAddon } from "../eks-addons";
import { derivedName } from "../names";
import { ofType, withName } from "../terraform";
import { AddonsSide, ClusterSide, Handoff } from "./contract";

export const FSX_SECURITY_GROUP_ID = new Handoff("fsx_security_group_id", "ID of the security group of FSx for Lustre file systems the `fsx-lustre` StorageClass creates.");
export const FSX_SUBNET_ID = new Handoff("fsx_subnet_id", "ID of the private subnet FSx for Lustre file systems of the `fsx-lustre` StorageClass are created in.");

/** Lustre traffic (LNET 988, and 1018–1023): FSx for Lustre User Guide, "File system access control with Amazon VPC". */
export const LUSTRE_PORT_RANGES = [
  [988, 988],
  [1018, 1023],
] as const;

/** Deployment types a dynamically provisioned file system can have (FSx API, LustreDeploymentType). */
export const FSX_DEPLOYMENT_TYPES = ["SCRATCH_2", "PERSISTENT_2"] as const;

const settings = z
  .strictObject({
    /**
     * Default false: opt-in everywhere, gpu included. The driver itself costs nothing, but every claim on its
     * StorageClass creates a file system of at least 1.2 TiB billed by the hour (SCRATCH_2 about $170 a month,
     * us-east-1) that most GPU workloads do not need: model weights and checkpoints fit EBS, EFS or S3.
     */
    enabled: z.boolean().default(false),
    /**
     * Default SCRATCH_2: the cheapest, for training data copied in and thrown away (no replication, no backups).
     * PERSISTENT_2 keeps data replicated within its zone, at 125 MB/s per TiB.
     */
    deploymentType: z.enum(FSX_DEPLOYMENT_TYPES).default("SCRATCH_2"),
  })
  .prefault({});
export type FsxCsiDriverSettings = z.output<typeof settings>;

/**
 * The Amazon FSx for Lustre CSI driver (high-throughput scratch and training storage; EC2 nodes only, it is not
 * supported on Fargate).
 * Cluster module: the `aws-fsx-csi-driver` EKS managed add-on with a Pod Identity role holding upstream's
 * least-privilege policy, and a security group for the file systems: Lustre ports from and to the cluster
 * security group and itself.
 * Add-ons module: the `fsx-lustre` StorageClass: each claim creates a file system in the first private subnet.
 */
export class FsxCsiDriver extends EksManagedAddon<"aws_fsx_csi_driver", FsxCsiDriverSettings, "fsxCsiDriver"> {
  readonly settings = settings;

  constructor() {
    super("aws_fsx_csi_driver", "fsxCsiDriver");
  }

  isEnabled(s: FsxCsiDriverSettings): boolean {
    return s.enabled;
  }

  buildCluster(scope: Construct, side: ClusterSide, s: FsxCsiDriverSettings): ITerraformDependable[] {
    const driver = super.buildCluster(scope, side, s);
    new FsxSecurityGroup(scope, side);
    return driver;
  }

  buildAddons(scope: Construct, side: AddonsSide, s: FsxCsiDriverSettings): ITerraformDependable[] {
    const holder = new Construct(scope, "fsx_storage");
    setModuleFile(holder, "storage");
    const storageClass = new StorageClassV1(holder, "fsx_lustre", fsxStorageClass(side.input(FSX_SUBNET_ID), side.input(FSX_SECURITY_GROUP_ID), s));
    new TerraformOutput(holder, "fsx_storage_class_name", {
      description: "StorageClass name for FSx for Lustre volumes (each claim creates a file system of at least 1200 GiB).",
      value: storageClass.metadata.name,
    });
    return [storageClass];
  }
}

/** StorageClass parameters: kubernetes-sigs/aws-fsx-csi-driver examples/kubernetes/dynamic_provisioning at v1.9.0. */
export function fsxStorageClass(subnetId: string, securityGroupId: string, s: FsxCsiDriverSettings): ConstructorParameters<typeof StorageClassV1>[2] {
  return {
    metadata: { name: "fsx-lustre" },
    storageProvisioner: "fsx.csi.aws.com",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
    parameters: {
      subnetId,
      securityGroupIds: securityGroupId,
      deploymentType: s.deploymentType,
      fileSystemTypeVersion: "2.15",
      ...(s.deploymentType === "PERSISTENT_2" ? { perUnitStorageThroughput: "125" } : {}),
    },
    mountOptions: ["flock"],
  };
}

/** Lustre clients (nodes carry the cluster security group) and the file system's own servers talk both ways. */
class FsxSecurityGroup extends Construct {
  constructor(scope: Construct, side: ClusterSide) {
    super(scope, "fsx");
    setModuleFile(this, "fsx");
    const { identity } = side;
    const name = derivedName(identity.namePrefix, "-fsx-lustre", "securityGroup");
    const group = new SecurityGroup(ofType(this, "security_group"), "fsx_lustre", {
      name,
      description: "FSx for Lustre file systems: Lustre traffic with the cluster security group and among themselves.",
      vpcId: side.network.vpcId,
      tags: withName(identity.tags, name),
    });
    const peers = [
      ["self", group.id],
      ["cluster", side.clusterSecurityGroupId],
    ] as const;
    for (const [from, to] of LUSTRE_PORT_RANGES) {
      for (const [peer, peerId] of peers) {
        const common = {
          securityGroupId: group.id,
          referencedSecurityGroupId: peerId,
          ipProtocol: "tcp",
          fromPort: from,
          toPort: to,
          tags: identity.tags,
        };
        new VpcSecurityGroupIngressRule(ofType(this, "ingress"), `fsx_lustre_${from}_${peer}`, { ...common, description: `Lustre ${from}-${to} from ${peer}` });
        new VpcSecurityGroupEgressRule(ofType(this, "egress"), `fsx_lustre_${from}_${peer}`, { ...common, description: `Lustre ${from}-${to} to ${peer}` });
      }
      // The cluster security group's default rules admit only itself: let the file servers reach their clients.
      new VpcSecurityGroupIngressRule(ofType(this, "ingress"), `cluster_lustre_${from}`, {
        securityGroupId: side.clusterSecurityGroupId,
        referencedSecurityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: from,
        toPort: to,
        description: `Lustre ${from}-${to} from FSx for Lustre file systems`,
        tags: identity.tags,
      });
    }
    side.handOff(FSX_SECURITY_GROUP_ID, group.id);
    // A Lustre file system lives in one subnet (FSx API, CreateFileSystem SubnetIds): the first private one.
    const subnets = new TerraformLocal(this, "fsx_private_subnet_ids", side.network.privateSubnetIds);
    side.handOff(FSX_SUBNET_ID, `\${local.${subnets.friendlyUniqueId}[0]}`);
  }
}
