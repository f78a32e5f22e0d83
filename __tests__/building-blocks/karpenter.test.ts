import { helmCharts, karpenterAmiAlias } from "../../modules/catalog";
import { INTERRUPTION_EVENTS } from "../../modules/addons/karpenter";
import { karpenterIntegrationPolicy, karpenterNodeLifecyclePolicy } from "../../modules/addons/karpenter-iam-policy";
import { CHART_DIR } from "../../modules/addons/karpenter-node-pools-chart";
import { SYSTEM_PLACEMENT } from "../../blueprints/spot-cost-optimized";
import { DEVICE_PLUGIN_LABEL, GPU_TAINT } from "../../blueprints/gpu";
import { renderTemplate } from "../chart-render";
import { allStrings, Json, settingsErrorFor, synthesize } from "../helpers";

const KARPENTER = { autoscaler: "karpenter" };
const nodeBlueprints = ["baseline", "spot-cost-optimized", "gpu"];
const baseline = synthesize("baseline", KARPENTER);
const spot = synthesize("spot-cost-optimized", KARPENTER);

/** A policy document held in a local, with Terraform references as they appear in it. */
const statements = (module: typeof baseline, local: string): Json[] => module.cluster.local(local).Statement;

describe("the autoscaler setting chooses one autoscaler", () => {
  test.each(nodeBlueprints)("%s: karpenter replaces the Cluster Autoscaler on both sides; the default has no Karpenter", (name) => {
    const withKarpenter = synthesize(name, KARPENTER);
    expect(Object.keys(withKarpenter.addons.resources("helm_release"))).toEqual(expect.arrayContaining(["karpenter_crd", "karpenter", "karpenter_node_pools"]));
    expect(withKarpenter.addons.resources("helm_release").cluster_autoscaler).toBeUndefined();
    expect(withKarpenter.cluster.resources("aws_iam_role").cluster_autoscaler).toBeUndefined();
    const byDefault = synthesize(name);
    expect(byDefault.addons.resources("helm_release").cluster_autoscaler).toBeDefined();
    expect(allStrings(byDefault.cluster.merged).some((s) => s.includes("karpenter"))).toBe(false);
    expect(allStrings(byDefault.addons.merged).some((s) => s.includes("karpenter"))).toBe(false);
  });

  test("fargate-only has no autoscaler setting, and an unknown autoscaler names the choices", () => {
    expect(settingsErrorFor("fargate-only", KARPENTER)).toContain("autoscaler");
    expect(settingsErrorFor("baseline", { autoscaler: "keda" })).toMatch(/autoscaler.*cluster-autoscaler.*karpenter/s);
  });
});

