import { createHash } from "crypto";
import { containerImages } from "../catalog";

/**
 * A Helm `pre-delete` hook that runs kubectl, for the local charts shipped inside the add-ons module
 * (destroy-cleanup, karpenter-node-pools): a ServiceAccount with a ClusterRole of exactly the rules it needs,
 * and a Job whose init containers are kubectl steps (the kubectl image has no shell). Templates only place
 * values; what the Job runs and may do is data the add-on builds, so the Terraform module decides it.
 */

export const HOOK_NAMESPACE = "kube-system";
/**
 * Helm waits this long for the uninstall, hook included; the Job's deadline is a minute shorter. Kept well
 * under 15 minutes: a token read from aws_eks_cluster_auth at plan time expires after 15.
 */
export const RELEASE_TIMEOUT_SECONDS = 720;
export const JOB_DEADLINE_SECONDS = RELEASE_TIMEOUT_SECONDS - 60;
/** kubectl's discovery cache goes to $HOME/.kube; the root filesystem is read-only, so HOME is an emptyDir. */
const CACHE_VOLUME = "kubectl-cache";
const CACHE_DIR = "/tmp";

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly args: readonly string[];
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  readonly securityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly readOnlyRootFilesystem: true;
    readonly runAsNonRoot: true;
    readonly capabilities: { readonly drop: readonly ["ALL"] };
  };
  readonly volumeMounts: ReadonlyArray<{ readonly name: string; readonly mountPath: string }>;
}

/** Find, delete and wait: what `kubectl delete --wait` needs on a resource, and no more. */
export const DELETE_AND_WAIT = ["get", "list", "watch", "delete"] as const;

/** One kubectl invocation of the hook: a container of its own. */
export function kubectlStep(name: string, args: readonly string[]): Container {
  return {
    name,
    image: `${containerImages.kubectl.repository}:${containerImages.kubectl.tag}`,
    args,
    env: [{ name: "HOME", value: CACHE_DIR }],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
    volumeMounts: [{ name: CACHE_VOLUME, mountPath: CACHE_DIR }],
  };
}

export interface HookTemplate {
  /** Name of the ServiceAccount, ClusterRole, ClusterRoleBinding and Job. */
  readonly name: string;
  /** The `app.kubernetes.io/name` label of the Job's pods. */
  readonly appLabel: string;
  /** Where the hook's values sit, e.g. `.Values` or `.Values.cleanup`: rules, steps, report, placement, deadline. */
  readonly values: string;
  /** Pod spec lines placed before the nodeSelector (indented six spaces), e.g. an affinity. Default none. */
  readonly podSpecExtra?: string;
}

/** The hook's ServiceAccount, ClusterRole (`<values>.rules`) and ClusterRoleBinding. */
export function hookRbacYaml(t: HookTemplate): string {
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${t.name}
  namespace: ${HOOK_NAMESPACE}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${t.name}
rules:
  {{- toYaml ${t.values}.rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${t.name}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${t.name}
subjects:
  - kind: ServiceAccount
    name: ${t.name}
    namespace: ${HOOK_NAMESPACE}
`;
}

/**
 * The pre-delete Job. The RBAC objects are ordinary release objects: Helm deletes them only after the hook
 * finished. A failed Job is kept (no hook-failed policy) for its logs; the next attempt replaces it.
 */
export function hookJobYaml(t: HookTemplate): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${t.name}
  namespace: ${HOOK_NAMESPACE}
  annotations:
    helm.sh/hook: pre-delete
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 2
  activeDeadlineSeconds: {{ ${t.values}.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${t.appLabel}
    spec:
      serviceAccountName: ${t.name}
      restartPolicy: Never
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
${t.podSpecExtra ?? ""}      nodeSelector:
        {{- toYaml ${t.values}.nodeSelector | nindent 8 }}
      tolerations:
        {{- toYaml ${t.values}.tolerations | nindent 8 }}
      volumes:
        - name: ${CACHE_VOLUME}
          emptyDir:
            sizeLimit: 64Mi
      initContainers:
        {{- toYaml ${t.values}.steps | nindent 8 }}
      containers:
        {{- toYaml ${t.values}.report | nindent 8 }}
`;
}

/**
 * A local chart's version: its release line plus a digest of its templates. The Helm provider notices a
 * local chart's changes only through its version, so any template change must change it.
 */
export function chartVersion(templates: ReadonlyArray<readonly [string, string]>): string {
  const digest = createHash("sha256")
    .update(templates.map(([file, text]) => `${file}\n${text}`).join("\0"))
    .digest("hex")
    .slice(0, 12);
  return `1.0.0+${digest}`;
}
