import { TerraformVariable } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { FargateProfiles, FargateProfilesProps } from "../../modules/fargate";
import { minimalStack } from "./fixture";
import { expectAccepted, expectRejected, jsonencoded, withProbes, withTerraform } from "./hcl";

const PROFILES: FargateProfilesProps["profiles"] = {
  "kube-system": { selectors: [{ namespace: "kube-system", labels: {} }] },
  apps: { selectors: [{ namespace: "apps", labels: { tier: "web" } }] },
};

function build(props: Partial<FargateProfilesProps> = {}) {
  const stack = minimalStack();
  const fargate = new FargateProfiles(stack, "fargate", {
    clusterName: "demo",
    namePrefix: "demo",
    accountId: "123456789012",
    clusterArn: new TerraformVariable(stack, "cluster_arn", { type: "string", default: "arn:aws:eks:us-east-1:123456789012:cluster/demo" }).stringValue,
    tags: { team: "x" },
    partition: "aws",
    privateSubnetIds: ["subnet-0000000a", "subnet-0000000b"],
    profiles: PROFILES,
    logRetentionDays: 30,
    ...props,
  });
  const { module, probe } = withProbes(stack, { log_group: fargate.logGroup.name });
  return { module, probe, profile: module.resource("aws_eks_fargate_profile", "this") };
}

describe("FargateProfiles", () => {
  const { module, probe, profile } = build();

  test("one profile per entry, in the private subnets, selectors written as a dynamic block", () => {
    expect(module.variable("fargate_profiles").default).toEqual(PROFILES);
    expect(profile).toMatchObject({
      for_each: "${var.fargate_profiles}",
      cluster_name: "demo",
      fargate_profile_name: "${each.key}",
      pod_execution_role_arn: "${aws_iam_role.fargate_pod_execution.arn}",
      subnet_ids: ["subnet-0000000a", "subnet-0000000b"],
      tags: { team: "x" },
    });
    expect(profile.selector).toBeUndefined();
    expect(profile.dynamic).toEqual({
      selector: { for_each: "${each.value.selectors}", content: { namespace: "${selector.value.namespace}", labels: "${selector.value.labels}" } },
    });
  });

  test("the pod execution role: only this cluster's Fargate profiles in this account may assume it", () => {
    const role = module.resource("aws_iam_role", "fargate_pod_execution");
    expect(role.name).toBe("demo-fargate-pod-execution");
    expect(jsonencoded(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "eks-fargate-pods.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": '${replace(var.cluster_arn, ":cluster/", ":fargateprofile/")}/*' },
          },
        },
      ],
    });
    expect(module.resource("aws_iam_role_policy_attachment", "fargate_pod_execution").for_each).toEqual({
      AmazonEKSFargatePodExecutionRolePolicy: "AmazonEKSFargatePodExecutionRolePolicy",
    });
    expect(module.merged.moved).toEqual([
      {
        from: "aws_iam_role_policy_attachment.fargate_pod_execution_fargate",
        to: 'aws_iam_role_policy_attachment.fargate_pod_execution["AmazonEKSFargatePodExecutionRolePolicy"]',
      },
    ]);
  });

  test("log shipping: an encrypted log group with retention, and write access to it alone", () => {
    expect(module.resource("aws_cloudwatch_log_group", "fargate")).toEqual({
      name: "/aws/eks/demo/fargate",
      retention_in_days: "${var.fargate_log_retention_days}",
      kms_key_id: "${aws_kms_key.fargate_logs.arn}",
      tags: { team: "x" },
    });
    expect(module.variable("fargate_log_retention_days").default).toBe(30);
    const logging = module.resource("aws_iam_role_policy", "fargate_logging");
    expect(logging.role).toBe("${aws_iam_role.fargate_pod_execution.id}");
    expect(jsonencoded(logging.policy).Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: ["${aws_cloudwatch_log_group.fargate.arn}", "${aws_cloudwatch_log_group.fargate.arn}:*"],
      },
    ]);
    expect(probe.log_group).toBe("${aws_cloudwatch_log_group.fargate.name}");
  });

  test("profiles wait for the role's policies, the logging policy and the given dependencies", () => {
    expect(profile.depends_on).toEqual(["aws_iam_role_policy_attachment.fargate_pod_execution", "aws_iam_role_policy.fargate_logging"]);
    const stack = minimalStack();
    const with_ = new FargateProfiles(stack, "fargate", {
      clusterName: "demo",
      namePrefix: "demo",
      accountId: "123456789012",
      clusterArn: "arn",
      tags: {},
      partition: "aws",
      privateSubnetIds: [],
      profiles: PROFILES,
      logRetentionDays: 30,
      dependsOn: [new IamRole(stack, "before", { assumeRolePolicy: "{}" })],
    });
    expect(with_.profiles).toBeDefined();
    expect(withProbes(stack, {}).module.resource("aws_eks_fargate_profile", "this").depends_on[0]).toBe("aws_iam_role.before");
  });

  test("outputs: the pod execution role and the profiles; the log group name is handed off, not output here", () => {
    expect(Object.keys(module.merged.output).filter((n) => !n.startsWith("probe_"))).toEqual(["fargate_pod_execution_role_arn", "fargate_profile_arns"]);
    expect(module.output("fargate_profile_arns").value).toBe("${{ for name, profile in aws_eks_fargate_profile.this : name => profile.arn }}");
  });

  withTerraform("Terraform rejects bad profiles", () => {
    const kubeSystem = PROFILES["kube-system"];
    test.each([
      ["fargate_profiles names must be 1-100 letters", { fargate_profiles: { "kube-system": kubeSystem, "-apps": PROFILES.apps } }],
      ["Every Fargate profile must have between 1 and 5 selectors.", { fargate_profiles: { "kube-system": kubeSystem, apps: { selectors: [] } } }],
      [
        "Every Fargate profile must have between 1 and 5 selectors.",
        { fargate_profiles: { "kube-system": { selectors: Array.from({ length: 6 }, (_, i) => ({ namespace: `n${i}` })).concat([{ namespace: "kube-system" }]) } } },
      ],
      ["One Fargate profile must select the whole kube-system namespace (no labels)", { fargate_profiles: { apps: PROFILES.apps } }],
      ["One Fargate profile must select the whole kube-system namespace (no labels)", { fargate_profiles: { ks: { selectors: [{ namespace: "kube-system", labels: { a: "b" } }] } } }],
      ["fargate_log_retention_days must be one of the CloudWatch Logs retention periods", { fargate_log_retention_days: 2 }],
    ])("%s", (message, values) => expectRejected(module, values, message));

    test("and accepts five selectors and underscores in names", () =>
      expectAccepted(module, {
        fargate_profiles: { kube_system: { selectors: ["kube-system", "a", "b", "c", "d"].map((namespace) => ({ namespace })) } },
      }));
  });
});