describe("controller IAM: upstream's v1.14 policy, scoped to this cluster", () => {
  const lifecycle = statements(baseline, "karpenter_node_lifecycle_policy");
  const integration = statements(baseline, "karpenter_policy");

  test("every statement of upstream's CloudFormation policies, by Sid, and no other", () => {
    expect(lifecycle.map((s) => s.Sid)).toEqual([
      "AllowScopedEC2InstanceAccessActions",
      "AllowScopedEC2LaunchTemplateAccessActions",
      "AllowScopedEC2InstanceActionsWithTags",
      "AllowScopedResourceCreationTagging",
      "AllowScopedResourceTagging",
      "AllowScopedDeletion",
    ]);
    expect(integration.map((s) => s.Sid)).toEqual([
      "AllowPassingInstanceRole",
      "AllowScopedInstanceProfileCreationActions",
      "AllowScopedInstanceProfileTagActions",
      "AllowScopedInstanceProfileActions",
      "AllowAPIServerEndpointDiscovery",
      "AllowInterruptionQueueActions",
      "AllowZonalShiftStatusReadOnly",
      "AllowRegionalReadActions",
      "AllowSSMReadActions",
      "AllowPricingReadActions",
      "AllowUnscopedInstanceProfileListAction",
      "AllowInstanceProfileReadActions",
    ]);
  });

  test("launch, tag and terminate need this cluster's ownership tag and a NodePool tag", () => {
    const owned = "kubernetes.io/cluster/${aws_eks_cluster.this.name}";
    for (const s of lifecycle.filter((x) => x.Sid !== "AllowScopedEC2InstanceAccessActions")) {
      const conditions = JSON.stringify(s.Condition);
      expect({ sid: s.Sid, owned: conditions.includes(`Tag/${owned}`), nodepool: conditions.includes("karpenter.sh/nodepool") }).toEqual({ sid: s.Sid, owned: true, nodepool: true });
    }
    const deletion = lifecycle.find((s) => s.Sid === "AllowScopedDeletion")!;
    expect(deletion.Condition.StringEquals).toEqual({ [`aws:ResourceTag/${owned}`]: "owned" });
    // The unconditioned statement reaches only images, snapshots, subnets, security groups, reservations, placement groups.
    const access = lifecycle[0];
    expect(access.Resource.map((r: string) => r.replace(/^.*:/, ""))).toEqual(["image/*", "snapshot/*", "security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"]);
    expect(access.Action).toEqual(["ec2:RunInstances", "ec2:CreateFleet"]);
  });

  test("PassRole only for the node role towards EC2; the queue and the cluster are this module's", () => {
    const pass = integration.find((s) => s.Sid === "AllowPassingInstanceRole")!;
    expect(pass.Resource).toBe("${aws_iam_role.karpenter_node.arn}");
    expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } });
    expect(integration.find((s) => s.Sid === "AllowInterruptionQueueActions")!.Resource).toBe("${aws_sqs_queue.karpenter.arn}");
    expect(integration.find((s) => s.Sid === "AllowAPIServerEndpointDiscovery")!.Resource).toBe(
      "arn:${data.aws_partition.current.partition}:eks:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:cluster/${aws_eks_cluster.this.name}",
    );
    const regional = integration.find((s) => s.Sid === "AllowRegionalReadActions")!;
    expect(regional.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "${data.aws_region.current.region}" } });
  });

  test("each document stays under IAM's 6,144-character limit for the longest names", () => {
    const scope = {
      clusterName: "c".repeat(100),
      partition: "aws-us-gov",
      region: "ap-southeast-4",
      accountId: "123456789012",
      nodeRoleArn: `arn:aws-us-gov:iam::123456789012:role/${"r".repeat(64)}`,
      queueArn: `arn:aws-us-gov:sqs:ap-southeast-4:123456789012:${"q".repeat(80)}`,
    };
    for (const doc of [karpenterNodeLifecyclePolicy(scope), karpenterIntegrationPolicy(scope)]) {
      expect(JSON.stringify(doc).length).toBeLessThan(6144);
    }
  });

  test("the controller role is trusted by Pod Identity for kube-system/karpenter of this cluster, with both policies", () => {
    const { cluster } = baseline;
    const trust = String(cluster.resource("aws_iam_role", "karpenter").assume_role_policy);
    expect(trust).toContain("pods.eks.amazonaws.com");
    expect(trust).toContain('"aws:SourceArn" = aws_eks_cluster.this.arn');
    expect(cluster.resource("aws_eks_pod_identity_association", "karpenter")).toMatchObject({ namespace: "kube-system", service_account: "karpenter" });
    const attached = Object.values(cluster.resources("aws_iam_role_policy_attachment")).filter((a) => a.role === "${aws_iam_role.karpenter.name}");
    expect(attached.map((a) => a.policy_arn).sort()).toEqual(["${aws_iam_policy.karpenter.arn}", "${aws_iam_policy.karpenter_node_lifecycle.arn}"]);
  });
});

