import { settingsErrorFor, synthesize } from "../helpers";

const PAYMENTS_DEV = "arn:aws:iam::123456789012:role/payments-developers";
const ANALYST = "arn:aws:iam::123456789012:role/analysts";
const PLATFORM = "arn:aws:iam::123456789012:role/platform-admins";

const teams = {
  platform: { adminArns: [PLATFORM] },
  applications: {
    payments: {
      principalArns: [PAYMENTS_DEV],
      quota: { requestsCpu: "8", pods: 100 },
      podIdentity: { serviceAccount: "payments-api", policyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] },
    },
    analytics: { namespace: "analytics-prod", principalArns: [ANALYST], access: "view" },
  },
};

describe("teams: cluster module", () => {
  const { cluster } = synthesize("baseline", { teams });

  it("makes the platform team's admins cluster admins", () => {
    expect(cluster.variable("admin_principal_arns").default).toEqual([PLATFORM]);
  });

  it("gives each member an access entry with the team's policy, scoped to the team's namespace", () => {
    expect(cluster.variable("application_teams").default).toEqual({
      payments: {
        namespace: "payments",
        principal_arns: [PAYMENTS_DEV],
        access: "edit",
        pod_identity: { service_account: "payments-api", policy_arns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] },
      },
      analytics: { namespace: "analytics-prod", principal_arns: [ANALYST], access: "view" },
    });
    expect(cluster.local("team_access_policy_arns")).toEqual({
      edit: "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
      view: "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
    });
    const entry = cluster.resource("aws_eks_access_entry", "team");
    expect(entry).toMatchObject({ for_each: "${local.team_members}", principal_arn: "${each.key}", type: "STANDARD" });
    const association = cluster.resource("aws_eks_access_policy_association", "team");
    expect(association).toMatchObject({
      for_each: "${local.team_members}",
      // Through the entry: the association cannot be created before it.
      principal_arn: "${aws_eks_access_entry.team[each.key].principal_arn}",
      policy_arn: "${local.team_access_policy_arns[each.value.access]}",
      access_scope: { type: "namespace", namespaces: ["${each.value.namespace}"] },
    });
  });

  it("trusts a team's Pod Identity role only for this cluster and account, and associates it with the team's service account", () => {
    const role = cluster.resource("aws_iam_role", "team");
    expect(role.for_each).toBe("${local.team_pod_identity}");
    expect(role.name).toBe("${local.name_prefix}-team-${each.key}");
    expect(role.assume_role_policy).toContain('"aws:SourceAccount" = data.aws_caller_identity.current.account_id');
    expect(role.assume_role_policy).toContain('"aws:SourceArn" = aws_eks_cluster.this.arn');
    expect(cluster.resource("aws_eks_pod_identity_association", "team")).toMatchObject({
      namespace: "${var.application_teams[each.key].namespace}",
      service_account: "${each.value.service_account}",
      role_arn: "${aws_iam_role.team[each.key].arn}",
    });
    expect(cluster.resource("aws_iam_role_policy_attachment", "team").role).toBe("${aws_iam_role.team[each.value.team].name}");
  });

  it("adds nothing to a cluster without teams", () => {
    const plain = synthesize("baseline").cluster;
    expect(plain.resources("aws_eks_access_entry").team).toBeUndefined();
    expect(() => plain.variable("application_teams")).toThrow();
  });
});

