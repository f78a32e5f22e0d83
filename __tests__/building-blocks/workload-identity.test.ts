import { trustPolicy } from "../../modules/iam";
import { WorkloadRole, WorkloadRoleProps } from "../../modules/workload-identity";
import { clusterSide, minimalStack } from "./fixture";
import { jsonencoded, withProbes } from "./hcl";

const cluster = clusterSide().identity;
const base: WorkloadRoleProps = {
  address: "widget",
  roleNameSuffix: "widget",
  description: "Lets the widget controller do its job.",
  namespace: "widgets",
  serviceAccount: "widget-controller",
  identity: "podIdentity",
  cluster: { ...cluster, tags: { team: "x" } },
};

function build(props: Partial<WorkloadRoleProps> = {}) {
  const stack = minimalStack();
  const role = new WorkloadRole(stack, { ...base, ...props });
  const { module, probe } = withProbes(stack, { arn: role.arn });
  return { role, module, probe };
}

describe("WorkloadRole", () => {
  test("Pod Identity: trusted by this cluster's Pod Identity agent, and associated with the service account", () => {
    const { role, module, probe } = build();
    const written = module.resource("aws_iam_role", "widget");
    expect(written.name).toBe("demo-widget");
    expect(written.tags).toEqual({ team: "x" });
    expect(jsonencoded(written.assume_role_policy)).toEqual(
      trustPolicy({ kind: "podIdentity", sourceAccount: "123456789012", clusterArn: cluster.clusterArn }),
    );
    expect(module.resource("aws_eks_pod_identity_association", "widget")).toEqual({
      cluster_name: "demo",
      namespace: "widgets",
      service_account: "widget-controller",
      role_arn: "${aws_iam_role.widget.arn}",
      tags: { team: "x" },
    });
    expect(role.association).toBeDefined();
    expect(probe.arn).toBe("${aws_iam_role.widget.arn}");
  });

  test("IRSA: trusted through the cluster's OIDC provider for this one service account; no association", () => {
    const { role, module } = build({ identity: "irsa" });
    expect(module.resource("aws_iam_role", "widget").assume_role_policy).toBe("${jsonencode(local.widget_trust_policy)}");
    expect(module.local("widget_trust_policy")).toEqual(
      trustPolicy({
        kind: "irsa",
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        namespace: "widgets",
        serviceAccount: "widget-controller",
      }),
    );
    expect(module.resources("aws_eks_pod_identity_association")).toEqual({});
    expect(role.association).toBeUndefined();
  });

  test("associate: false leaves the association to whoever declares it (an EKS managed add-on)", () => {
    const { role, module } = build({ associate: false });
    expect(role.association).toBeUndefined();
    expect(module.resources("aws_eks_pod_identity_association")).toEqual({});
  });

  test("a customer-managed policy: readable in a local, named after the cluster, attached to the role", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ec2:DescribeVpcs"], Resource: "*" }] } as const;
    const { module } = build({ policy });
    expect(module.local("widget_policy")).toEqual(policy);
    expect(module.resource("aws_iam_policy", "widget")).toEqual({
      name: "demo-widget",
      description: "Lets the widget controller do its job.",
      policy: "${jsonencode(local.widget_policy)}",
      tags: { team: "x" },
    });
    expect(module.resource("aws_iam_role_policy_attachment", "widget")).toEqual({
      role: "${aws_iam_role.widget.name}",
      policy_arn: "${aws_iam_policy.widget.arn}",
    });
  });

  test("managed policies and no policy: only the for_each attachment of the managed ones", () => {
    const { module } = build({ managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"] });
    expect(module.resources("aws_iam_policy")).toEqual({});
    expect(module.resource("aws_iam_role_policy_attachment", "widget")).toMatchObject({
      for_each: { AmazonEBSCSIDriverPolicy: "service-role/AmazonEBSCSIDriverPolicy" },
      policy_arn: "arn:aws:iam::aws:policy/${each.value}",
    });
  });

  test("the output, when named, is the role ARN and says which trust it has", () => {
    expect(build().module.merged.output).toEqual({ probe_arn: { value: "${aws_iam_role.widget.arn}" } });
    expect(build({ outputName: "widget_role_arn" }).module.output("widget_role_arn")).toEqual({
      value: "${aws_iam_role.widget.arn}",
      description: "ARN of the IAM role of widgets/widget-controller (EKS Pod Identity).",
    });
    expect(build({ outputName: "widget_role_arn", identity: "irsa" }).module.output("widget_role_arn").description).toBe(
      "ARN of the IAM role of widgets/widget-controller (IRSA).",
    );
  });

  test("a role name suffix that would exceed IAM's limit is a synth error", () => {
    expect(() => build({ roleNameSuffix: "x".repeat(29) })).toThrow(/iamRole name suffix of up to 30 characters/);
  });
});