describe("Karpenter's nodes", () => {
  test("a node role (no CNI policy: vpc-cni has its own role) with an EC2_LINUX access entry, and no instance profile", () => {
    const { cluster } = baseline;
    expect(String(cluster.resource("aws_iam_role", "karpenter_node").assume_role_policy)).toContain("ec2.amazonaws.com");
    expect(cluster.resource("aws_iam_role_policy_attachment", "karpenter_node").for_each).toEqual({
      AmazonEKSWorkerNodePolicy: "AmazonEKSWorkerNodePolicy",
      AmazonEC2ContainerRegistryPullOnly: "AmazonEC2ContainerRegistryPullOnly",
      AmazonSSMManagedInstanceCore: "AmazonSSMManagedInstanceCore",
    });
    expect(cluster.resource("aws_eks_access_entry", "karpenter_node")).toMatchObject({ type: "EC2_LINUX", principal_arn: "${aws_iam_role.karpenter_node.arn}" });
    expect(cluster.resources("aws_iam_instance_profile")).toEqual({});
  });

  test("private subnets and the cluster security group carry the discovery tag the node classes select", () => {
    const { cluster, addons } = baseline;
    const subnetTags = String(cluster.resource("aws_subnet", "private").tags);
    expect(subnetTags).toContain('"karpenter.sh/discovery" = var.cluster_name');
    expect(JSON.stringify(synthesize("baseline").cluster.resource("aws_subnet", "private").tags)).not.toContain("karpenter");
    expect(cluster.resource("aws_ec2_tag", "karpenter_discovery_cluster_security_group")).toEqual({
      resource_id: "${aws_eks_cluster.this.vpc_config[0].cluster_security_group_id}",
      key: "karpenter.sh/discovery",
      value: "${aws_eks_cluster.this.name}",
    });
    const nodeClass = addons.local("karpenter_node_pools_values").nodePools.default.nodeClass;
    const discovery = [{ tags: { "karpenter.sh/discovery": "${data.aws_eks_cluster.this.name}" } }];
    expect(nodeClass.subnetSelectorTerms).toEqual(discovery);
    expect(nodeClass.securityGroupSelectorTerms).toEqual(discovery);
  });

  test("existing private subnets are tagged one aws_ec2_tag per subnet", () => {
    const existing = synthesize("baseline", {
      ...KARPENTER,
      network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] },
    });
    const tag = existing.cluster.resource("aws_ec2_tag", "private_subnet");
    expect(tag.for_each).toBe("${local.private_subnet_extra_tag_pairs}");
    expect(existing.cluster.local("private_subnet_extra_tags")).toEqual({ "karpenter.sh/discovery": "${var.cluster_name}" });
    expect(existing.cluster.local("private_subnet_extra_tag_pairs")).toContain("setproduct(toset(var.private_subnet_ids)");
  });

  test("the node class: pinned AL2023 alias, the node role, IMDSv2 with hop limit 1, encrypted gp3 root", () => {
    const { addons } = baseline;
    expect(addons.variable("karpenter_ami_alias").default).toBe(karpenterAmiAlias);
    const nodeClass = addons.local("karpenter_node_pools_values").nodePools.default.nodeClass;
    expect(nodeClass.role).toBe("${var.karpenter_node_role_name}");
    expect(nodeClass.amiSelectorTerms).toEqual([{ alias: "${var.karpenter_ami_alias}" }]);
    expect(nodeClass.metadataOptions).toEqual({ httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
    expect(nodeClass.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } }]);
  });

  test("node pools: on-demand on baseline, Spot with On-Demand fallback on spot, a tainted GPU pool on gpu; limits and consolidation", () => {
    const pool = (m: typeof baseline, name: string) => m.addons.local("karpenter_node_pools_values").nodePools[name].nodePool;
    const capacity = (p: Json) => p.template.spec.requirements.find((r: Json) => r.key === "karpenter.sh/capacity-type").values;
    expect(capacity(pool(baseline, "default"))).toEqual(["on-demand"]);
    expect(capacity(pool(spot, "default"))).toEqual(["spot", "on-demand"]);
    const gpu = synthesize("gpu", KARPENTER);
    const gpuPool = pool(gpu, "gpu");
    expect(gpuPool.template.spec.taints).toEqual([GPU_TAINT]);
    expect(gpuPool.template.metadata.labels[DEVICE_PLUGIN_LABEL]).toBe("true");
    expect(gpu.addons.variable("karpenter_node_pool_limits").default).toEqual({ default: { cpu: "100", memory: "400Gi" }, gpu: { "nvidia.com/gpu": "8" } });
    const p = pool(baseline, "default");
    expect(p.limits).toBe('${var.karpenter_node_pool_limits["default"]}');
    expect(p.disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] });
    expect(p.template.spec.nodeClassRef).toEqual({ group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
  });

  test("settings: limits and AMI alias reach the variables; bad values are refused with the rule", () => {
    const tuned = synthesize("baseline", { ...KARPENTER, addons: { karpenter: { amiAlias: "al2023@v20260709", nodePoolLimits: { default: { cpu: "16" } } } } });
    expect(tuned.addons.variable("karpenter_ami_alias").default).toBe("al2023@v20260709");
    expect(tuned.addons.variable("karpenter_node_pool_limits").default).toEqual({ default: { cpu: "16", memory: "400Gi" } });
    expect(settingsErrorFor("baseline", { ...KARPENTER, addons: { karpenter: { amiAlias: "ami-0123" } } })).toMatch(/addons\.karpenter\.amiAlias.*al2023@vYYYYMMDD/s);
    expect(settingsErrorFor("baseline", { ...KARPENTER, addons: { karpenter: { nodePoolLimits: { gpu: { cpu: "1" } } } } })).toContain("keys must be NodePools of this blueprint: default");
  });
});

