/**
 * Issue 8: rules AWS enforces that the provider schema does not know, checked before apply. Each test
 * fails on the output before the fix (noted per test).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateModules } from "../../emitter/generate";
import { findBlueprint } from "../../blueprints/registry";
import { expanderPriorities } from "../../blueprints/spot-cost-optimized";
import { EKS_UNSUPPORTED_ZONE_IDS, NAME_LIMITS, NAME_PREFIX_SUFFIX_LENGTH } from "../../modules/aws-limits";
import { VERSIONS_NEEDING_EXTENDED_SUPPORT } from "../../modules/rules";
import { Json, settingsErrorFor, synthesize } from "../helpers";

const existingVpc = {
  network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
};

describe("zones EKS refuses (before: the first N zone names, wrapped with element())", () => {
  const { cluster } = synthesize("baseline");
  test("the zone lookup excludes EKS's unsupported zone IDs and fails the plan when too few zones remain", () => {
    const zones = cluster.data("aws_availability_zones", "available");
    expect(zones.exclude_zone_ids).toEqual([...EKS_UNSUPPORTED_ZONE_IDS]);
    expect(zones.lifecycle.postcondition[0].condition).toBe("${length(self.names) >= var.availability_zone_count}");
    expect(zones.lifecycle.postcondition[0].error_message).toContain("lower availability_zone_count");
  });

  test("subnets index the zone list; element() would wrap and put two subnets in one zone", () => {
    for (const name of ["public", "private", "intra"]) {
      expect(cluster.resource("aws_subnet", name).availability_zone).toBe("${data.aws_availability_zones.available.names[count.index]}");
    }
    expect(JSON.stringify(cluster.files.get("network.tf.json"))).not.toContain("element(");
  });

  test("with an existing VPC, each control-plane subnet's zone ID is checked, and the cluster needs two zones", () => {
    const existing = synthesize("baseline", existingVpc).cluster;
    const subnets = existing.data("aws_subnet", "control_plane");
    expect(subnets.for_each).toBe("${toset(local.control_plane_subnet_ids)}");
    expect(existing.local("control_plane_subnet_ids")).toBe("${length(var.control_plane_subnet_ids) > 0 ? var.control_plane_subnet_ids : var.private_subnet_ids}");
    expect(subnets.lifecycle.postcondition[0].condition).toBe(`\${!contains(${JSON.stringify(EKS_UNSUPPORTED_ZONE_IDS)}, self.availability_zone_id)}`);
    expect(existing.resource("aws_eks_cluster", "this").lifecycle.precondition[0].condition).toBe(
      "${length(distinct([for s in data.aws_subnet.control_plane : s.availability_zone])) >= 2}",
    );
  });
});

describe("version policy (before: 1.34 accepted with support_type STANDARD, fixed in the module)", () => {
  test("a version leaving standard support within 30 days needs EXTENDED, in the settings and in the module", () => {
    expect(VERSIONS_NEEDING_EXTENDED_SUPPORT).toEqual(["1.34"]);
    expect(settingsErrorFor("baseline", { kubernetesVersion: "1.34" })).toContain(
      "kubernetesVersion: Kubernetes 1.34 leaves EKS standard support on 2026-12-02: with support type STANDARD, EKS upgrades the cluster by itself",
    );
    expect(() => synthesize("baseline", { kubernetesVersion: "1.34", supportType: "EXTENDED" })).not.toThrow();
    const { cluster } = synthesize("baseline");
    const rules = cluster.variable("kubernetes_version").validation.map((v: Json) => v.condition);
    expect(rules).toContain('${var.support_type == "EXTENDED" || !contains(["1.34"], var.kubernetes_version)}');
    expect(cluster.variable("support_type").default).toBe("STANDARD");
    expect(cluster.resource("aws_eks_cluster", "this").upgrade_policy.support_type).toBe("${var.support_type}");
  });

  test("every plan warns once a version has left standard support (plan time, not generation time)", () => {
    const { cluster } = synthesize("baseline");
    const check = cluster.files.get("checks.tf.json")!.check.kubernetes_version_standard_support.assert[0];
    expect(check.condition).toBe('${var.support_type == "EXTENDED" || timecmp(plantimestamp(), format("%sT00:00:00Z", local.standard_support_ends[var.kubernetes_version])) < 0}');
    expect(cluster.local("standard_support_ends")["1.35"]).toBe("2027-03-27");
  });
});

describe("node groups are replaced without an outage (before: fixed node_group_name, destroy first)", () => {
  test("a name prefix and create_before_destroy", () => {
    const group = synthesize("baseline").cluster.resource("aws_eks_node_group", "this");
    expect(group.node_group_name).toBeUndefined();
    expect(group.node_group_name_prefix).toBe("${each.key}-");
    expect(group.lifecycle.create_before_destroy).toBe(true);
  });

  test("the spot priority expander matches the Auto Scaling group names EKS gives prefixed groups, and the old ones", () => {
    const priorities = expanderPriorities({
      "spot-x86": { instance_types: ["m5.large"], capacity_type: "SPOT", ami_type: "AL2023_x86_64_STANDARD", min_size: 0, desired_size: 0, max_size: 1, disk_size_gib: 50, labels: {}, taints: [], max_unavailable_percentage: 33 },
    });
    const pattern = new RegExp(priorities["20"][0]);
    const suffix = "2026120109300012340000000a";
    expect(suffix).toHaveLength(NAME_PREFIX_SUFFIX_LENGTH);
    expect(pattern.test(`eks-spot-x86-${suffix}-0ac8e6f1-1234-5678-9abc-def012345678`)).toBe(true);
    expect(pattern.test("eks-spot-x86-0ac8e6f1-1234-5678-9abc-def012345678")).toBe(true);
    expect(pattern.test(`eks-spot-x86-arm-${suffix}-0ac8e6f1-1234-5678-9abc-def012345678`)).toBe(false);
  });
});

describe("confused deputy (before: Pod Identity and flow-log trust without source conditions)", () => {
  /** Every trust policy statement of a module, parsed back from its jsonencode() text. */
  function trustStatements(module: { merged: Json }): Array<{ role: string; statement: string }> {
    const roles = (module.merged.resource?.aws_iam_role ?? {}) as Record<string, Json>;
    return Object.entries(roles).map(([role, r]) => ({ role, statement: String(r.assume_role_policy) }));
  }

  test("every Pod Identity role accepts only this account and this cluster", () => {
    const statements = trustStatements(synthesize("baseline").cluster).filter((s) => s.statement.includes("pods.eks.amazonaws.com"));
    expect(statements.map((s) => s.role).sort()).toEqual(["aws_load_balancer_controller", "cluster_autoscaler", "ebs_csi_driver"]);
    for (const { statement } of statements) {
      expect(statement).toContain('"aws:SourceAccount" = data.aws_caller_identity.current.account_id');
      expect(statement).toContain('"aws:SourceArn" = aws_eks_cluster.this.arn');
    }
  });

  test("every service-principal trust carries a source condition, except principals that send none", () => {
    // EC2 and the EKS control plane assume their roles without a source ARN or account to match.
    const noSourceContext = ["ec2.amazonaws.com", "eks.amazonaws.com"];
    for (const bp of ["baseline", "fargate-only", "gpu", "spot-cost-optimized"]) {
      for (const { role, statement } of trustStatements(synthesize(bp).cluster)) {
        const service = /"Service" = "([^"]+)"/.exec(statement)?.[1];
        if (!service || noSourceContext.includes(service)) continue;
        expect({ bp, role, hasSourceCondition: statement.includes("aws:Source") }).toEqual({ bp, role, hasSourceCondition: true });
      }
    }
    const flowLogs = trustStatements(synthesize("baseline").cluster).find((s) => s.role === "flow_logs")!.statement;
    expect(flowLogs).toContain(':ec2:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:vpc-flow-log/*');
  });
});

