import { allStrings, Json, managedPoliciesOf, settingsErrorFor, synthesize } from "../helpers";

const synth = (settings?: unknown) => synthesize("fargate-only", settings);

const errorFor = (settings: unknown): string => settingsErrorFor("fargate-only", settings);

const { cluster, addons } = synth();

describe("fargate-only: no EC2 capacity at all", () => {
  test("no node group, launch template, node role or Cluster Autoscaler anywhere", () => {
    expect(cluster.resources("aws_eks_node_group")).toEqual({});
    expect(cluster.resources("aws_launch_template")).toEqual({});
    expect(Object.keys(cluster.resources("aws_iam_role"))).not.toContain("node");
    expect(Object.keys(cluster.resources("aws_iam_role"))).not.toContain("cluster_autoscaler");
    expect(Object.keys(addons.resources("helm_release")).sort()).toEqual(["aws_load_balancer_controller", "destroy_cleanup", "metrics_server"]);
    expect(allStrings(addons.merged).join("\n")).not.toContain("cluster-autoscaler");
  });

  test("no Pod Identity agent or associations, no EBS CSI driver, no gp3 StorageClass", () => {
    expect(Object.keys(cluster.resources("aws_eks_addon")).sort()).toEqual(["coredns", "kube_proxy", "vpc_cni"]);
    expect(cluster.resources("aws_eks_pod_identity_association")).toEqual({});
    expect(addons.resources("kubernetes_storage_class_v1")).toEqual({});
  });
});

describe("fargate-only: Fargate profiles", () => {
  const profile = cluster.resource("aws_eks_fargate_profile", "this");

  test("one profile per entry of fargate_profiles, in the private subnets, selectors from the variable", () => {
    expect(profile.for_each).toBe("${var.fargate_profiles}");
    expect(profile.fargate_profile_name).toBe("${each.key}");
    expect(profile.subnet_ids).toBe("${aws_subnet.private[*].id}");
    expect(profile.pod_execution_role_arn).toBe("${aws_iam_role.fargate_pod_execution.arn}");
    expect(profile.dynamic.selector).toEqual({
      for_each: "${each.value.selectors}",
      content: { namespace: "${selector.value.namespace}", labels: "${selector.value.labels}" },
    });
    expect(profile.selector).toBeUndefined();
  });

  test("defaults: kube-system, and default plus app-* for applications (keys written verbatim)", () => {
    expect(cluster.variable("fargate_profiles").default).toEqual({
      "kube-system": { selectors: [{ namespace: "kube-system", labels: {} }] },
      applications: { selectors: [{ namespace: "default", labels: {} }, { namespace: "app-*", labels: {} }] },
    });
    const rules = cluster.variable("fargate_profiles").validation.map((v: Json) => v.condition);
    expect(rules.some((r: string) => r.includes('s.namespace == "kube-system" && length(s.labels) == 0'))).toBe(true);
  });

  test("pod execution role: trusted by eks-fargate-pods for this cluster's profiles only", () => {
    const trust = cluster.resource("aws_iam_role", "fargate_pod_execution").assume_role_policy as string;
    expect(trust).toContain('"Service" = "eks-fargate-pods.amazonaws.com"');
    expect(trust).toContain('"ArnLike" = {"aws:SourceArn" = "${replace(aws_eks_cluster.this.arn, ":cluster/", ":fargateprofile/")}/*"}');
    expect(trust).toContain('"aws:SourceAccount" = data.aws_caller_identity.current.account_id');
    expect(managedPoliciesOf(cluster, "fargate_pod_execution")).toEqual(["AmazonEKSFargatePodExecutionRolePolicy"]);
  });

  test("the log router may write to one log group, which has a retention period", () => {
    expect(cluster.resource("aws_cloudwatch_log_group", "fargate")).toMatchObject({
      name: "/aws/eks/${aws_eks_cluster.this.name}/fargate",
      retention_in_days: "${var.fargate_log_retention_days}",
    });
    expect(cluster.variable("fargate_log_retention_days").default).toBe(30);
    const policy = cluster.resource("aws_iam_role_policy", "fargate_logging");
    expect(policy.role).toBe("${aws_iam_role.fargate_pod_execution.id}");
    for (const action of ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:DescribeLogStreams", "logs:PutLogEvents"]) {
      expect(policy.policy).toContain(action);
    }
    expect(policy.policy).toContain('"Resource" = [aws_cloudwatch_log_group.fargate.arn, "${aws_cloudwatch_log_group.fargate.arn}:*"]');
    expect(profile.depends_on).toContain("aws_iam_role_policy.fargate_logging");
  });

  test("CoreDNS runs on Fargate and waits for the profiles", () => {
    const coredns = cluster.resource("aws_eks_addon", "coredns");
    expect(coredns.configuration_values).toBe('${jsonencode({"computeType" = "Fargate"})}');
    expect(coredns.depends_on).toEqual(["aws_eks_fargate_profile.this"]);
  });
});