describe("interruption handling", () => {
  const { cluster } = baseline;
  test("an encrypted queue that keeps messages five minutes, sent to by EventBridge only over TLS", () => {
    expect(cluster.resource("aws_sqs_queue", "karpenter")).toMatchObject({ name: "${local.name_prefix}-karpenter", message_retention_seconds: 300, sqs_managed_sse_enabled: true });
    const policy = String(cluster.resource("aws_sqs_queue_policy", "karpenter").policy);
    expect(policy).toContain('"events.amazonaws.com"');
    expect(policy).toContain('"aws:SecureTransport" = "false"');
  });

  test("upstream's five EventBridge rules, each targeting the queue", () => {
    expect(cluster.local("karpenter_interruption_events")).toEqual({
      "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
      "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
      rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
      "state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
      reservation: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
    });
    expect(Object.keys(INTERRUPTION_EVENTS)).toHaveLength(5);
    expect(cluster.resource("aws_cloudwatch_event_rule", "karpenter")).toMatchObject({ for_each: "${local.karpenter_interruption_events}", event_pattern: "${jsonencode(each.value)}" });
    expect(cluster.resource("aws_cloudwatch_event_target", "karpenter")).toMatchObject({ for_each: "${aws_cloudwatch_event_rule.karpenter}", arn: "${aws_sqs_queue.karpenter.arn}" });
  });

  test("the queue and node role names are handed to the add-ons module", () => {
    expect(cluster.output("karpenter_interruption_queue_name").value).toBe("${aws_sqs_queue.karpenter.name}");
    expect(cluster.output("karpenter_node_role_name").value).toBe("${aws_iam_role.karpenter_node.name}");
    expect(baseline.addons.local("karpenter_values").settings).toEqual({ clusterName: "${data.aws_eks_cluster.this.name}", interruptionQueue: "${var.karpenter_interruption_queue_name}" });
  });
});

