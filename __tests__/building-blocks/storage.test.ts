import { EfsCsiDriver, efsFileSystemPolicy } from "../../modules/addons/efs-csi-driver";
import { fsxCsiDriverPolicy } from "../../modules/addons/fsx-csi-driver-iam-policy";
import { allStrings, Json, managedPoliciesOf, settingsErrorFor, synthesize, SynthesizedModule } from "../helpers";
import { addonsSide, clusterSide, emitted, minimalStack } from "./fixture";

const EFS_ON = { addons: { efsCsiDriver: { enabled: true } } };
const FSX_ON = { addons: { fsxCsiDriver: { enabled: true } } };

function eksAddon(module: SynthesizedModule, row: string): Json {
  return module.resource("aws_eks_addon", row);
}

function addressesOf(module: SynthesizedModule, types: string[]): string[] {
  return types.flatMap((t) => Object.keys(module.resources(t)).map((n) => `${t}.${n}`)).sort();
}

describe("storage add-ons are opt-in", () => {
  test.each(["baseline", "spot-cost-optimized", "gpu", "fargate-only"])("%s: no EFS or FSx resources by default", (name) => {
    const { cluster, addons } = synthesize(name);
    const types = Object.keys(cluster.merged.resource).filter((t) => t.startsWith("aws_efs") || t.startsWith("aws_fsx"));
    expect(types).toEqual([]);
    expect(Object.keys(cluster.resources("aws_eks_addon"))).not.toEqual(expect.arrayContaining(["aws_efs_csi_driver"]));
    expect(Object.keys(cluster.resources("aws_eks_addon"))).not.toContain("aws_fsx_csi_driver");
    expect(Object.keys(addons.resources("kubernetes_storage_class_v1")).filter((c) => c !== "gp3")).toEqual([]);
  });
});