describe("teams: add-ons module", () => {
  const { addons } = synthesize("baseline", { teams });

  it("creates each namespace with a quota, container defaults, and Pod Security labels", () => {
    expect(addons.variable("application_teams").default.payments).toEqual({
      namespace: "payments",
      quota: { requests_cpu: "8", requests_memory: "8Gi", limits_cpu: "8", limits_memory: "16Gi", pods: 100 },
      container_defaults: { request_cpu: "100m", request_memory: "128Mi", limit_cpu: "500m", limit_memory: "512Mi" },
    });
    expect(addons.resource("kubernetes_namespace_v1", "team").metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "eks-blueprints.io/team": "${each.key}",
    });
    const inNamespace = "${kubernetes_namespace_v1.team[each.key].metadata[0].name}";
    expect(addons.resource("kubernetes_resource_quota_v1", "team")).toMatchObject({
      metadata: { namespace: inNamespace },
      spec: { hard: { "requests.cpu": "${each.value.quota.requests_cpu}", "limits.memory": "${each.value.quota.limits_memory}", pods: "${each.value.quota.pods}" } },
    });
    expect(addons.resource("kubernetes_limit_range_v1", "team").spec.limit[0]).toEqual({
      type: "Container",
      default: { cpu: "${each.value.container_defaults.limit_cpu}", memory: "${each.value.container_defaults.limit_memory}" },
      default_request: { cpu: "${each.value.container_defaults.request_cpu}", memory: "${each.value.container_defaults.request_memory}" },
    });
  });

  it("denies all traffic but within the namespace and DNS to kube-dns in kube-system", () => {
    const policy = addons.resource("kubernetes_network_policy_v1", "team_default_deny");
    expect(policy.spec.pod_selector).toEqual({});
    expect(policy.spec.policy_types).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress).toEqual([{ from: [{ pod_selector: {} }] }]);
    expect(policy.spec.egress).toEqual([
      { to: [{ pod_selector: {} }] },
      {
        // Both selectors in one peer: kube-dns pods of kube-system only, not every pod there.
        to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "kube-system" } }, pod_selector: { match_labels: { "k8s-app": "kube-dns" } } }],
        ports: [
          { port: "53", protocol: "UDP" },
          { port: "53", protocol: "TCP" },
        ],
      },
    ]);
  });
});

describe("teams: validation", () => {
  const team = (t: object) => ({ teams: { applications: { payments: { principalArns: [PAYMENTS_DEV], ...t } } } });

  it("names the field and the rule", () => {
    expect(settingsErrorFor("baseline", team({ namespace: "Payments" }))).toContain("teams.applications.payments.namespace: must be a Kubernetes namespace name");
    expect(settingsErrorFor("baseline", team({ namespace: "kube-system" }))).toContain("teams.applications.payments.namespace: must not be one of the namespaces");
    expect(settingsErrorFor("baseline", team({ quota: { limitsMemory: "16 GB" } }))).toContain("teams.applications.payments.quota.limitsMemory: must be a Kubernetes quantity");
    expect(settingsErrorFor("baseline", team({ principalArns: ["arn:aws:iam::123:role/x"] }))).toContain("teams.applications.payments.principalArns.0: must be the ARN of an IAM role or user");
    expect(settingsErrorFor("baseline", team({ access: "admin" }))).toContain("teams.applications.payments.access");
    expect(settingsErrorFor("baseline", { teams: { applications: { "a-very-long-team-name-xyz": { principalArns: [PAYMENTS_DEV] } } } })).toContain("team names must be 1-23 characters");
  });

  it("allows each principal one access entry and each team its own namespace", () => {
    const twice = settingsErrorFor("baseline", {
      teams: { applications: { a: { principalArns: [PAYMENTS_DEV] }, b: { principalArns: [PAYMENTS_DEV], namespace: "a" } } },
    });
    expect(twice).toContain("teams.applications.b.principalArns.0: arn:aws:iam::123456789012:role/payments-developers already belongs to team a");
    expect(twice).toContain("teams.applications.b.namespace: namespace a is already team a's");
    expect(settingsErrorFor("baseline", { adminPrincipalArns: [PAYMENTS_DEV], ...team({}) })).toContain("is in adminPrincipalArns, so already a cluster admin");
    expect(settingsErrorFor("baseline", { teams: { platform: { adminArns: [PAYMENTS_DEV] }, applications: { payments: { principalArns: [PAYMENTS_DEV] } } } })).toContain(
      "already belongs to the platform team",
    );
  });

  it("writes the same rules into the modules' variable validations", () => {
    const { cluster, addons } = synthesize("baseline", { teams });
    const clusterRules = (cluster.variable("application_teams").validation as { condition: string }[]).map((r) => r.condition).join("\n");
    expect(clusterRules).toContain("setintersection(toset(flatten([for t in values(var.application_teams) : t.principal_arns])), toset(var.admin_principal_arns))");
    expect(clusterRules).toContain('!contains(["default","kube-system"');
    const addonRules = (addons.variable("application_teams").validation as { condition: string }[]).map((r) => r.condition).join("\n");
    expect(addonRules).toContain("t.quota.limits_memory");
    expect(addonRules).toContain("(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$");
  });
});
