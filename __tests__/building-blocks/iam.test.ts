import { RoleTrust, ServiceRole, ServiceRoleProps, trustPolicy } from "../../modules/iam";
import { emitted, minimalStack } from "./fixture";
import { jsonencoded, withProbes } from "./hcl";

describe("trustPolicy", () => {
  test("service: the service may assume the role; no condition unless asked for", () => {
    expect(trustPolicy({ kind: "service", service: "ec2.amazonaws.com" })).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  test("service with confused-deputy guards: the source account and the source ARN, each on its own", () => {
    const both = trustPolicy({ kind: "service", service: "s.amazonaws.com", sourceAccount: "123456789012", sourceArnLike: "arn:aws:x:*" });
    expect(both.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
      ArnLike: { "aws:SourceArn": "arn:aws:x:*" },
    });
    expect(trustPolicy({ kind: "service", service: "s", sourceAccount: "123456789012" }).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
    });
    expect(trustPolicy({ kind: "service", service: "s", sourceArnLike: "arn:aws:x:*" }).Statement[0].Condition).toEqual({
      ArnLike: { "aws:SourceArn": "arn:aws:x:*" },
    });
  });

  test("podIdentity: the Pod Identity agent, with session tags, for this account's one cluster", () => {
    expect(trustPolicy({ kind: "podIdentity", sourceAccount: "123456789012", clusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/demo" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnEquals: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:cluster/demo" },
          },
        },
      ],
    });
  });

  test("irsa: web identity through the OIDC provider, for one service account and the STS audience", () => {
    expect(
      trustPolicy({
        kind: "irsa",
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.example/id/ABC",
        oidcIssuer: "oidc.example/id/ABC",
        namespace: "kube-system",
        serviceAccount: "aws-node",
      }),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.example/id/ABC" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "oidc.example/id/ABC:sub": "system:serviceaccount:kube-system:aws-node",
              "oidc.example/id/ABC:aud": "sts.amazonaws.com",
            },
          },
        },
      ],
    });
  });
});

describe("ServiceRole", () => {
  const base: ServiceRoleProps = {
    address: "worker",
    name: "demo-worker",
    description: "A role.",
    trust: { kind: "service", service: "ec2.amazonaws.com" },
    tags: { team: "x" },
    partition: "${data.aws_partition.current.partition}",
  };
  const build = (props: Partial<ServiceRoleProps> = {}) => {
    const stack = minimalStack();
    const role = new ServiceRole(stack, { ...base, ...props });
    return { stack, role };
  };

  test("the role at aws_iam_role.<address>, its trust policy written out, and no attachment by default", () => {
    const { stack, role } = build();
    expect(role.attachments).toEqual([]);
    const module = emitted(stack);
    const written = module.resource("aws_iam_role", "worker");
    expect(written).toMatchObject({ name: "demo-worker", description: "A role.", tags: { team: "x" } });
    expect(jsonencoded(written.assume_role_policy)).toEqual(trustPolicy(base.trust));
    expect(module.resources("aws_iam_role_policy_attachment")).toEqual({});
    expect(module.merged.moved).toBeUndefined();
  });

  test("managed policies: one for_each attachment keyed by the policy's name, its path kept in the ARN", () => {
    const { stack, role } = build({ managedPolicies: ["AmazonEKSWorkerNodePolicy", "service-role/AmazonEBSCSIDriverPolicy"] });
    expect(role.attachments).toHaveLength(1);
    const attachment = emitted(stack).resource("aws_iam_role_policy_attachment", "worker");
    expect(attachment).toEqual({
      for_each: { AmazonEKSWorkerNodePolicy: "AmazonEKSWorkerNodePolicy", AmazonEBSCSIDriverPolicy: "service-role/AmazonEBSCSIDriverPolicy" },
      role: "${aws_iam_role.worker.name}",
      policy_arn: "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value}",
    });
  });

  test("irsa trust sits in a local (its condition keys are expressions), encoded into the role", () => {
    const trust: RoleTrust = {
      kind: "irsa",
      oidcProviderArn: "${aws_iam_openid_connect_provider.oidc.arn}",
      oidcIssuer: '${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}',
      namespace: "kube-system",
      serviceAccount: "aws-node",
    };
    const { stack } = build({ trust });
    const module = emitted(stack);
    expect(module.resource("aws_iam_role", "worker").assume_role_policy).toBe("${jsonencode(local.worker_trust_policy)}");
    const condition = module.local("worker_trust_policy").Statement[0].Condition.StringEquals;
    expect(condition).toEqual({
      '${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}:sub': "system:serviceaccount:kube-system:aws-node",
      '${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}:aud': "sts.amazonaws.com",
    });
  });

  test("a previous attachment address of this role and policy becomes a moved block; others do not", () => {
    const stack = minimalStack();
    new ServiceRole(stack, { ...base, address: "node", managedPolicies: ["AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore"] });
    new ServiceRole(stack, { ...base, address: "cluster", name: "demo-cluster", managedPolicies: ["AmazonEKSWorkerNodePolicy"] });
    expect(emitted(stack).files.get("migrations.tf.json")).toEqual({
      moved: [
        { from: "aws_iam_role_policy_attachment.node_ssm", to: 'aws_iam_role_policy_attachment.node["AmazonSSMManagedInstanceCore"]' },
        { from: "aws_iam_role_policy_attachment.node_worker_node", to: 'aws_iam_role_policy_attachment.node["AmazonEKSWorkerNodePolicy"]' },
      ],
    });
  });

  test("role and ARN tokens resolve to the role's address", () => {
    const { stack, role } = build();
    const { probe } = withProbes(stack, { arn: role.role.arn, name: role.role.name });
    expect(probe).toEqual({ arn: "${aws_iam_role.worker.arn}", name: "${aws_iam_role.worker.name}" });
  });
});