describe("the cluster creator's access (before: keyed by whoever applies, so a second applier silently replaced the first)", () => {
  const { cluster } = synthesize("baseline");
  test("the creator is recorded once and never replaced by a later applier", () => {
    const creator = cluster.resource("aws_eks_access_entry", "cluster_creator");
    expect(creator.count).toBe("${var.cluster_creator_admin ? 1 : 0}");
    expect(creator.lifecycle.ignore_changes).toEqual(["principal_arn"]);
    expect(cluster.resource("aws_eks_access_policy_association", "cluster_creator").lifecycle.ignore_changes).toEqual(["principal_arn"]);
  });

  test("explicit admins leave out the recorded creator (one entry per principal), and an applier without access is warned", () => {
    expect(cluster.local("cluster_admin_principal_arns")).toBe("${setsubtract(toset(var.admin_principal_arns), aws_eks_access_entry.cluster_creator[*].principal_arn)}");
    const check = cluster.files.get("checks.tf.json")!.check.applier_has_cluster_access.assert[0];
    expect(check.condition).toBe("${local.applier_is_cluster_admin}");
    expect(check.error_message).toContain("Add it to admin_principal_arns");
  });
});

describe("smaller findings", () => {
  test("EKS add-ons with a role wait for its policy attachments (before: they did not)", () => {
    const { cluster } = synthesize("baseline");
    expect(cluster.resource("aws_eks_addon", "vpc_cni").depends_on).toEqual(["aws_iam_role_policy_attachment.vpc_cni"]);
    expect(cluster.resource("aws_eks_addon", "aws_ebs_csi_driver").depends_on).toContain("aws_iam_role_policy_attachment.ebs_csi_driver");
  });

  test("fargate-only: no network policy in a vpc-cni that never runs, ip targets for the Load Balancer Controller", () => {
    const { cluster, addons } = synthesize("fargate-only");
    expect(cluster.resource("aws_eks_addon", "vpc_cni").configuration_values).toBeUndefined();
    expect(addons.local("aws_load_balancer_controller_values").defaultTargetType).toBe("ip");
    expect(synthesize("baseline").addons.local("aws_load_balancer_controller_values").defaultTargetType).toBeUndefined();
  });

  test("the default GPU group has one shape (before: g6e.xlarge with 32 GiB next to 16 GiB types)", () => {
    expect(synthesize("gpu").cluster.variable("node_groups").default.gpu.instance_types).toEqual(["g6.xlarge", "g5.xlarge"]);
  });

  test("the add-ons module's cluster_name is required and says where it comes from", () => {
    for (const bp of ["baseline", "fargate-only"]) {
      const variable = synthesize(bp).addons.variable("cluster_name");
      expect(variable.default).toBeUndefined();
      expect(variable.description).toContain("the cluster module's cluster_name output");
    }
  });
});