describe("fargate-only: IRSA for the Load Balancer Controller, handed to the add-ons module", () => {
  test("the controller's role is trusted through the OIDC provider for its service account only", () => {
    const trust = cluster.local("aws_load_balancer_controller_trust_policy");
    expect(trust.Statement[0].Principal).toEqual({ Federated: "${aws_iam_openid_connect_provider.oidc.arn}" });
    expect(trust.Statement[0].Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:kube-system:aws-load-balancer-controller");
  });

  test("cluster outputs the role ARN and the log group name; the add-ons module requires them", () => {
    expect(cluster.output("aws_load_balancer_controller_role_arn").value).toBe("${aws_iam_role.aws_load_balancer_controller.arn}");
    expect(cluster.output("fargate_log_group_name").value).toBe("${aws_cloudwatch_log_group.fargate.name}");
    for (const name of ["aws_load_balancer_controller_role_arn", "fargate_log_group_name"]) {
      expect(addons.variable(name)).toMatchObject({ type: "string", nullable: false });
      expect(addons.variable(name).default).toBeUndefined();
    }
  });

  test("the chart annotates its service account with the role and gets VPC and region explicitly", () => {
    const values = addons.local("aws_load_balancer_controller_values");
    expect(values.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": "${var.aws_load_balancer_controller_role_arn}" });
    expect(values.vpcId).toBe("${data.aws_eks_cluster.this.vpc_config[0].vpc_id}");
    expect(values.region).toBe("${data.aws_region.current.region}");
  });

  test("metrics-server moves off port 10250, which the Fargate kubelet holds", () => {
    expect(addons.local("metrics_server_values").containerPort).toBe(10251);
  });
});

describe("fargate-only: Fargate log router", () => {
  test("aws-observability namespace with its label, aws-logging ConfigMap to CloudWatch", () => {
    expect(addons.resource("kubernetes_namespace_v1", "aws_observability").metadata).toEqual({
      name: "aws-observability",
      labels: { "aws-observability": "enabled" },
    });
    const configMap = addons.resource("kubernetes_config_map_v1", "aws_logging");
    expect(configMap.metadata).toEqual({ name: "aws-logging", namespace: "${kubernetes_namespace_v1.aws_observability.metadata[0].name}" });
    expect(Object.keys(configMap.data).sort()).toEqual(["filters.conf", "flb_log_cw", "output.conf", "parsers.conf"]);
    expect(configMap.data["output.conf"]).toBe(
      "[OUTPUT]\n    Name cloudwatch_logs\n    Match kube.*\n    region ${data.aws_region.current.region}\n" +
        "    log_group_name ${var.fargate_log_group_name}\n    log_stream_prefix fargate-\n    auto_create_group false\n",
    );
    expect(configMap.data["filters.conf"]).toContain("[FILTER]\n    Name kubernetes\n    Match kube.*\n");
    expect(configMap.data["parsers.conf"]).toMatch(/^\[PARSER\]\n    Name crio\n    Format Regex\n/);
    expect(Object.values(configMap.data).join("").length).toBeLessThanOrEqual(5300);
  });

  test("controllers start after the log router is configured", () => {
    expect(addons.resource("helm_release", "aws_load_balancer_controller").depends_on).toEqual(["kubernetes_config_map_v1.aws_logging"]);
  });
});

describe("fargate-only: baseline security defaults", () => {
  const eks = cluster.resource("aws_eks_cluster", "this");
  test("private endpoint on, public endpoint off by default", () => {
    expect(eks.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.variable("endpoint_public_access").default).toBe(false);
  });
  test("KMS envelope encryption of secrets with a rotating key", () => {
    expect(eks.encryption_config).toEqual({ resources: ["secrets"], provider: { key_arn: "${aws_kms_key.cluster.arn}" } });
    expect(cluster.resource("aws_kms_key", "cluster").enable_key_rotation).toBe(true);
  });
  test("access entries only", () => {
    expect(eks.access_config.authentication_mode).toBe("API");
  });
});

describe("fargate-only settings", () => {
  test("custom profiles become the variable's default", () => {
    const custom = synth({
      fargateProfiles: {
        system: { selectors: [{ namespace: "kube-system" }] },
        shop: { selectors: [{ namespace: "shop", labels: { "app.kubernetes.io/part-of": "shop" } }] },
      },
    });
    expect(custom.cluster.variable("fargate_profiles").default).toEqual({
      system: { selectors: [{ namespace: "kube-system", labels: {} }] },
      shop: { selectors: [{ namespace: "shop", labels: { "app.kubernetes.io/part-of": "shop" } }] },
    });
  });

  test.each([
    [
      { nodeGroups: { general: { instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 1, maxSize: 2 } } },
      "nodeGroups: unknown setting: fargate-only runs no EC2 nodes; choose which pods run on Fargate with fargateProfiles",
    ],
    [{ addons: { clusterAutoscaler: { expander: "priority" } } }, "addons.clusterAutoscaler: unknown setting: Fargate sizes capacity per pod"],
    [{ fargateProfiles: { apps: { selectors: [{ namespace: "default" }] } } }, "fargateProfiles: one profile must select the whole kube-system namespace"],
    [
      { fargateProfiles: { "kube-system": { selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] } } },
      "fargateProfiles: one profile must select the whole kube-system namespace (no labels)",
    ],
    [
      { fargateProfiles: { "kube-system": { selectors: ["a", "b", "c", "d", "e", "kube-system"].map((namespace) => ({ namespace })) } } },
      "fargateProfiles.kube-system.selectors: must list at most 5 selectors (EKS limit)",
    ],
    [{ fargateProfiles: { "kube-system": { selectors: [] } } }, "fargateProfiles.kube-system.selectors: must list at least one selector"],
    [{ fargateProfiles: { "kube-system": { selectors: [{ namespace: "Kube_System" }] } } }, "fargateProfiles.kube-system.selectors.0.namespace: must be a Kubernetes namespace name"],
    [{ fargateLogRetentionDays: 10 }, "fargateLogRetentionDays: must be one of the CloudWatch Logs retention periods"],
  ])("%j is rejected", (settings, message) => {
    expect(errorFor(settings)).toContain(message);
  });
});
