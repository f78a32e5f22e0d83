import { fargatePodNetworking } from "../../modules/pod-networking";
import { ITerraformDependable } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { BlueprintFacts } from "../../modules/addons/contract";
import { eksAddonVersions, kubernetesReleases } from "../../modules/catalog";
import { EksAddonKey, eksAddons, eksAddonVersionsLocal, EksManagedAddon, versionsByKubernetesMinor } from "../../modules/eks-addons";
import { trustPolicy } from "../../modules/iam";
import { addonsSide, clusterSide, minimalStack, NODE_FACTS } from "./fixture";
import { jsonencoded, withProbes } from "./hcl";

const FARGATE: BlueprintFacts = { compute: "fargate", nodeGroups: {}, workloadIdentity: "irsa", networking: fargatePodNetworking("ipv4") };
const SYSTEM: BlueprintFacts = {
  ...NODE_FACTS,
  systemPlacement: { nodeSelector: { "node-role": "system" }, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }] },
};

/** One row built alone: the add-on after a stand-in compute resource (`aws_iam_role.compute`). */
function build(key: EksAddonKey, facts: BlueprintFacts = NODE_FACTS) {
  const stack = minimalStack();
  const compute: ITerraformDependable = new IamRole(stack, "compute", { assumeRolePolicy: "{}" });
  const addon = new EksManagedAddon(key);
  const returned = addon.buildCluster(stack, clusterSide(facts, [compute]), undefined);
  const { module } = withProbes(stack, {});
  return { addon, returned, module, written: module.resource("aws_eks_addon", key) };
}

