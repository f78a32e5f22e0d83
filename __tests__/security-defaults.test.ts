import { blueprints } from "../blueprints/registry";
import { synthesize } from "./helpers";

/**
 * Defaults that checkov (npm run scan) asks for, asserted on the synthesized modules so that they
 * hold without Python. Each names the checkov check it answers.
 */
const ACCOUNT_ROOT = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root";
const ACCOUNT_ADMINISTRATION = `{"Sid" = "AccountAdministration", "Effect" = "Allow", "Principal" = {"AWS" = "${ACCOUNT_ROOT}"}, "Action" = "kms:*", "Resource" = "*"}`;

describe.each(blueprints.map((b) => b.name))("%s cluster module", (name) => {
  const { cluster } = synthesize(name);

  test("the secrets key has an explicit key policy that delegates to IAM, as the default one does (CKV2_AWS_64)", () => {
    expect(cluster.resource("aws_kms_key", "cluster").policy).toBe(
      `\${jsonencode({"Version" = "2012-10-17", "Statement" = [${ACCOUNT_ADMINISTRATION}]})}`,
    );
    expect(cluster.data("aws_caller_identity", "current")).toEqual({});
  });
});

/** Log group address → the address of the key that encrypts it, per blueprint that creates it. */
const LOG_GROUP_KEYS: Record<string, string> = { cluster: "cluster_logs", flow_logs: "flow_logs", fargate: "fargate_logs" };

describe.each(blueprints.map((b) => b.name))("%s log groups", (name) => {
  const { cluster } = synthesize(name);
  const logGroups = Object.entries(cluster.resources("aws_cloudwatch_log_group"));

  test("every log group is encrypted with a customer-managed key of its own (CKV_AWS_158)", () => {
    expect(logGroups.length).toBeGreaterThan(0);
    for (const [address, group] of logGroups) {
      const key = LOG_GROUP_KEYS[address];
      expect(key).toBeDefined();
      expect(group.kms_key_id).toBe(`\${aws_kms_key.${key}.arn}`);
      expect(cluster.resource("aws_kms_key", key)).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    }
  });

  test("each key policy admits CloudWatch Logs of this region for that one log group only", () => {
    for (const [address, group] of logGroups) {
      const policy = cluster.resource("aws_kms_key", LOG_GROUP_KEYS[address]).policy as string;
      const logGroupArn = `arn:\${data.aws_partition.current.partition}:logs:\${data.aws_region.current.region}:\${data.aws_caller_identity.current.account_id}:log-group:${group.name}`;
      expect(policy).toBe(
        `\${jsonencode({"Version" = "2012-10-17", "Statement" = [${ACCOUNT_ADMINISTRATION}, ` +
          `{"Sid" = "CloudWatchLogsForOneLogGroup", "Effect" = "Allow", "Principal" = {"Service" = "logs.\${data.aws_region.current.region}.amazonaws.com"}, ` +
          `"Action" = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource" = "*", ` +
          `"Condition" = {"ArnEquals" = {"kms:EncryptionContext:aws:logs:arn" = "${logGroupArn}"}}}]})}`,
      );
    }
  });
});

describe.each(["baseline", "spot-cost-optimized", "gpu"])("%s Cluster Autoscaler policy", (name) => {
  const { cluster } = synthesize(name);

  test("eks:DescribeNodegroup reaches this cluster's node groups only, not * (CKV_AWS_355)", () => {
    const statements = cluster.local("cluster_autoscaler_policy").Statement as { Action: string[]; Resource: string[] }[];
    const describe = statements.filter((s) => s.Action.includes("eks:DescribeNodegroup"));
    expect(describe).toEqual([
      {
        Effect: "Allow",
        Action: ["eks:DescribeNodegroup"],
        Resource: [
          "arn:${data.aws_partition.current.partition}:eks:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:nodegroup/${aws_eks_cluster.this.name}/*",
        ],
      },
    ]);
  });
});
