import { Construct } from "constructs";
import { Fn, TerraformIterator, TerraformLocal, TerraformOutput } from "cdktf";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LimitRangeV1 } from "@cdktf/provider-kubernetes/lib/limit-range-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { ResourceQuotaV1 } from "@cdktf/provider-kubernetes/lib/resource-quota-v1";
import { setModuleFile } from "./blueprint-stack";
import { trustPolicy } from "./iam";
import { derivedName } from "./names";
import { moduleVariable, ofType, VariableRule } from "./terraform";
import { ClusterIdentityRefs } from "./workload-identity";

/**
 * Application teams: each gets a namespace, EKS access entries scoped to it, a ResourceQuota, a LimitRange,
 * a default-deny NetworkPolicy and, optionally, a Pod Identity role for its service account. The platform
 * team's admins join the cluster admins (modules/cluster.ts). Rules here are checked by both the settings
 * schema (blueprints/teams-settings.ts) and the modules' variable validations.
 */

/** Team names (map keys): DNS-1123 labels short enough for `<name prefix>-team-<name>` IAM role names. */
export const TEAM_NAME_PATTERN = "^[a-z]([-a-z0-9]{0,21}[a-z0-9])?$";
export const TEAM_NAME_RULE_TEXT = "team names must be 1-23 characters: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen";
/** A Kubernetes namespace name: an RFC 1123 label of at most 63 characters. */
export const NAMESPACE_PATTERN = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";
export const NAMESPACE_RULE_TEXT = "must be a Kubernetes namespace name: at most 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit";
/** Namespaces Kubernetes, EKS and this project's add-ons own; a team may not take them over. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "tigera-operator", "calico-system", "calico-apiserver"] as const;
/** A Kubernetes resource quantity in the forms quotas use: `500m`, `2`, `1.5`, `512Mi`, `8Gi`, `1G`. */
export const QUANTITY_PATTERN = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";
export const QUANTITY_RULE_TEXT = "must be a Kubernetes quantity such as 500m, 2, 512Mi or 8Gi";
/** A Kubernetes service account name (RFC 1123 subdomain, kept to a label here). */
export const SERVICE_ACCOUNT_PATTERN = NAMESPACE_PATTERN;
/** IAM managed policy ARNs (AWS managed or customer managed), any partition. */
export const POLICY_ARN_PATTERN = "^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/[A-Za-z0-9+=,.@_/-]+$";

/** EKS access policies per team access level (EKS user guide, "Review access policy permissions"). */
export const TEAM_ACCESS_POLICIES = { edit: "AmazonEKSEditPolicy", view: "AmazonEKSViewPolicy" } as const;
export type TeamAccessLevel = keyof typeof TEAM_ACCESS_POLICIES;

/** One team as the cluster module's `application_teams` variable holds it (Terraform spelling). */
export interface TeamAccessVariable {
  readonly namespace: string;
  readonly principal_arns: readonly string[];
  readonly access: TeamAccessLevel;
  readonly pod_identity?: { readonly service_account: string; readonly policy_arns: readonly string[] };
}

/** One team as the add-ons module's `application_teams` variable holds it. */
export interface TeamNamespaceVariable {
  readonly namespace: string;
  readonly quota: {
    readonly requests_cpu: string;
    readonly requests_memory: string;
    readonly limits_cpu: string;
    readonly limits_memory: string;
    readonly pods: number;
  };
  readonly container_defaults: {
    readonly request_cpu: string;
    readonly request_memory: string;
    readonly limit_cpu: string;
    readonly limit_memory: string;
  };
}

const ACCESS_TYPE = `map(object({
    namespace      = string
    principal_arns = list(string)
    access         = string
    pod_identity = optional(object({
      service_account = string
      policy_arns     = list(string)
    }))
  }))`;

const NAMESPACE_TYPE = `map(object({
    namespace = string
    quota = object({
      requests_cpu    = string
      requests_memory = string
      limits_cpu      = string
      limits_memory   = string
      pods            = number
    })
    container_defaults = object({
      request_cpu    = string
      request_memory = string
      limit_cpu      = string
      limit_memory   = string
    })
  }))`;

const v = "var.application_teams";
function namespaceRules(): VariableRule[] {
  return [
    {
      condition: `alltrue([for name, t in ${v} : can(regex(${JSON.stringify(TEAM_NAME_PATTERN)}, name))])`,
      message: `application_teams: ${TEAM_NAME_RULE_TEXT}.`,
    },
    {
      condition: `alltrue([for t in values(${v}) : can(regex(${JSON.stringify(NAMESPACE_PATTERN)}, t.namespace)) && !contains(${JSON.stringify(RESERVED_NAMESPACES)}, t.namespace) && !startswith(t.namespace, "kube-")])`,
      message: `application_teams: each namespace ${NAMESPACE_RULE_TEXT}, and none of ${RESERVED_NAMESPACES.join(", ")} or kube-*.`,
    },
    {
      condition: `length(distinct([for t in values(${v}) : t.namespace])) == length(${v})`,
      message: "application_teams: each team needs a namespace of its own.",
    },
  ];
}

