import { z } from "zod";
import {
  NAMESPACE_PATTERN,
  NAMESPACE_RULE_TEXT,
  POLICY_ARN_PATTERN,
  QUANTITY_PATTERN,
  QUANTITY_RULE_TEXT,
  RESERVED_NAMESPACES,
  SERVICE_ACCOUNT_PATTERN,
  TEAM_ACCESS_POLICIES,
  TEAM_NAME_PATTERN,
  TEAM_NAME_RULE_TEXT,
  TeamAccessVariable,
  TeamNamespaceVariable,
} from "../modules/teams";

/** The settings of platform and application teams (RBAC through EKS access entries); rules from modules/teams.ts. */

export const iamPrincipalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/,
    "must be the ARN of an IAM role or user, e.g. arn:aws:iam::123456789012:role/platform-admins",
  );

const quantity = z.string().regex(new RegExp(QUANTITY_PATTERN), QUANTITY_RULE_TEXT);

const namespace = z
  .string()
  .regex(new RegExp(NAMESPACE_PATTERN), NAMESPACE_RULE_TEXT)
  .refine((n) => !(RESERVED_NAMESPACES as readonly string[]).includes(n) && !n.startsWith("kube-"), {
    message: `must not be one of the namespaces Kubernetes, EKS or the add-ons own (${RESERVED_NAMESPACES.join(", ")}, kube-*)`,
  });

const applicationTeam = z.strictObject({
  /** Default: the team's name. */
  namespace: namespace.optional(),
  /** IAM roles or users of the team's members; each gets an access entry scoped to the namespace. At least one. */
  principalArns: z.array(iamPrincipalArn).min(1, "must list at least one IAM role or user"),
  /** Default "edit" (AmazonEKSEditPolicy in the namespace); "view" is read-only (AmazonEKSViewPolicy). */
  access: z.enum(Object.keys(TEAM_ACCESS_POLICIES) as [keyof typeof TEAM_ACCESS_POLICIES]).default("edit"),
  /** The namespace's ResourceQuota. Default 4 CPUs and 8Gi requested, 8 CPUs and 16Gi limits, 50 pods. */
  quota: z
    .strictObject({
      requestsCpu: quantity.default("4"),
      requestsMemory: quantity.default("8Gi"),
      limitsCpu: quantity.default("8"),
      limitsMemory: quantity.default("16Gi"),
      pods: z.number().int().min(1, "must be at least 1").default(50),
    })
    .prefault({}),
  /** Requests and limits of containers that set none (a LimitRange). Default 100m/128Mi requested, 500m/512Mi limits. */
  containerDefaults: z
    .strictObject({
      requestCpu: quantity.default("100m"),
      requestMemory: quantity.default("128Mi"),
      limitCpu: quantity.default("500m"),
      limitMemory: quantity.default("512Mi"),
    })
    .prefault({}),
  /** A Pod Identity role for one service account of the namespace, with these IAM policies. Default none. */
  podIdentity: z
    .strictObject({
      serviceAccount: z.string().regex(new RegExp(SERVICE_ACCOUNT_PATTERN), "must be a Kubernetes service account name"),
      policyArns: z.array(z.string().regex(new RegExp(POLICY_ARN_PATTERN), "must be an IAM policy ARN, e.g. arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")).default([]),
    })
    .optional(),
});

export const teams = z
  .strictObject({
    /** The platform team: cluster admins (AmazonEKSClusterAdminPolicy), joined to adminPrincipalArns. Default none. */
    platform: z.strictObject({ adminArns: z.array(iamPrincipalArn).default([]) }).prefault({}),
    /** Application teams by name (1-23 characters). Default none. */
    applications: z.record(z.string(), applicationTeam).default({}),
  })
  .superRefine((t, ctx) => {
    const namespaces = new Map<string, string>();
    const principals = new Map<string, string>(t.platform.adminArns.map((a) => [a, "the platform team"]));
    for (const [name, team] of Object.entries(t.applications)) {
      if (!new RegExp(TEAM_NAME_PATTERN).test(name)) ctx.addIssue({ code: "custom", path: ["applications", name], message: TEAM_NAME_RULE_TEXT });
      const ns = team.namespace ?? name;
      if (namespaces.has(ns)) {
        ctx.addIssue({ code: "custom", path: ["applications", name, "namespace"], message: `namespace ${ns} is already team ${namespaces.get(ns)}'s; each team needs its own` });
      }
      namespaces.set(ns, name);
      team.principalArns.forEach((arn, i) => {
        if (principals.has(arn)) {
          ctx.addIssue({
            code: "custom",
            path: ["applications", name, "principalArns", i],
            message: `${arn} already belongs to ${principals.get(arn)}; EKS allows one access entry per principal`,
          });
        }
        principals.set(arn, `team ${name}`);
      });
    }
  })
  .prefault({});

export type TeamsSettings = z.output<typeof teams>;

/** The cluster module's `application_teams` default. */
export function teamAccessVariables(t: TeamsSettings): Record<string, TeamAccessVariable> {
  return Object.fromEntries(
    Object.entries(t.applications).map(([name, team]) => [
      name,
      {
        namespace: team.namespace ?? name,
        principal_arns: team.principalArns,
        access: team.access,
        ...(team.podIdentity ? { pod_identity: { service_account: team.podIdentity.serviceAccount, policy_arns: team.podIdentity.policyArns } } : {}),
      },
    ]),
  );
}

/** The add-ons module's `application_teams` default. */
export function teamNamespaceVariables(t: TeamsSettings): Record<string, TeamNamespaceVariable> {
  return Object.fromEntries(
    Object.entries(t.applications).map(([name, team]) => [
      name,
      {
        namespace: team.namespace ?? name,
        quota: {
          requests_cpu: team.quota.requestsCpu,
          requests_memory: team.quota.requestsMemory,
          limits_cpu: team.quota.limitsCpu,
          limits_memory: team.quota.limitsMemory,
          pods: team.quota.pods,
        },
        container_defaults: {
          request_cpu: team.containerDefaults.requestCpu,
          request_memory: team.containerDefaults.requestMemory,
          limit_cpu: team.containerDefaults.limitCpu,
          limit_memory: team.containerDefaults.limitMemory,
        },
      },
    ]),
  );
}