describe("names within AWS limits (before: a 100-character cluster name made 129-character IAM role names)", () => {
  const longName = `c${"x".repeat(98)}1`;
  const { cluster } = synthesize("baseline", { clusterName: longName });
  test("derived names start with a prefix that keeps the cluster name when it is short enough", () => {
    expect(cluster.local("name_prefix")).toBe(
      '${length(var.cluster_name) <= 35 ? var.cluster_name : format("%s-%s", substr(var.cluster_name, 0, 26), substr(sha1(var.cluster_name), 0, 8))}',
    );
    for (const [address, role] of Object.entries(cluster.resources("aws_iam_role"))) {
      expect({ address, name: role.name }).toEqual({ address, name: expect.stringMatching(/^\$\{local\.name_prefix\}-/) });
    }
    // EKS writes to the log group named after the full cluster name: that one must not be shortened.
    expect(cluster.resource("aws_cloudwatch_log_group", "cluster").name).toBe("/aws/eks/${var.cluster_name}/cluster");
  });

  test("Terraform plans every derived name within its limit for a 100-character cluster name", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require(path.resolve(__dirname, "../../dist/validate/index.js")) as typeof import("../../validate");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "long-names-"));
    try {
      const tree = generateModules(["baseline", "fargate-only"].map((name) => ({ blueprint: findBlueprint(name), settings: { clusterName: longName } })));
      for (const [file, content] of tree) {
        if (!file.includes("/cluster/") || !file.endsWith(".tf.json")) continue;
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      const limits: Record<string, [string, number]> = {
        aws_iam_role: ["name", NAME_LIMITS.iamRole],
        aws_iam_policy: ["name", NAME_LIMITS.iamPolicy],
        aws_launch_template: ["name", NAME_LIMITS.launchTemplate],
        aws_eks_node_group: ["node_group_name_prefix", NAME_LIMITS.eksNodeGroup - NAME_PREFIX_SUFFIX_LENGTH],
        aws_cloudwatch_log_group: ["name", NAME_LIMITS.logGroup],
        aws_kms_alias: ["name", NAME_LIMITS.kmsAlias],
        aws_eks_fargate_profile: ["fargate_profile_name", NAME_LIMITS.fargateProfile],
      };
      for (const bp of ["baseline", "fargate-only"]) {
        const result = await api.planModule(path.join(dir, bp, "cluster"), { showPlan: true });
        expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const resources = result.plan?.planned_values?.root_module?.resources ?? [];
        const named = resources.filter((r) => r.type in limits);
        expect(named.length).toBeGreaterThan(5);
        for (const r of named) {
          const [attribute, limit] = limits[r.type];
          const value = String(r.values[attribute]);
          expect({ address: r.address, length: value.length <= limit }).toEqual({ address: r.address, length: true });
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