/** The cluster side: access entries scoped to each team's namespace, and the teams' Pod Identity roles. */
export class TeamAccess extends Construct {
  constructor(scope: Construct, id: string, props: { readonly teams: Readonly<Record<string, TeamAccessVariable>>; readonly identity: ClusterIdentityRefs; readonly adminVariable: string }) {
    super(scope, id);
    setModuleFile(this, "teams");
    const { identity } = props;
    const teams = moduleVariable(this, "application_teams", {
      type: ACCESS_TYPE,
      description:
        "Application teams, by name: the namespace each works in, the IAM roles or users of its members, their access there (\"edit\": AmazonEKSEditPolicy, \"view\": AmazonEKSViewPolicy, both scoped to the namespace) and optionally a Pod Identity role for a service account of the namespace (pod_identity.policy_arns attached to it).",
      default: props.teams,
      rules: [
        ...namespaceRules(),
        {
          condition: `alltrue(flatten([for t in values(${v}) : [for a in t.principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", a))]]))`,
          message: "application_teams: principal_arns must contain IAM role or user ARNs (arn:aws:iam::123456789012:role/name).",
        },
        {
          condition: `length(flatten([for t in values(${v}) : t.principal_arns])) == length(distinct(flatten([for t in values(${v}) : t.principal_arns])))`,
          message: "application_teams: each principal may belong to one team only (EKS allows one access entry per principal).",
        },
        {
          condition: `length(setintersection(toset(flatten([for t in values(${v}) : t.principal_arns])), toset(var.${props.adminVariable}))) == 0`,
          message: `application_teams: a principal in ${props.adminVariable} is already a cluster admin; list it in one place only (EKS allows one access entry per principal).`,
        },
        { condition: `alltrue([for t in values(${v}) : contains(${JSON.stringify(Object.keys(TEAM_ACCESS_POLICIES))}, t.access)])`, message: "application_teams: access must be \"edit\" or \"view\"." },
        {
          condition: `alltrue([for t in values(${v}) : t.pod_identity == null ? true : can(regex(${JSON.stringify(SERVICE_ACCOUNT_PATTERN)}, t.pod_identity.service_account)) && alltrue([for p in t.pod_identity.policy_arns : can(regex(${JSON.stringify(POLICY_ARN_PATTERN)}, p))])])`,
          message: "application_teams: pod_identity.service_account must be a service account name and pod_identity.policy_arns IAM policy ARNs.",
        },
      ],
    });
    const teamsVar = `var.${teams.friendlyUniqueId}`;

    // One access entry per principal, keyed by its ARN: moving a member between teams changes only the association.
    const members = new TerraformLocal(
      this,
      "team_members",
      `\${merge([for team, t in ${teamsVar} : { for arn in t.principal_arns : arn => { team = team, namespace = t.namespace, access = t.access } }]...)}`,
    );
    const entry = new EksAccessEntry(ofType(this, "access_entry"), "team", {
      forEach: TerraformIterator.fromMap(members.expression),
      clusterName: identity.clusterName,
      principalArn: "${each.key}",
      type: "STANDARD",
      tags: identity.tags,
    });
    const policyByAccess = new TerraformLocal(
      this,
      "team_access_policy_arns",
      Object.fromEntries(Object.entries(TEAM_ACCESS_POLICIES).map(([level, name]) => [level, `arn:${identity.partition}:eks::aws:cluster-access-policy/${name}`])),
    );
    new EksAccessPolicyAssociation(ofType(this, "access_policy_association"), "team", {
      forEach: TerraformIterator.fromMap(members.expression),
      clusterName: identity.clusterName,
      principalArn: `\${${entry.fqn}[each.key].principal_arn}`,
      policyArn: `\${local.${policyByAccess.friendlyUniqueId}[each.value.access]}`,
      accessScope: { type: "namespace", namespaces: ["${each.value.namespace}"] },
    });

    const withRole = new TerraformLocal(this, "team_pod_identity", `\${{ for team, t in ${teamsVar} : team => t.pod_identity if t.pod_identity != null }}`);
    const role = new IamRole(ofType(this, "iam_role"), "team", {
      forEach: TerraformIterator.fromMap(withRole.expression),
      name: derivedName(identity.namePrefix, "-team-${each.key}", "iamRole", "-team-".length + 23),
      description: "Assumed through EKS Pod Identity by the service account of an application team (${each.key}).",
      assumeRolePolicy: Fn.jsonencode(trustPolicy({ kind: "podIdentity", sourceAccount: identity.accountId, clusterArn: identity.clusterArn })),
      tags: identity.tags,
    });
    const attachments = new TerraformLocal(
      this,
      "team_policy_attachments",
      `\${merge([for team, p in local.${withRole.friendlyUniqueId} : { for arn in p.policy_arns : "\${team} \${arn}" => { team = team, policy_arn = arn } }]...)}`,
    );
    new IamRolePolicyAttachment(ofType(this, "policy_attachment"), "team", {
      forEach: TerraformIterator.fromMap(attachments.expression),
      role: `\${${role.fqn}[each.value.team].name}`,
      policyArn: "${each.value.policy_arn}",
    });
    new EksPodIdentityAssociation(ofType(this, "pod_identity_association"), "team", {
      forEach: TerraformIterator.fromMap(withRole.expression),
      clusterName: identity.clusterName,
      namespace: `\${${teamsVar}[each.key].namespace}`,
      serviceAccount: "${each.value.service_account}",
      roleArn: `\${${role.fqn}[each.key].arn}`,
      tags: identity.tags,
    });
    new TerraformOutput(this, "team_role_arns", {
      description: "ARNs of the application teams' Pod Identity roles, by team.",
      value: `\${{ for team, r in ${role.fqn} : team => r.arn }}`,
    });
  }
}