describe("EFS CSI driver", () => {
  const { cluster, addons } = synthesize("baseline", EFS_ON);

  test("EKS managed add-on at the catalog's version, Pod Identity for the controller, after its policy and the nodes", () => {
    const addon = eksAddon(cluster, "aws_efs_csi_driver");
    expect(addon.addon_name).toBe("aws-efs-csi-driver");
    expect(addon.addon_version).toBe("v3.4.0-eksbuild.1");
    expect(addon.pod_identity_association).toEqual([{ role_arn: "${aws_iam_role.efs_csi_driver.arn}", service_account: "efs-csi-controller-sa" }]);
    expect(addon.depends_on).toEqual(["aws_iam_role_policy_attachment.efs_csi_driver", "aws_eks_node_group.this"]);
    expect(managedPoliciesOf(cluster, "efs_csi_driver")).toEqual(["service-role/AmazonEFSCSIDriverPolicy"]);
    const trust = cluster.resource("aws_iam_role", "efs_csi_driver").assume_role_policy as string;
    expect(trust).toContain('"Service" = "pods.eks.amazonaws.com"');
    expect(trust).toContain('"aws:SourceArn" = aws_eks_cluster.this.arn');
  });

  test("the file system is encrypted (AWS managed key), elastic, with lifecycle and backups", () => {
    const fs = cluster.resource("aws_efs_file_system", "this");
    expect(fs.encrypted).toBe(true);
    expect(fs.kms_key_id).toBeUndefined();
    expect(fs.throughput_mode).toBe("elastic");
    expect(fs.lifecycle_policy).toEqual([{ transition_to_ia: "AFTER_30_DAYS" }, { transition_to_primary_storage_class: "AFTER_1_ACCESS" }]);
    expect(cluster.resource("aws_efs_backup_policy", "this").backup_policy).toEqual({ status: "ENABLED" });
  });

  test("one mount target per private subnet, behind a group that admits NFS from the cluster security group only", () => {
    expect(cluster.local("efs_mount_target_subnet_ids")).toBe("${aws_subnet.private[*].id}");
    const target = cluster.resource("aws_efs_mount_target", "this");
    expect(target.count).toBe("${length(local.efs_mount_target_subnet_ids)}");
    expect(target.subnet_id).toBe("${local.efs_mount_target_subnet_ids[count.index]}");
    expect(target.security_groups).toEqual(["${aws_security_group.efs.id}"]);
    const rules = Object.values(cluster.resources("aws_vpc_security_group_ingress_rule")).filter((r) => r.security_group_id === "${aws_security_group.efs.id}");
    expect(rules).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 2049,
        to_port: 2049,
        referenced_security_group_id: "${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}",
      }),
    ]);
    expect(rules[0].cidr_ipv4).toBeUndefined();
    const egress = Object.values(cluster.resources("aws_vpc_security_group_egress_rule")).filter((r) => r.security_group_id === "${aws_security_group.efs.id}");
    expect(egress).toEqual([]);
    expect(cluster.resource("aws_security_group", "efs").egress).toBeUndefined();
  });

  test("the file system policy allows mounts through mount targets only, without root, and refuses clients without TLS", () => {
    const policy = efsFileSystemPolicy("FS", true);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        Condition: { Bool: { "elasticfilesystem:AccessedViaMountTarget": "true" } },
      }),
      expect.objectContaining({ Effect: "Deny", Action: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    ]);
    expect(allStrings(policy)).not.toContain("elasticfilesystem:ClientRootAccess");
    expect(efsFileSystemPolicy("FS", false).Statement.map((s) => s.Effect)).toEqual(["Allow"]);
    expect(cluster.resource("aws_efs_file_system_policy", "this").policy).toContain('"aws:SecureTransport" = "false"');
  });

  test("the file system id is handed to the add-ons module, whose efs StorageClass provisions access points in it", () => {
    expect(cluster.output("efs_file_system_id").value).toBe("${aws_efs_file_system.this.id}");
    expect(addons.variable("efs_file_system_id").type).toBe("string");
    expect(addons.resource("kubernetes_storage_class_v1", "efs")).toEqual({
      metadata: { name: "efs" },
      storage_provisioner: "efs.csi.aws.com",
      reclaim_policy: "Delete",
      volume_binding_mode: "Immediate",
      parameters: { provisioningMode: "efs-ap", fileSystemId: "${var.efs_file_system_id}", directoryPerms: "700", basePath: "/dynamic" },
    });
  });

  test("settings: lifecycle NONE drops the policy, backups off disables them, no file system means no StorageClass", () => {
    const custom = synthesize("baseline", { addons: { efsCsiDriver: { enabled: true, transitionToInfrequentAccess: "NONE", backups: false } } }).cluster;
    expect(custom.resource("aws_efs_file_system", "this").lifecycle_policy).toBeUndefined();
    expect(custom.resource("aws_efs_backup_policy", "this").backup_policy).toEqual({ status: "DISABLED" });
    const driverOnly = synthesize("baseline", { addons: { efsCsiDriver: { enabled: true, createFileSystem: false } } });
    expect(driverOnly.cluster.resources("aws_efs_file_system")).toEqual({});
    expect(eksAddon(driverOnly.cluster, "aws_efs_csi_driver").addon_name).toBe("aws-efs-csi-driver");
    expect(Object.keys(driverOnly.addons.resources("kubernetes_storage_class_v1"))).toEqual(["gp3"]);
    expect(() => driverOnly.addons.variable("efs_file_system_id")).toThrow();
  });

  test("invalid settings name the field", () => {
    expect(settingsErrorFor("baseline", { addons: { efsCsiDriver: { enabled: true, transitionToInfrequentAccess: "AFTER_2_DAYS" } } })).toContain(
      "addons.efsCsiDriver.transitionToInfrequentAccess",
    );
  });

  test("fargate-only: the file system and a static-provisioning StorageClass, no driver add-on and no role", () => {
    const { cluster: fc, addons: fa } = synthesize("fargate-only", EFS_ON);
    expect(fc.resources("aws_eks_addon").aws_efs_csi_driver).toBeUndefined();
    expect(fc.resources("aws_iam_role").efs_csi_driver).toBeUndefined();
    expect(fc.resource("aws_efs_file_system", "this").encrypted).toBe(true);
    const sc = fa.resource("kubernetes_storage_class_v1", "efs");
    expect(sc.storage_provisioner).toBe("efs.csi.aws.com");
    expect(sc.parameters).toBeUndefined();
  });

  test("building block: on a minimal stack, the cluster side hands off exactly the file system id", () => {
    const stack = minimalStack();
    const side = clusterSide();
    new EfsCsiDriver().buildCluster(stack, side, { enabled: true, createFileSystem: true, backups: true, transitionToInfrequentAccess: "AFTER_7_DAYS", enforceTls: true });
    expect([...side.handoffs.keys()].map((h) => h.name)).toEqual(["efs_file_system_id"]);
    const m = emitted(stack);
    expect(m.local("efs_mount_target_subnet_ids")).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    expect(m.resource("aws_security_group", "efs").vpc_id).toBe("vpc-0123");
    expect(m.resource("aws_vpc_security_group_ingress_rule", "efs_nfs").referenced_security_group_id).toBe("sg-cluster");
    const addonsStack = minimalStack("addons");
    const built = new EfsCsiDriver().buildAddons(addonsStack, addonsSide(addonsStack, undefined, side.handoffs), {
      enabled: true,
      createFileSystem: true,
      backups: true,
      transitionToInfrequentAccess: "AFTER_7_DAYS",
      enforceTls: true,
    });
    expect(built).toHaveLength(1);
    expect(emitted(addonsStack).resource("kubernetes_storage_class_v1", "efs").parameters.fileSystemId).toBe("${aws_efs_file_system.this.id}");
  });
});

