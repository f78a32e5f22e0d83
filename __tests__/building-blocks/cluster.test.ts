import { Cluster, ClusterProps, CONTROL_PLANE_LOG_TYPES } from "../../modules/cluster";
import { kubernetesReleases, kubernetesVersions } from "../../modules/catalog";
import { VERSIONS_NEEDING_EXTENDED_SUPPORT } from "../../modules/rules";
import { Json } from "../helpers";
import { minimalStack } from "./fixture";
import { expectAccepted, expectRejected, jsonencoded, withProbes, withTerraform } from "./hcl";

const PROPS: ClusterProps = {
  clusterName: "demo",
  namePrefix: "demo",
  accountId: "123456789012",
  region: "us-east-1",
  callerArn: "arn:aws:sts::123456789012:assumed-role/ci/session",
  tags: { team: "x" },
  partition: "aws",
  network: {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
    publicSubnetIds: [],
    controlPlaneSubnetIds: ["subnet-0000000c", "subnet-0000000d"],
  },
  kubernetesVersion: "1.35",
  supportType: "STANDARD",
  endpointPublicAccess: true,
  endpointPublicAccessCidrs: ["203.0.113.0/24"],
  adminPrincipalArns: ["arn:aws:iam::123456789012:role/admin"],
  clusterCreatorAdmin: true,
  logRetentionDays: 90,
  ipFamily: "ipv4",
  podSecurityGroups: false,
};

function build(props: Partial<ClusterProps> = {}) {
  const stack = minimalStack();
  const cluster = new Cluster(stack, "control_plane", { ...PROPS, ...props });
  const { module, probe } = withProbes(stack, { issuer: cluster.oidcIssuer, version: cluster.kubernetesVersion });
  return { cluster, module, probe, eks: module.resource("aws_eks_cluster", "this") };
}

