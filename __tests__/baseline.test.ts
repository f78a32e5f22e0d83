import { awsLoadBalancerControllerPolicy } from "../modules/addons/aws-load-balancer-controller-iam-policy";
import { eksAddonVersions, helmCharts, kubernetesReleases, defaultKubernetesVersion } from "../modules/catalog";
import { Json, managedPoliciesOf, synthesize } from "./helpers";

const { cluster, addons } = synthesize("baseline");

describe("baseline control plane security defaults", () => {
  const eks = cluster.resource("aws_eks_cluster", "this");

  test("private endpoint always on; public endpoint off by default and limited to an allow-list", () => {
    expect(eks.vpc_config.endpoint_private_access).toBe(true);
    expect(eks.vpc_config.endpoint_public_access).toBe("${var.endpoint_public_access}");
    expect(cluster.variable("endpoint_public_access").default).toBe(false);
    expect(eks.vpc_config.public_access_cidrs).toBe("${var.endpoint_public_access ? var.endpoint_public_access_cidrs : null}");
    const rules = cluster.variable("endpoint_public_access_cidrs").validation.map((v: Json) => v.condition);
    expect(rules).toContain("${!var.endpoint_public_access || length(var.endpoint_public_access_cidrs) > 0}");
  });

  test("secrets are envelope-encrypted with a dedicated, rotating KMS key the cluster role may use", () => {
    expect(eks.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: "${aws_kms_key.cluster.arn}" } });
    expect(cluster.resource("aws_kms_key", "cluster")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    const policy = cluster.resource("aws_iam_role_policy", "cluster_encryption");
    expect(policy.role).toBe("${aws_iam_role.cluster.id}");
    expect(policy.policy).toContain("kms:Decrypt");
    expect(policy.policy).toContain("aws_kms_key.cluster.arn");
  });

  test("all five control-plane log types go to a log group created first, with 90 days retention", () => {
    expect(eks.enabled_cluster_log_types).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(cluster.resource("aws_cloudwatch_log_group", "cluster")).toMatchObject({
      name: "/aws/eks/${var.cluster_name}/cluster",
      retention_in_days: "${var.control_plane_log_retention_days}",
    });
    expect(cluster.variable("control_plane_log_retention_days").default).toBe(90);
    expect(eks.depends_on).toContain("aws_cloudwatch_log_group.cluster");
  });

  test("authentication through access entries only; admins get AmazonEKSClusterAdminPolicy", () => {
    expect(eks.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    const entry = cluster.resource("aws_eks_access_entry", "admin");
    expect(entry.for_each).toBe("${toset(local.cluster_admin_principal_arns)}");
    const association = cluster.resource("aws_eks_access_policy_association", "admin");
    expect(association.policy_arn).toBe(
      "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    );
    expect(association.access_scope).toEqual({ type: "cluster" });
    expect(cluster.resource("aws_eks_access_entry", "cluster_creator").principal_arn).toBe("${data.aws_iam_session_context.current.issuer_arn}");
    expect(cluster.resource("aws_eks_access_policy_association", "cluster_creator").policy_arn).toBe(association.policy_arn);
  });

  test("the cluster role is trusted by EKS only and carries only the cluster policy", () => {
    expect(cluster.resource("aws_iam_role", "cluster").assume_role_policy).toContain('"Service" = "eks.amazonaws.com"');
    expect(managedPoliciesOf(cluster, "cluster")).toEqual(["AmazonEKSClusterPolicy"]);
  });

  test("an IAM OIDC provider for IRSA", () => {
    expect(cluster.resource("aws_iam_openid_connect_provider", "oidc")).toMatchObject({
      url: "${aws_eks_cluster.this.identity[0].oidc[0].issuer}",
      client_id_list: ["sts.amazonaws.com"],
    });
  });

  test("the Kubernetes version defaults to the catalog's, and the variable accepts only pinned versions", () => {
    expect(cluster.variable("kubernetes_version").default).toBe(defaultKubernetesVersion);
    expect(cluster.variable("kubernetes_version").validation[0].condition).toContain(JSON.stringify(Object.keys(kubernetesReleases)));
    expect(eks.upgrade_policy).toEqual({ support_type: "${var.support_type}" });
    expect(cluster.variable("support_type").default).toBe("STANDARD");
  });
});

describe("baseline network", () => {
  test("three zones by default, subnets carved from the VPC CIDR, tagged for load balancers", () => {
    expect(cluster.variable("availability_zone_count").default).toBe(3);
    expect(cluster.resource("aws_subnet", "public").tags).toContain('"kubernetes.io/role/elb" = "1"');
    expect(cluster.resource("aws_subnet", "private").tags).toContain('"kubernetes.io/role/internal-elb" = "1"');
    expect(cluster.resource("aws_subnet", "private").cidr_block).toBe("${cidrsubnet(var.vpc_cidr, 3, count.index)}");
    expect(cluster.resource("aws_subnet", "public").map_public_ip_on_launch).toBe(false);
  });

  test("control-plane ENIs in intra subnets without internet routes", () => {
    expect(cluster.resource("aws_eks_cluster", "this").vpc_config.subnet_ids).toBe("${aws_subnet.intra[*].id}");
    const routes = cluster.resources("aws_route");
    expect(Object.values(routes).some((r) => r.route_table_id.includes("aws_route_table.intra"))).toBe(false);
  });

  test("one NAT gateway by default, one per zone as an option", () => {
    expect(cluster.variable("nat_gateway_mode").default).toBe("single");
    expect(cluster.resource("aws_nat_gateway", "this").count).toBe(
      '${var.nat_gateway_mode == "single" ? 1 : var.availability_zone_count}',
    );
    const perAz = synthesize("baseline", { network: { mode: "create", natGateways: "onePerAz" } });
    expect(perAz.cluster.variable("nat_gateway_mode").default).toBe("one_per_az");
  });

  test("the default security group is managed with no rules, so it allows nothing", () => {
    const sg = cluster.resource("aws_default_security_group", "default");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  test("VPC flow logs of all traffic to CloudWatch with retention", () => {
    expect(cluster.resource("aws_flow_log", "this")).toMatchObject({
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: "${aws_cloudwatch_log_group.flow_logs.arn}",
    });
    expect(cluster.resource("aws_cloudwatch_log_group", "flow_logs").retention_in_days).toBe("${var.flow_log_retention_days}");
  });

  test("an existing VPC creates no network resources and takes its ids as inputs", () => {
    const existing = synthesize("baseline", {
      network: {
        mode: "existing",
        vpcId: "vpc-0123456789abcdef0",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      },
    });
    expect(existing.cluster.resources("aws_vpc")).toEqual({});
    expect(existing.cluster.resources("aws_subnet")).toEqual({});
    expect(existing.cluster.resources("aws_nat_gateway")).toEqual({});
    expect(existing.cluster.variable("vpc_id").default).toBe("vpc-0123456789abcdef0");
    expect(existing.cluster.resource("aws_eks_cluster", "this").vpc_config.subnet_ids).toBe("${local.control_plane_subnet_ids}");
    expect(existing.cluster.local("control_plane_subnet_ids")).toBe(
      "${length(var.control_plane_subnet_ids) > 0 ? var.control_plane_subnet_ids : var.private_subnet_ids}",
    );
  });
});

describe("baseline managed node groups", () => {
  const template = cluster.resource("aws_launch_template", "node");
  const group = cluster.resource("aws_eks_node_group", "this");

  test("IMDSv2 required with a hop limit of 1", () => {
    expect(template.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 });
  });

  test("encrypted gp3 root volume, tags propagated to instances, volumes and ENIs", () => {
    expect(template.block_device_mappings[0].ebs).toMatchObject({ encrypted: "true", volume_type: "gp3" });
    expect(template.tag_specifications.map((t: Json) => t.resource_type)).toEqual(["instance", "volume", "network-interface"]);
  });

  test("one group per entry of the node_groups variable, defaulting to the settings", () => {
    expect(group.for_each).toBe("${var.node_groups}");
    expect(cluster.variable("node_groups").default).toEqual({
      general: {
        instance_types: ["m6i.large", "m6a.large", "m7i.large"],
        capacity_type: "ON_DEMAND",
        ami_type: "AL2023_x86_64_STANDARD",
        min_size: 2,
        desired_size: 3,
        max_size: 6,
        disk_size_gib: 50,
        labels: {},
        taints: [],
        max_unavailable_percentage: 33,
      },
    });
    expect(group.launch_template).toEqual({
      id: "${aws_launch_template.node[each.key].id}",
      version: "${aws_launch_template.node[each.key].latest_version}",
    });
    expect(group.lifecycle.ignore_changes).toEqual(["scaling_config[0].desired_size"]);
  });

  test("the Terraform variable re-checks min <= desired <= max", () => {
    const conditions = cluster.variable("node_groups").validation.map((v: Json) => v.condition);
    expect(conditions).toContain("${alltrue([for g in var.node_groups : g.min_size <= g.desired_size && g.desired_size <= g.max_size])}");
  });

  test("Cluster Autoscaler auto-discovery tags on every group", () => {
    expect(group.tags).toBe("${merge(var.tags, local.cluster_autoscaler_discovery_tags)}");
    expect(cluster.local("cluster_autoscaler_discovery_tags")).toEqual({
      "k8s.io/cluster-autoscaler/enabled": "true",
      "k8s.io/cluster-autoscaler/${aws_eks_cluster.this.name}": "owned",
    });
  });

  test("the node role has worker, ECR read-only and SSM policies, and not the CNI policy", () => {
    expect(managedPoliciesOf(cluster, "node")).toEqual(["AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore"]);
    expect(managedPoliciesOf(cluster, "vpc_cni")).toEqual(["AmazonEKS_CNI_Policy"]);
    expect(cluster.local("vpc_cni_trust_policy").Statement[0].Condition.StringEquals).toEqual({
      '${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}:sub': "system:serviceaccount:kube-system:aws-node",
      '${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}:aud': "sts.amazonaws.com",
    });
  });
});

describe("baseline EKS managed add-ons", () => {
  const addonsByName = Object.fromEntries(Object.values(cluster.resources("aws_eks_addon")).map((a) => [a.addon_name, a]));

  test("the five add-ons, each with a pinned version and deliberate conflict resolution", () => {
    expect(Object.keys(addonsByName).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
    expect(addonsByName["vpc-cni"].addon_version).toBe(eksAddonVersions.vpcCni);
    expect(addonsByName["aws-ebs-csi-driver"].addon_version).toBe(eksAddonVersions.awsEbsCsiDriver);
    expect(addonsByName["kube-proxy"].addon_version).toBe("${local.eks_addon_versions[var.kubernetes_version].kube_proxy}");
    expect(cluster.local("eks_addon_versions")[defaultKubernetesVersion]).toEqual({
      kube_proxy: kubernetesReleases[defaultKubernetesVersion].kubeProxy,
      coredns: kubernetesReleases[defaultKubernetesVersion].coredns,
    });
    for (const addon of Object.values(addonsByName)) {
      expect(addon).toMatchObject({ resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" });
    }
  });

  test("vpc-cni enforces network policies", () => {
    expect(addonsByName["vpc-cni"].configuration_values).toBe('${jsonencode({"enableNetworkPolicy" = "true"})}');
  });

  test("nodes wait for the networking add-ons; CoreDNS and EBS CSI wait for the nodes", () => {
    const group = cluster.resource("aws_eks_node_group", "this");
    expect(group.depends_on).toEqual(expect.arrayContaining(["aws_eks_addon.vpc_cni", "aws_eks_addon.kube_proxy", "aws_eks_addon.eks_pod_identity_agent"]));
    expect(addonsByName.coredns.depends_on).toEqual(["aws_eks_node_group.this"]);
    expect(addonsByName["aws-ebs-csi-driver"].depends_on).toEqual(["aws_iam_role_policy_attachment.ebs_csi_driver", "aws_eks_node_group.this"]);
    expect(cluster.resource("aws_eks_cluster", "this").bootstrap_self_managed_addons).toBe(false);
  });

  test("the EBS CSI driver gets its permissions through EKS Pod Identity", () => {
    expect(addonsByName["aws-ebs-csi-driver"].pod_identity_association).toEqual([
      { role_arn: "${aws_iam_role.ebs_csi_driver.arn}", service_account: "ebs-csi-controller-sa" },
    ]);
    expect(cluster.resource("aws_iam_role", "ebs_csi_driver").assume_role_policy).toContain("pods.eks.amazonaws.com");
  });
});

describe("baseline Helm add-ons", () => {
  test("AWS Load Balancer Controller: upstream IAM policy, Pod Identity, explicit region and VPC", () => {
    expect(cluster.local("aws_load_balancer_controller_policy")).toEqual(
      JSON.parse(JSON.stringify(awsLoadBalancerControllerPolicy("${data.aws_partition.current.partition}"))),
    );
    expect(cluster.resource("aws_eks_pod_identity_association", "aws_load_balancer_controller")).toMatchObject({
      namespace: "kube-system",
      service_account: "aws-load-balancer-controller",
      role_arn: "${aws_iam_role.aws_load_balancer_controller.arn}",
    });
    const release = addons.resource("helm_release", "aws_load_balancer_controller");
    expect(release).toMatchObject({
      repository: helmCharts.awsLoadBalancerController.repository,
      chart: helmCharts.awsLoadBalancerController.chart,
      version: helmCharts.awsLoadBalancerController.version,
      namespace: "kube-system",
    });
    expect(release.values).toEqual(["${jsonencode(local.aws_load_balancer_controller_values)}"]);
    expect(addons.local("aws_load_balancer_controller_values")).toMatchObject({
      clusterName: "${data.aws_eks_cluster.this.name}",
      region: "${data.aws_region.current.region}",
      vpcId: "${data.aws_eks_cluster.this.vpc_config[0].vpc_id}",
      serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: {} },
    });
  });

  test("Cluster Autoscaler: mutating actions only on this cluster's tagged groups; auto-discovery by name", () => {
    const statements = cluster.local("cluster_autoscaler_policy").Statement as Json[];
    const mutating = statements.find((s) => s.Action.includes("autoscaling:SetDesiredCapacity"))!;
    expect(mutating.Action.sort()).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
    expect(mutating.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/${aws_eks_cluster.this.name}": "owned" } });
    for (const s of statements.filter((s) => s !== mutating)) {
      expect(([] as string[]).concat(s.Action).every((a) => /:(Describe|Get)/.test(a))).toBe(true);
    }
    const values = addons.local("cluster_autoscaler_values");
    expect(values.autoDiscovery).toEqual({ clusterName: "${data.aws_eks_cluster.this.name}" });
    expect(values.awsRegion).toBe("${data.aws_region.current.region}");
    expect(values.rbac.serviceAccount.name).toBe("cluster-autoscaler");
    expect(values.extraArgs.expander).toBe("${var.cluster_autoscaler_expander}");
    expect(addons.variable("cluster_autoscaler_expander").default).toBe("least-waste");
    expect(cluster.resource("aws_eks_pod_identity_association", "cluster_autoscaler").service_account).toBe("cluster-autoscaler");
  });

  test("the expander is configurable from the settings", () => {
    const priority = synthesize("baseline", { addons: { clusterAutoscaler: { expander: "priority" } } });
    expect(priority.addons.variable("cluster_autoscaler_expander").default).toBe("priority");
  });

  test("charts that create Services wait for the Load Balancer Controller's webhook", () => {
    expect(addons.resource("helm_release", "cluster_autoscaler").depends_on).toEqual(["helm_release.aws_load_balancer_controller"]);
    expect(addons.resource("helm_release", "metrics_server").depends_on).toEqual(["helm_release.aws_load_balancer_controller"]);
  });

  test("an encrypted gp3 default StorageClass bound at scheduling time", () => {
    expect(addons.resource("kubernetes_storage_class_v1", "gp3")).toMatchObject({
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storage_provisioner: "ebs.csi.aws.com",
      volume_binding_mode: "WaitForFirstConsumer",
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
    });
  });
});