/** The add-ons side: each team's namespace with its quota, container defaults and default-deny NetworkPolicy. */
export class TeamNamespaces extends Construct {
  constructor(scope: Construct, id: string, props: { readonly teams: Readonly<Record<string, TeamNamespaceVariable>> }) {
    super(scope, id);
    setModuleFile(this, "teams");
    const quantity = (path: string, field: string): VariableRule => ({
      condition: `alltrue([for t in values(${v}) : can(regex(${JSON.stringify(QUANTITY_PATTERN)}, t.${path}))])`,
      message: `application_teams: ${field} ${QUANTITY_RULE_TEXT}.`,
    });
    const teams = moduleVariable(this, "application_teams", {
      type: NAMESPACE_TYPE,
      description:
        "Application teams, by name: each team's namespace, its ResourceQuota (quota) and the requests and limits of containers that set none (container_defaults, a LimitRange). Every namespace also gets a default-deny NetworkPolicy that allows traffic within the namespace and DNS to kube-system.",
      default: props.teams,
      rules: [
        ...namespaceRules(),
        ...["requests_cpu", "requests_memory", "limits_cpu", "limits_memory"].map((f) => quantity(`quota.${f}`, `quota.${f}`)),
        ...["request_cpu", "request_memory", "limit_cpu", "limit_memory"].map((f) => quantity(`container_defaults.${f}`, `container_defaults.${f}`)),
        { condition: `alltrue([for t in values(${v}) : t.quota.pods >= 1 && floor(t.quota.pods) == t.quota.pods])`, message: "application_teams: quota.pods must be a whole number of at least 1." },
      ],
    });
    const each = () => TerraformIterator.fromMap(teams.value);
    const namespace = new NamespaceV1(ofType(this, "namespace"), "team", {
      forEach: each(),
      metadata: {
        name: "${each.value.namespace}",
        labels: {
          "app.kubernetes.io/managed-by": "terraform",
          "eks-blueprints.io/team": "${each.key}",
          // Pod Security Admission: privileged pods are refused, the restricted profile's gaps are reported.
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
        },
      },
    });
    const inNamespace = `\${${namespace.fqn}[each.key].metadata[0].name}`;
    new ResourceQuotaV1(ofType(this, "resource_quota"), "team", {
      forEach: each(),
      metadata: { name: "team-quota", namespace: inNamespace },
      spec: {
        hard: {
          "requests.cpu": "${each.value.quota.requests_cpu}",
          "requests.memory": "${each.value.quota.requests_memory}",
          "limits.cpu": "${each.value.quota.limits_cpu}",
          "limits.memory": "${each.value.quota.limits_memory}",
          pods: "${each.value.quota.pods}",
        },
      },
    });
    // A quota on requests and limits rejects pods that set none; the LimitRange fills them in.
    new LimitRangeV1(ofType(this, "limit_range"), "team", {
      forEach: each(),
      metadata: { name: "container-defaults", namespace: inNamespace },
      spec: {
        limit: [
          {
            type: "Container",
            defaultRequest: { cpu: "${each.value.container_defaults.request_cpu}", memory: "${each.value.container_defaults.request_memory}" },
            default: { cpu: "${each.value.container_defaults.limit_cpu}", memory: "${each.value.container_defaults.limit_memory}" },
          },
        ],
      },
    });
    new NetworkPolicyV1(ofType(this, "network_policy"), "team_default_deny", {
      forEach: each(),
      metadata: { name: "default-deny", namespace: inNamespace },
      spec: {
        // Every pod of the namespace; traffic not allowed below is denied in both directions.
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [
              { port: "53", protocol: "UDP" },
              { port: "53", protocol: "TCP" },
            ],
          },
        ],
      },
    });
  }
}