describe("Cluster", () => {
  const { module, probe, eks } = build();

  test("the props are the variables' defaults", () => {
    const defaults = Object.fromEntries(Object.entries(module.merged.variable).map(([name, v]) => [name, (v as { default: unknown }).default]));
    expect(defaults).toEqual({
      kubernetes_version: "1.35",
      support_type: "STANDARD",
      endpoint_public_access: true,
      endpoint_public_access_cidrs: ["203.0.113.0/24"],
      admin_principal_arns: ["arn:aws:iam::123456789012:role/admin"],
      cluster_creator_admin: true,
      control_plane_log_retention_days: 90,
    });
    expect(probe.version).toBe("${var.kubernetes_version}");
  });

  test("authentication by access entries only; self-managed add-ons not bootstrapped; all five log types", () => {
    expect(eks.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    expect(eks.bootstrap_self_managed_addons).toBe(false);
    expect(eks.enabled_cluster_log_types).toEqual([...CONTROL_PLANE_LOG_TYPES]);
    expect(eks).toMatchObject({ name: "demo", version: "${var.kubernetes_version}", role_arn: "${aws_iam_role.cluster.arn}", tags: { team: "x" } });
    expect(eks.upgrade_policy).toEqual({ support_type: "${var.support_type}" });
  });

  test("endpoint: private always; public only when asked for, and then only from the listed CIDRs", () => {
    expect(eks.vpc_config).toEqual({
      subnet_ids: ["subnet-0000000c", "subnet-0000000d"],
      endpoint_private_access: true,
      endpoint_public_access: "${var.endpoint_public_access}",
      public_access_cidrs: "${var.endpoint_public_access ? var.endpoint_public_access_cidrs : null}",
    });
  });

  test("secrets are envelope-encrypted with a rotating key whose policy delegates to the account's IAM", () => {
    expect(eks.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: "${aws_kms_key.cluster.arn}" } });
    const key = module.resource("aws_kms_key", "cluster");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(jsonencoded(key.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }],
    });
    expect(module.resource("aws_kms_alias", "cluster")).toEqual({ name: "alias/eks/demo", target_key_id: "${aws_kms_key.cluster.key_id}" });
    const encryption = module.resource("aws_iam_role_policy", "cluster_encryption");
    expect(encryption.role).toBe("${aws_iam_role.cluster.id}");
    expect(jsonencoded(encryption.policy).Statement).toEqual([
      { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: "${aws_kms_key.cluster.arn}" },
    ]);
  });

  test("the cluster role: EKS only, the cluster policy, its old attachment address moved", () => {
    const role = module.resource("aws_iam_role", "cluster");
    expect(role.name).toBe("demo-cluster");
    expect(jsonencoded(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    expect(module.resource("aws_iam_role_policy_attachment", "cluster").for_each).toEqual({ AmazonEKSClusterPolicy: "AmazonEKSClusterPolicy" });
    expect(module.files.get("migrations.tf.json")).toEqual({
      moved: [{ from: "aws_iam_role_policy_attachment.cluster_eks", to: 'aws_iam_role_policy_attachment.cluster["AmazonEKSClusterPolicy"]' }],
    });
  });

  test("the log group exists (encrypted, with retention) before the cluster, as do the role's policies", () => {
    expect(module.resource("aws_cloudwatch_log_group", "cluster")).toEqual({
      name: "/aws/eks/demo/cluster",
      retention_in_days: "${var.control_plane_log_retention_days}",
      kms_key_id: "${aws_kms_key.cluster_logs.arn}",
      tags: { team: "x" },
    });
    expect(eks.depends_on).toEqual(["aws_cloudwatch_log_group.cluster", "aws_iam_role_policy.cluster_encryption", "aws_iam_role_policy_attachment.cluster"]);
  });

  test("the OIDC provider for IRSA: the cluster's issuer, the STS audience; the issuer without its scheme", () => {
    expect(module.resource("aws_iam_openid_connect_provider", "oidc")).toEqual({
      url: "${aws_eks_cluster.this.identity[0].oidc[0].issuer}",
      client_id_list: ["sts.amazonaws.com"],
      tags: { team: "x" },
    });
    expect(probe.issuer).toBe('${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}');
  });

  test("the creator: recorded once as an admin (by its role, not its session), never replaced by a later applier", () => {
    expect(module.data("aws_iam_session_context", "current")).toEqual({ arn: PROPS.callerArn });
    const creator = module.resource("aws_eks_access_entry", "cluster_creator");
    expect(creator).toMatchObject({
      count: "${var.cluster_creator_admin ? 1 : 0}",
      principal_arn: "${data.aws_iam_session_context.current.issuer_arn}",
      type: "STANDARD",
      lifecycle: { ignore_changes: ["principal_arn"] },
    });
    expect(module.resource("aws_eks_access_policy_association", "cluster_creator")).toMatchObject({
      count: "${var.cluster_creator_admin ? 1 : 0}",
      principal_arn: "${aws_eks_access_entry.cluster_creator[count.index].principal_arn}",
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      access_scope: { type: "cluster" },
      lifecycle: { ignore_changes: ["principal_arn"] },
    });
  });

  test("listed admins: cluster-admin each, the recorded creator left out (one entry per principal)", () => {
    expect(module.local("cluster_admin_principal_arns")).toBe(
      "${setsubtract(toset(var.admin_principal_arns), aws_eks_access_entry.cluster_creator[*].principal_arn)}",
    );
    expect(module.resource("aws_eks_access_entry", "admin")).toMatchObject({ for_each: "${toset(local.cluster_admin_principal_arns)}", principal_arn: "${each.value}" });
    expect(module.resource("aws_eks_access_policy_association", "admin")).toMatchObject({
      for_each: "${toset(local.cluster_admin_principal_arns)}",
      policy_arn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      access_scope: { type: "cluster" },
      depends_on: ["aws_eks_access_entry.admin"],
    });
  });

  test("checks: warn when the applier is no admin, and when the version has left standard support", () => {
    expect(Object.keys(module.files.get("checks.tf.json")!.check)).toEqual(["kubernetes_version_standard_support", "applier_has_cluster_access"]);
    expect(module.merged.check.applier_has_cluster_access.assert[0].condition).toBe("${local.applier_is_cluster_admin}");
    expect(module.local("standard_support_ends")).toEqual(Object.fromEntries(Object.entries(kubernetesReleases).map(([v, r]) => [v, r.standardSupportUntil])));
    expect(module.merged.check.kubernetes_version_standard_support.assert[0].condition).toBe(
      '${var.support_type == "EXTENDED" || timecmp(plantimestamp(), format("%sT00:00:00Z", local.standard_support_ends[var.kubernetes_version])) < 0}',
    );
  });

  test("outputs: what provider configuration and IRSA need", () => {
    expect(Object.keys(module.files.get("outputs.tf.json")!.output).filter((name) => !name.startsWith("probe_"))).toEqual([
      "cluster_name",
      "cluster_arn",
      "cluster_endpoint",
      "cluster_certificate_authority_data",
      "cluster_version",
      "cluster_security_group_id",
      "oidc_provider_arn",
      "oidc_issuer_url",
      "kms_key_arn",
    ]);
    expect(module.output("cluster_certificate_authority_data").value).toBe("${aws_eks_cluster.this.certificate_authority[0].data}");
    expect(module.output("cluster_security_group_id").value).toBe("${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}");
  });

  test("with subnets of an existing VPC, a precondition that they span two zones; none for its own subnets", () => {
    expect(eks.lifecycle).toBeUndefined();
    const existing = build({ network: { ...PROPS.network, controlPlaneSubnetZones: "[for s in data.aws_subnet.control_plane : s.availability_zone]" } });
    expect(existing.eks.lifecycle).toEqual({
      precondition: [
        {
          condition: "${length(distinct([for s in data.aws_subnet.control_plane : s.availability_zone])) >= 2}",
          error_message: "The control-plane subnets must be in at least two availability zones (an EKS requirement).",
        },
      ],
    });
  });

  withTerraform("Terraform rejects bad values of its variables", () => {
    const newest = kubernetesVersions[kubernetesVersions.length - 1];
    const rejected: Array<[Json, string]> = [
      [{ kubernetes_version: "1.20" }, `kubernetes_version must be one of ${kubernetesVersions.join(", ")}`],
      [{ support_type: "BASIC" }, "support_type must be one of STANDARD, EXTENDED."],
      [{ endpoint_public_access_cidrs: ["203.0.113.0"] }, "endpoint_public_access_cidrs must contain only IPv4 CIDR blocks."],
      [{ endpoint_public_access: true, endpoint_public_access_cidrs: [] }, "endpoint_public_access_cidrs must list at least one CIDR when endpoint_public_access is true"],
      [{ admin_principal_arns: ["arn:aws:sts::123456789012:assumed-role/admin/me"] }, "admin_principal_arns must contain IAM role or user ARNs"],
      [{ control_plane_log_retention_days: 0 }, "control_plane_log_retention_days must be one of the CloudWatch Logs retention periods"],
      ...VERSIONS_NEEDING_EXTENDED_SUPPORT.map((v): [Json, string] => [{ kubernetes_version: v, support_type: "STANDARD" }, `kubernetes_version ${v} leaves EKS standard support within 30 days`]),
    ];
    test.each(rejected)("%j", (values, message) => expectRejected(module, values, message));

    test("and accepts a private-only endpoint without CIDRs, a user and a China-partition role as admins", () =>
      expectAccepted(module, {
        kubernetes_version: newest,
        endpoint_public_access: false,
        endpoint_public_access_cidrs: [],
        admin_principal_arns: ["arn:aws:iam::123456789012:user/me", "arn:aws-cn:iam::123456789012:role/path/admin"],
      }));

    test.each(VERSIONS_NEEDING_EXTENDED_SUPPORT)("and accepts %s with EXTENDED support", (v) =>
      expectAccepted(module, { kubernetes_version: v, support_type: "EXTENDED" }));
  });
});
