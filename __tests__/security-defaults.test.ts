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
