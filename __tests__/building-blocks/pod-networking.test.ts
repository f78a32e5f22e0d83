import { helmCharts } from "../../modules/catalog";
import { lacksTrunking, vpcCniConfiguration } from "../../modules/pod-networking";
import { Json, managedPoliciesOf, settingsErrorFor, synthesize } from "../helpers";

/** The vpc-cni add-on's configuration, from the `jsonencode({...})` HCL Terraform gets. */
function vpcCniConfig(cluster: ReturnType<typeof synthesize>["cluster"]): Json {
  const raw = cluster.resource("aws_eks_addon", "vpc_cni").configuration_values as string;
  const hcl = /^\$\{jsonencode\((.*)\)\}$/s.exec(raw)![1];
  return JSON.parse(hcl.replace(/" = /g, '": ')) as Json;
}

describe("network policy engine", () => {
  it("is the VPC CNI's agent by default, without Calico", () => {
    const { cluster, addons } = synthesize("baseline");
    expect(vpcCniConfig(cluster)).toEqual({ enableNetworkPolicy: "true" });
    expect(addons.resources("helm_release").calico).toBeUndefined();
  });

  it("calico: the Tigera operator in policy-only mode, and the VPC CNI's agent turned off", () => {
    const { cluster, addons } = synthesize("baseline", { networkPolicy: "calico" });
    expect(vpcCniConfig(cluster)).toEqual({ enableNetworkPolicy: "false" });
    const release = addons.resource("helm_release", "calico");
    expect(release).toMatchObject({
      repository: helmCharts.tigeraOperator.repository,
      chart: "tigera-operator",
      version: helmCharts.tigeraOperator.version,
      namespace: "${kubernetes_namespace_v1.tigera_operator.metadata[0].name}",
    });
    // The namespace first; the Load Balancer Controller's Service webhook before the operator's Services.
    expect(release.depends_on).toEqual(["kubernetes_namespace_v1.tigera_operator", "helm_release.aws_load_balancer_controller"]);
    const values = addons.local("calico_values");
    // The Installation comes from the chart's own values (its CRD is in the same chart), not a separate manifest.
    expect(values.installation).toEqual({ enabled: true, kubernetesProvider: "EKS", cni: { type: "AmazonVPC" } });
    expect(values.goldmane).toEqual({ enabled: false });
    expect(values.whisker).toEqual({ enabled: false });
    expect(addons.resources("kubernetes_manifest")).toEqual({});
  });

  it("calico on spot-cost-optimized: typha and kube-controllers on the system nodes", () => {
    const { addons } = synthesize("spot-cost-optimized", { networkPolicy: "calico" });
    const values = addons.local("calico_values");
    expect(values.installation.controlPlaneNodeSelector).toEqual({ "node-role": "system" });
    expect(values.installation.controlPlaneTolerations).toEqual([expect.objectContaining({ key: "CriticalAddonsOnly", effect: "NoSchedule" })]);
    expect(values.nodeSelector).toEqual({ "kubernetes.io/os": "linux", "node-role": "system" });
  });

  it("none: nothing enforces NetworkPolicies", () => {
    const { cluster, addons } = synthesize("gpu", { networkPolicy: "none" });
    expect(vpcCniConfig(cluster)).toEqual({ enableNetworkPolicy: "false" });
    expect(addons.resources("helm_release").calico).toBeUndefined();
  });

  it("is refused on fargate-only, where no engine runs", () => {
    expect(settingsErrorFor("fargate-only", { networkPolicy: "calico" })).toContain("networkPolicy: unknown setting: Fargate pods have no NetworkPolicy engine");
    expect(settingsErrorFor("baseline", { networkPolicy: "cilium" })).toContain("networkPolicy");
  });
});

describe("VPC CNI options", () => {
  it("prefix delegation sets ENABLE_PREFIX_DELEGATION and WARM_PREFIX_TARGET", () => {
    const { cluster } = synthesize("baseline", { vpcCni: { prefixDelegation: true, warmPrefixTarget: 2 } });
    expect(vpcCniConfig(cluster)).toEqual({ enableNetworkPolicy: "true", env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "2" } });
  });

  it("security groups for pods: ENABLE_POD_ENI, TCP early demux off for probes, the VPC resource controller policy on the cluster role", () => {
    const { cluster } = synthesize("baseline", { vpcCni: { podSecurityGroups: true } });
    expect(vpcCniConfig(cluster)).toEqual({
      enableNetworkPolicy: "true",
      env: { ENABLE_POD_ENI: "true" },
      init: { env: { DISABLE_TCP_EARLY_DEMUX: "true" } },
    });
    expect(managedPoliciesOf(cluster, "cluster")).toEqual(["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"]);
    expect(managedPoliciesOf(synthesize("baseline").cluster, "cluster")).toEqual(["AmazonEKSClusterPolicy"]);
  });

  it("security groups for pods refuse instance types without ENI trunking", () => {
    const message = settingsErrorFor("baseline", {
      vpcCni: { podSecurityGroups: true },
      nodeGroups: { general: { instanceTypes: ["t3.large", "m6i.large"], minSize: 1, desiredSize: 1, maxSize: 2 } },
    });
    expect(message).toContain("nodeGroups.general.instanceTypes: t3.large: the t family has no ENI trunking");
    expect(lacksTrunking("t4g.medium")).toBe(true);
    expect(lacksTrunking("m6i.large")).toBe(false);
    expect(lacksTrunking("trn1.2xlarge")).toBe(false);
  });

  it("runs nothing of the VPC CNI's modes on Fargate", () => {
    expect(vpcCniConfiguration({ ipFamily: "ipv4", networkPolicy: "vpc-cni", prefixDelegation: true, warmPrefixTarget: 1, podSecurityGroups: true }, "fargate")).toBeUndefined();
    expect(settingsErrorFor("fargate-only", { vpcCni: { prefixDelegation: true } })).toContain("vpcCni: unknown setting");
  });
});

describe("IPv6", () => {
  const ipv6 = synthesize("baseline", { network: { mode: "create", ipFamily: "ipv6" } });

  it("gives the VPC an Amazon-provided /56 and each subnet its own /64 from it", () => {
    const { cluster } = ipv6;
    expect(cluster.resource("aws_vpc", "this").assign_generated_ipv6_cidr_block).toBe(true);
    const subnets = cluster.resources("aws_subnet");
    const offsets = { private: 0, public: 8, intra: 16 } as const;
    for (const [name, offset] of Object.entries(offsets)) {
      expect(subnets[name]).toMatchObject({
        ipv6_cidr_block: `\${cidrsubnet(aws_vpc.this.ipv6_cidr_block, 8, ${offset} + count.index)}`,
        assign_ipv6_address_on_creation: true,
        enable_resource_name_dns_aaaa_record_on_launch: true,
      });
    }
    // DNS64 only where a NAT64 route exists.
    expect(subnets.private.enable_dns64).toBe(true);
    expect(subnets.public.enable_dns64).toBeUndefined();
    expect(subnets.intra.enable_dns64).toBeUndefined();
  });

  it("routes: ::/0 through the internet gateway (public) or an egress-only gateway (private), NAT64 through the NAT gateway", () => {
    const routes = ipv6.cluster.resources("aws_route");
    expect(ipv6.cluster.resource("aws_egress_only_internet_gateway", "this").vpc_id).toBe("${aws_vpc.this.id}");
    expect(routes.public_internet_ipv6).toMatchObject({ destination_ipv6_cidr_block: "::/0", gateway_id: "${aws_internet_gateway.this.id}" });
    expect(routes.private_ipv6_egress).toMatchObject({
      destination_ipv6_cidr_block: "::/0",
      egress_only_gateway_id: "${aws_egress_only_internet_gateway.this.id}",
      route_table_id: "${aws_route_table.private[count.index].id}",
    });
    expect(routes.private_nat64.destination_ipv6_cidr_block).toBe("64:ff9b::/96");
    expect(routes.private_nat64.nat_gateway_id).toBe(routes.private_nat.nat_gateway_id);
    // The intra subnets stay without any route out.
    expect(Object.values(routes).filter((r) => String(r.route_table_id).includes("intra"))).toEqual([]);
  });

  it("makes the cluster IPv6 and gives the VPC CNI the IPv6 policy instead of AmazonEKS_CNI_Policy", () => {
    const { cluster } = ipv6;
    expect(cluster.resource("aws_eks_cluster", "this").kubernetes_network_config).toEqual({ ip_family: "ipv6" });
    // The role's one attachment is the customer-managed policy, not AmazonEKS_CNI_Policy.
    const attachment = cluster.resource("aws_iam_role_policy_attachment", "vpc_cni");
    expect(attachment.for_each).toBeUndefined();
    expect(attachment.role).toBe("${aws_iam_role.vpc_cni.name}");
    const policy = cluster.local("vpc_cni_policy");
    expect(policy.Statement).toEqual([
      {
        Effect: "Allow",
        Action: ["ec2:AssignIpv6Addresses", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes"],
        Resource: "*",
      },
      { Effect: "Allow", Action: ["ec2:CreateTags"], Resource: ["arn:${data.aws_partition.current.partition}:ec2:*:*:network-interface/*"] },
    ]);
    expect(attachment.policy_arn).toBe("${aws_iam_policy.vpc_cni.arn}");
    // The add-on waits for the policy, not only for the role.
    expect(cluster.resource("aws_eks_addon", "vpc_cni").depends_on).toContain("aws_iam_role_policy_attachment.vpc_cni");
  });

  it("leaves an IPv4 cluster as it was", () => {
    const { cluster } = synthesize("baseline");
    expect(cluster.resource("aws_vpc", "this").assign_generated_ipv6_cidr_block).toBeUndefined();
    expect(cluster.resource("aws_eks_cluster", "this").kubernetes_network_config).toBeUndefined();
    expect(cluster.resources("aws_egress_only_internet_gateway")).toEqual({});
    expect(managedPoliciesOf(cluster, "vpc_cni")).toEqual(["AmazonEKS_CNI_Policy"]);
  });

  it("works on Fargate too, and is refused for an existing VPC and with prefix delegation", () => {
    const { cluster } = synthesize("fargate-only", { network: { mode: "create", ipFamily: "ipv6" } });
    expect(cluster.resource("aws_eks_cluster", "this").kubernetes_network_config).toEqual({ ip_family: "ipv6" });
    expect(
      settingsErrorFor("baseline", {
        network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], ipFamily: "ipv6" },
      }),
    ).toContain("network.ipFamily: unknown setting");
    expect(settingsErrorFor("baseline", { network: { mode: "create", ipFamily: "ipv6" }, vpcCni: { prefixDelegation: true } })).toContain(
      "vpcCni.prefixDelegation: has no effect with network.ipFamily ipv6",
    );
  });
});