describe("FSx for Lustre CSI driver", () => {
  const { cluster, addons } = synthesize("gpu", FSX_ON);

  test("EKS managed add-on with a Pod Identity role holding upstream's policy, not AmazonFSxFullAccess", () => {
    const addon = eksAddon(cluster, "aws_fsx_csi_driver");
    expect(addon.addon_version).toBe("v1.9.0-eksbuild.1");
    expect(addon.pod_identity_association).toEqual([{ role_arn: "${aws_iam_role.fsx_csi_driver.arn}", service_account: "fsx-csi-controller-sa" }]);
    expect(addon.depends_on).toEqual(expect.arrayContaining(["aws_iam_role_policy_attachment.fsx_csi_driver"]));
    expect(allStrings(cluster.merged)).not.toContain("AmazonFSxFullAccess");
    const policy = cluster.local("fsx_csi_driver_policy");
    expect(policy).toEqual(fsxCsiDriverPolicy("${data.aws_partition.current.partition}"));
    expect(policy.Statement[2].Action).toEqual([
      "s3:ListBucket",
      "fsx:CreateFileSystem",
      "fsx:DeleteFileSystem",
      "fsx:DescribeFileSystems",
      "fsx:TagResource",
      "fsx:UpdateFileSystem",
    ]);
    // The role's only attachment is that policy.
    expect(cluster.resource("aws_iam_role_policy_attachment", "fsx_csi_driver")).toEqual({
      role: "${aws_iam_role.fsx_csi_driver.name}",
      policy_arn: "${aws_iam_policy.fsx_csi_driver.arn}",
    });
  });

  test("the file systems' group admits Lustre ports only, from itself and the cluster group, and the cluster group admits them back", () => {
    const sg = "${aws_security_group.fsx_lustre.id}";
    const clusterSg = "${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}";
    const ingress = Object.values(cluster.resources("aws_vpc_security_group_ingress_rule")).filter((r) => r.security_group_id === sg);
    const ranges = (rules: Json[]) => rules.map((r) => `${r.from_port}-${r.to_port}<${r.referenced_security_group_id}`).sort();
    expect(ranges(ingress)).toEqual([`1018-1023<${clusterSg}`, `1018-1023<${sg}`, `988-988<${clusterSg}`, `988-988<${sg}`].sort());
    const egress = Object.values(cluster.resources("aws_vpc_security_group_egress_rule")).filter((r) => r.security_group_id === sg);
    expect(ranges(egress)).toEqual(ranges(ingress));
    const back = Object.values(cluster.resources("aws_vpc_security_group_ingress_rule")).filter((r) => r.security_group_id === clusterSg);
    expect(ranges(back)).toEqual([`1018-1023<${sg}`, `988-988<${sg}`]);
    for (const rule of [...ingress, ...egress, ...back]) expect(rule.ip_protocol).toBe("tcp");
  });

  test("the fsx-lustre StorageClass creates SCRATCH_2 file systems in the first private subnet with that group", () => {
    expect(cluster.output("fsx_subnet_id").value).toBe("${local.fsx_private_subnet_ids[0]}");
    expect(cluster.output("fsx_security_group_id").value).toBe("${aws_security_group.fsx_lustre.id}");
    expect(addons.resource("kubernetes_storage_class_v1", "fsx_lustre").parameters).toEqual({
      subnetId: "${var.fsx_subnet_id}",
      securityGroupIds: "${var.fsx_security_group_id}",
      deploymentType: "SCRATCH_2",
      fileSystemTypeVersion: "2.15",
    });
    const persistent = synthesize("baseline", { addons: { fsxCsiDriver: { enabled: true, deploymentType: "PERSISTENT_2" } } }).addons;
    expect(persistent.resource("kubernetes_storage_class_v1", "fsx_lustre").parameters).toMatchObject({ deploymentType: "PERSISTENT_2", perUnitStorageThroughput: "125" });
  });

  test("fargate-only refuses it with the reason", () => {
    expect(settingsErrorFor("fargate-only", FSX_ON)).toContain("not supported on Fargate");
  });

  test("resource addresses (public API) with both storage add-ons on", () => {
    const both = synthesize("baseline", { addons: { efsCsiDriver: { enabled: true }, fsxCsiDriver: { enabled: true } } }).cluster;
    expect(addressesOf(both, ["aws_efs_file_system", "aws_efs_file_system_policy", "aws_efs_backup_policy", "aws_efs_mount_target", "aws_security_group", "aws_iam_policy"])).toEqual([
      "aws_efs_backup_policy.this",
      "aws_efs_file_system.this",
      "aws_efs_file_system_policy.this",
      "aws_efs_mount_target.this",
      "aws_iam_policy.aws_load_balancer_controller",
      "aws_iam_policy.cluster_autoscaler",
      "aws_iam_policy.fsx_csi_driver",
      "aws_security_group.efs",
      "aws_security_group.fsx_lustre",
    ]);
  });
});