const OVERWRITE = { resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" };

describe("the EKS managed add-on table", () => {
  test("rows, EKS names and phases: the CNI, kube-proxy and the Pod Identity agent before compute", () => {
    expect(Object.fromEntries(Object.entries(eksAddons).map(([k, d]) => [k, [d.addonName, d.phase]]))).toEqual({
      vpc_cni: ["vpc-cni", "beforeCompute"],
      kube_proxy: ["kube-proxy", "beforeCompute"],
      eks_pod_identity_agent: ["eks-pod-identity-agent", "beforeCompute"],
      coredns: ["coredns", "afterCompute"],
      aws_ebs_csi_driver: ["aws-ebs-csi-driver", "afterCompute"],
      aws_efs_csi_driver: ["aws-efs-csi-driver", "afterCompute"],
      aws_fsx_csi_driver: ["aws-fsx-csi-driver", "afterCompute"],
      amazon_cloudwatch_observability: ["amazon-cloudwatch-observability", "afterCompute"],
    });
    for (const key of Object.keys(eksAddons) as EksAddonKey[]) expect(new EksManagedAddon(key).clusterPhase).toBe(eksAddons[key].phase);
  });

  test("versions that follow the control plane: a local per Kubernetes minor, from the catalog", () => {
    expect(versionsByKubernetesMinor()).toEqual(
      Object.fromEntries(Object.entries(kubernetesReleases).map(([minor, r]) => [minor, { kube_proxy: r.kubeProxy, coredns: r.coredns }])),
    );
    const stack = minimalStack();
    eksAddonVersionsLocal(stack);
    const module = withProbes(stack, {}).module;
    expect(module.files.get("eks_addons.tf.json")!.locals).toEqual({ eks_addon_versions: versionsByKubernetesMinor() });
  });

  test.each([
    ["vpc_cni", eksAddonVersions.vpcCni],
    ["eks_pod_identity_agent", eksAddonVersions.eksPodIdentityAgent],
    ["aws_ebs_csi_driver", eksAddonVersions.awsEbsCsiDriver],
    ["aws_efs_csi_driver", eksAddonVersions.awsEfsCsiDriver],
    ["aws_fsx_csi_driver", eksAddonVersions.awsFsxCsiDriver],
    ["amazon_cloudwatch_observability", eksAddonVersions.amazonCloudwatchObservability],
    ["kube_proxy", "version-of-kube_proxy"],
    ["coredns", "version-of-coredns"],
  ] as const)("%s: version %s (a pinned one, or the cluster side's per-minor lookup)", (key, version) => {
    expect(build(key).written.addon_version).toBe(version);
  });

  test.each(Object.keys(eksAddons) as EksAddonKey[])("%s: on the cluster resource, overwrite on create and update, tagged, in eks_addons.tf.json", (key) => {
    const { written, returned, module } = build(key);
    expect(written).toMatchObject({ cluster_name: "demo", addon_name: eksAddons[key].addonName, ...OVERWRITE, tags: {} });
    expect(returned).toHaveLength(1);
    expect(Object.keys(module.files.get("eks_addons.tf.json")!.resource.aws_eks_addon)).toEqual([key]);
  });

  test("before compute: depends on nothing but its role's policies; after compute: on the compute", () => {
    expect(build("kube_proxy").written.depends_on).toBeUndefined();
    expect(build("eks_pod_identity_agent").written.depends_on).toBeUndefined();
    expect(build("vpc_cni").written.depends_on).toEqual(["aws_iam_role_policy_attachment.vpc_cni"]);
    expect(build("coredns").written.depends_on).toEqual(["aws_iam_role.compute"]);
    expect(build("aws_ebs_csi_driver").written.depends_on).toEqual(["aws_iam_role_policy_attachment.ebs_csi_driver", "aws_iam_role.compute"]);
  });

  test("vpc_cni: an IRSA role for aws-node with the CNI policy, set as the add-on's service account role", () => {
    const { written, module } = build("vpc_cni");
    expect(written.service_account_role_arn).toBe("${aws_iam_role.vpc_cni.arn}");
    expect(written.pod_identity_association).toBeUndefined();
    expect(module.resource("aws_iam_role", "vpc_cni").name).toBe("demo-vpc-cni");
    const identity = clusterSide().identity;
    expect(module.local("vpc_cni_trust_policy")).toEqual(
      trustPolicy({ kind: "irsa", oidcProviderArn: identity.oidcProviderArn, oidcIssuer: identity.oidcIssuer, namespace: "kube-system", serviceAccount: "aws-node" }),
    );
    expect(module.resource("aws_iam_role_policy_attachment", "vpc_cni").for_each).toEqual({ AmazonEKS_CNI_Policy: "AmazonEKS_CNI_Policy" });
    expect(module.resources("aws_eks_pod_identity_association")).toEqual({});
    expect(module.output("vpc_cni_role_arn").value).toBe("${aws_iam_role.vpc_cni.arn}");
  });

  test("aws_ebs_csi_driver: a Pod Identity role the add-on associates itself (no separate association)", () => {
    const { written, module } = build("aws_ebs_csi_driver");
    expect(written.service_account_role_arn).toBeUndefined();
    expect(written.pod_identity_association).toEqual([{ role_arn: "${aws_iam_role.ebs_csi_driver.arn}", service_account: "ebs-csi-controller-sa" }]);
    expect(jsonencoded(module.resource("aws_iam_role", "ebs_csi_driver").assume_role_policy)).toEqual(
      trustPolicy({ kind: "podIdentity", sourceAccount: "123456789012", clusterArn: clusterSide().identity.clusterArn }),
    );
    expect(module.resource("aws_iam_role_policy_attachment", "ebs_csi_driver").for_each).toEqual({
      AmazonEBSCSIDriverPolicy: "service-role/AmazonEBSCSIDriverPolicy",
    });
    expect(module.resources("aws_eks_pod_identity_association")).toEqual({});
    expect(module.output("ebs_csi_driver_role_arn").value).toBe("${aws_iam_role.ebs_csi_driver.arn}");
  });

  test("kube_proxy, eks_pod_identity_agent and coredns have no role and no role output", () => {
    for (const key of ["kube_proxy", "eks_pod_identity_agent", "coredns"] as const) {
      const { written, module } = build(key);
      expect(module.resources("aws_iam_role")).toEqual({ compute: { assume_role_policy: "{}" } });
      expect(written.service_account_role_arn).toBeUndefined();
      expect(written.pod_identity_association).toBeUndefined();
      expect(module.merged.output).toBeUndefined();
    }
  });

  test("configuration per facts: network policy on EC2 nodes only; CoreDNS on Fargate, or on the system nodes", () => {
    expect(build("vpc_cni").written.configuration_values).toBe('${jsonencode({"enableNetworkPolicy" = "true"})}');
    expect(build("vpc_cni", FARGATE).written.configuration_values).toBeUndefined();
    expect(build("coredns").written.configuration_values).toBeUndefined();
    expect(build("coredns", FARGATE).written.configuration_values).toBe('${jsonencode({"computeType" = "Fargate"})}');
    expect(jsonencoded(build("coredns", SYSTEM).written.configuration_values)).toEqual(SYSTEM.systemPlacement);
    for (const key of ["kube_proxy", "eks_pod_identity_agent", "aws_ebs_csi_driver"] as const) {
      expect(build(key, SYSTEM).written.configuration_values).toBeUndefined();
    }
  });

  test("vpc-cni keeps IRSA on a Pod Identity blueprint: aws-node starts before the Pod Identity agent on a new node", () => {
    expect(NODE_FACTS.workloadIdentity).toBe("podIdentity");
    expect(build("vpc_cni", NODE_FACTS).written.service_account_role_arn).toBe("${aws_iam_role.vpc_cni.arn}");
  });

  test("no add-ons side: an EKS managed add-on adds nothing to the add-ons module", () => {
    const stack = minimalStack("addons");
    expect(new EksManagedAddon("coredns").buildAddons(stack, addonsSide(stack), undefined)).toEqual([]);
    expect(withProbes(stack, {}).module.merged.resource).toBeUndefined();
  });
});

describe.each(
  (Object.keys(eksAddons) as EksAddonKey[]).flatMap((key) => {
    const role = (eksAddons[key] as { role?: { identity: string } }).role;
    return role?.identity === "podIdentity" ? [key] : [];
  }),
)("%s: a Pod Identity role", (key) => {
  const { written, module } = build(key);
  const role = (eksAddons[key] as unknown as { role: { address: string; serviceAccount: string; roleNameSuffix: string; outputName: string } }).role;

  test("associated by the add-on itself with its service account, trusted by this cluster's agent only", () => {
    expect(written.pod_identity_association).toEqual([{ role_arn: `\${aws_iam_role.${role.address}.arn}`, service_account: role.serviceAccount }]);
    expect(written.service_account_role_arn).toBeUndefined();
    expect(module.resources("aws_eks_pod_identity_association")).toEqual({});
    const iamRole = module.resource("aws_iam_role", role.address);
    expect(iamRole.name).toBe(`demo-${role.roleNameSuffix}`);
    expect(jsonencoded(iamRole.assume_role_policy)).toEqual(
      trustPolicy({ kind: "podIdentity", sourceAccount: "123456789012", clusterArn: clusterSide().identity.clusterArn }),
    );
    expect(module.output(role.outputName).value).toBe(`\${aws_iam_role.${role.address}.arn}`);
  });

  test("the add-on waits for every policy attached to its role, and for the compute", () => {
    const attachments = Object.keys(module.resources("aws_iam_role_policy_attachment")).map((name) => `aws_iam_role_policy_attachment.${name}`);
    expect(attachments.length).toBeGreaterThan(0);
    for (const attachment of attachments) expect(written.depends_on).toContain(attachment);
    expect(written.depends_on[written.depends_on.length - 1]).toBe("aws_iam_role.compute");
  });
});