describe("add-ons module: CRDs, controller, node pools", () => {
  const releases = baseline.addons.resources("helm_release");

  test("the pinned OCI charts; CRDs from karpenter-crd (upgraded by Helm), so the controller skips its crds/", () => {
    expect(releases.karpenter_crd).toMatchObject({ repository: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd", version: helmCharts.karpenterCrd.version });
    expect(releases.karpenter).toMatchObject({ repository: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: helmCharts.karpenter.version, skip_crds: true });
    expect(helmCharts.karpenter.version).toBe(helmCharts.karpenterCrd.version);
  });

  test("CRDs, then the controller, then the node pools (destroyed first, while the controller still runs)", () => {
    expect(releases.karpenter.depends_on).toEqual(["helm_release.karpenter_crd"]);
    expect(releases.karpenter_node_pools.depends_on).toEqual(["helm_release.karpenter"]);
    expect(releases.karpenter_node_pools.chart).toBe(`\${path.module}/${CHART_DIR}`);
  });

  test.each(nodeBlueprints)("%s: no kubernetes_manifest (it would need the CRDs at plan time)", (name) => {
    expect(synthesize(name, KARPENTER).addons.resources("kubernetes_manifest")).toEqual({});
  });

  test("the controller runs on the managed system nodes on spot, and tolerates CriticalAddonsOnly everywhere", () => {
    const values = spot.addons.local("karpenter_values");
    expect(values.nodeSelector).toEqual({ "kubernetes.io/os": "linux", ...SYSTEM_PLACEMENT.nodeSelector });
    expect(values.tolerations).toEqual([{ key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }]);
    // No affinity value: the chart's default (karpenter.sh/nodepool DoesNotExist) keeps it off Karpenter's nodes.
    expect(values.affinity).toBeUndefined();
    expect(baseline.addons.local("karpenter_values").nodeSelector).toEqual({ "kubernetes.io/os": "linux" });
  });
});

describe("the karpenter-node-pools chart, rendered with the module's values", () => {
  const tree = synthesize("gpu", KARPENTER).tree;
  const file = (p: string) => {
    const content = tree.get(`gpu/addons/${CHART_DIR}/${p}`);
    if (content === undefined) throw new Error(`no ${p}`);
    return content;
  };
  const values = synthesize("gpu", KARPENTER).addons.local("karpenter_node_pools_values");

  test("one EC2NodeClass and one NodePool per pool, named alike, with the specs from the values", () => {
    for (const name of ["default", "gpu"]) {
      const [nodeClass, nodePool] = renderTemplate(file(`templates/node-pool-${name}.yaml`), values);
      expect(nodeClass).toEqual({ apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name }, spec: values.nodePools[name].nodeClass });
      expect(nodePool).toEqual({ apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name }, spec: values.nodePools[name].nodePool });
    }
  });

  test("a pre-delete hook deletes this chart's NodePools and waits for their NodeClaims, never on a Karpenter node", () => {
    const docs = renderTemplate(file("templates/cleanup.yaml"), values);
    const role = docs.find((d) => d.kind === "ClusterRole")!;
    expect(role.rules).toEqual([{ apiGroups: ["karpenter.sh"], resources: ["nodepools", "nodeclaims"], verbs: ["get", "list", "watch", "delete"] }]);
    const job = docs.find((d) => d.kind === "Job")!;
    expect(job.metadata.annotations["helm.sh/hook"]).toBe("pre-delete");
    const pod = job.spec.template.spec;
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "DoesNotExist" }] },
    ]);
    expect(pod.initContainers.map((c: Json) => c.args)).toEqual([["delete", "nodepools.karpenter.sh", "default", "gpu", "--ignore-not-found", "--wait=true", "--timeout=600s"]]);
    expect(pod.containers.map((c: Json) => c.args)).toEqual([["delete", "nodeclaims.karpenter.sh", "-l", "karpenter.sh/nodepool in (default,gpu)", "--wait=true", "--timeout=600s"]]);
    expect(job.spec.activeDeadlineSeconds).toBeLessThan(synthesize("gpu", KARPENTER).addons.resource("helm_release", "karpenter_node_pools").timeout);
  });

  test("the chart version changes with its templates (the Helm provider sees a changed chart only through it)", () => {
    const gpuVersion = synthesize("gpu", KARPENTER).addons.resource("helm_release", "karpenter_node_pools").version;
    const baselineVersion = baseline.addons.resource("helm_release", "karpenter_node_pools").version;
    expect(gpuVersion).toMatch(/^1\.0\.0\+[0-9a-f]{12}$/);
    expect(gpuVersion).not.toBe(baselineVersion);
    expect(file("Chart.yaml")).toContain(`version: ${gpuVersion}`);
  });
});
