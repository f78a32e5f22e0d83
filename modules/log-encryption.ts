import { Construct } from "constructs";
import { Fn } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsContext } from "./aws-context";
import { IamPolicyDocument } from "./iam-policy-document";
import { ofType } from "./terraform";

export interface LogGroupKeyProps {
  /**
   * Name of the one log group the key encrypts; the key policy admits CloudWatch Logs for it only. A name
   * ending in `*` admits the log groups under that prefix (one key for a family of groups).
   */
  readonly logGroupName: string;
  readonly description: string;
  readonly partition: string;
  readonly tags: Record<string, string>;
}

/**
 * A customer-managed KMS key for one CloudWatch log group (`aws_kms_key.<address>`), so the logs are
 * encrypted with a key whose use is visible in CloudTrail and that can be revoked, not AWS-owned keys.
 * Per the CloudWatch Logs guide ("Encrypt log data in CloudWatch Logs using AWS KMS"), the key policy
 * lets the regional CloudWatch Logs service use the key only for this log group's ARN (encryption
 * context); writers and readers of the logs need no KMS permissions.
 */
export function logGroupKey(scope: Construct, address: string, props: LogGroupKeyProps): KmsKey {
  const context = AwsContext.of(scope);
  const logGroupArn = `arn:${props.partition}:logs:${context.region}:${context.accountId}:log-group:${props.logGroupName}`;
  return new KmsKey(ofType(scope, "kms_key"), address, {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: Fn.jsonencode(logGroupKeyPolicy(props.partition, context.accountId, context.region, logGroupArn)),
    tags: props.tags,
  });
}

/** The key policy of a log group key: account administration, and CloudWatch Logs for one log group. */
export function logGroupKeyPolicy(partition: string, accountId: string, region: string, logGroupArn: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      accountAdministration(partition, accountId),
      {
        Sid: "CloudWatchLogsForOneLogGroup",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { [logGroupArn.endsWith("*") ? "ArnLike" : "ArnEquals"]: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
      },
    ],
  };
}

/**
 * What the KMS default key policy says, written out: the account's IAM policies decide who may use
 * and manage the key, so the key cannot become unmanageable.
 */
export function accountAdministration(partition: string, accountId: string): IamPolicyDocument["Statement"][number] {
  return {
    Sid: "AccountAdministration",
    Effect: "Allow",
    Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  };
}
