import { createHash } from "crypto";
import { containerImages } from "../catalog";

/**
 * The destroy-cleanup chart, shipped inside the add-ons module (`charts/destroy-cleanup/`): RBAC for a
 * pre-delete hook Job, and the Job. Its templates only place values (`toYaml`); what the Job runs and may do
 * is data built here and in the add-on, so the Terraform module decides it (see destroy-cleanup.ts).
 */

export const CHART_DIR = "charts/destroy-cleanup";
export const NAMESPACE = "kube-system";
/** Name of the ServiceAccount, ClusterRole, ClusterRoleBinding and Job. */
export const NAME = "eks-blueprints-destroy-cleanup";
/**
 * Helm waits this long for the uninstall, hook included; the Job's deadline is a minute shorter. Kept well
 * under 15 minutes: a token read from aws_eks_cluster_auth at plan time expires after 15.
 */
export const RELEASE_TIMEOUT_SECONDS = 720;
export const JOB_DEADLINE_SECONDS = RELEASE_TIMEOUT_SECONDS - 60;
/** How long one kubectl step waits for its objects to be gone (the Job's deadline bounds the sum). */
const STEP_TIMEOUT = "300s";
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
const DELETE_AND_WAIT = ["get", "list", "watch", "delete"] as const;

/** One kubectl invocation of the hook (the image has no shell: each step is a container of its own). */
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

const deleteAndWait = (...args: string[]) => ["delete", ...args, "--wait=true", `--timeout=${STEP_TIMEOUT}`];

/**
 * Ingresses (ALBs), then Services of type LoadBalancer (NLBs), in every namespace. The Load Balancer
 * Controller's finalizers hold each object until the controller has deleted its load balancer, target groups
 * and `k8s-*` security groups, so `--wait` returns once those are gone. `spec.type` is a Service field
 * selector from Kubernetes 1.31 (Chart.yaml's kubeVersion).
 */
export const loadBalancerSteps: readonly Container[] = [
  kubectlStep("delete-ingresses", deleteAndWait("ingresses.networking.k8s.io", "--all", "--all-namespaces")),
  kubectlStep("delete-load-balancer-services", deleteAndWait("services", "--all-namespaces", "--field-selector=spec.type=LoadBalancer")),
];

export const loadBalancerRules: readonly PolicyRule[] = [
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: DELETE_AND_WAIT },
  { apiGroups: [""], resources: ["services"], verbs: DELETE_AND_WAIT },
];

/**
 * Claims first without waiting (a claim being deleted can be mounted by no new pod), then the pods outside
 * kube-system (which hold the claims; their controllers' replacements cannot start), then wait for the
 * claims, then the PersistentVolumes: the EBS CSI driver deletes the volumes of those whose reclaim policy
 * is Delete (Kubernetes honours the policy when a PV object is deleted, KEP-2644), Retain volumes are kept.
 */
export const volumeSteps: readonly Container[] = [
  kubectlStep("mark-claims-for-deletion", ["delete", "persistentvolumeclaims", "--all", "--all-namespaces", "--wait=false"]),
  kubectlStep("delete-pods-holding-claims", deleteAndWait("pods", "--all-namespaces", `--field-selector=metadata.namespace!=${NAMESPACE}`)),
  kubectlStep("delete-claims", deleteAndWait("persistentvolumeclaims", "--all", "--all-namespaces")),
  kubectlStep("delete-volumes", deleteAndWait("persistentvolumes", "--all")),
];

export const volumeRules: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: DELETE_AND_WAIT },
  { apiGroups: [""], resources: ["pods"], verbs: DELETE_AND_WAIT },
  { apiGroups: [""], resources: ["persistentvolumes"], verbs: DELETE_AND_WAIT },
];

/** The Job's last container: lists what is left, for the log (`No resources found` when all went). */
export const reportStep: Container = kubectlStep("report-remaining", ["get", "services", "--all-namespaces", "--field-selector=spec.type=LoadBalancer"]);

const HEADER = "# Generated by cdktf-eks-blueprints (modules/addons/destroy-cleanup-chart.ts). Do not edit.\n";

const RBAC = `${HEADER}apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${NAME}
  namespace: ${NAMESPACE}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ${NAME}
rules:
  {{- toYaml .Values.rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${NAME}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${NAME}
subjects:
  - kind: ServiceAccount
    name: ${NAME}
    namespace: ${NAMESPACE}
`;

// The RBAC objects are ordinary release objects: Helm deletes them only after the pre-delete hook finished.
// A failed Job is kept (no hook-failed policy) for its logs; the next attempt replaces it.
const JOB = `${HEADER}apiVersion: batch/v1
kind: Job
metadata:
  name: ${NAME}
  namespace: ${NAMESPACE}
  annotations:
    helm.sh/hook: pre-delete
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 2
  activeDeadlineSeconds: {{ .Values.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: destroy-cleanup
    spec:
      serviceAccountName: ${NAME}
      restartPolicy: Never
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      nodeSelector:
        {{- toYaml .Values.nodeSelector | nindent 8 }}
      tolerations:
        {{- toYaml .Values.tolerations | nindent 8 }}
      volumes:
        - name: ${CACHE_VOLUME}
          emptyDir:
            sizeLimit: 64Mi
      initContainers:
        {{- toYaml .Values.steps | nindent 8 }}
      containers:
        {{- toYaml .Values.report | nindent 8 }}
`;

const TEMPLATES: ReadonlyArray<readonly [string, string]> = [
  ["templates/job.yaml", JOB],
  ["templates/rbac.yaml", RBAC],
];

/** The chart's version: its release line plus a digest of its templates, so any change reaches the Helm provider. */
export const CHART_VERSION = `1.0.0+${createHash("sha256")
  .update(TEMPLATES.map(([file, text]) => `${file}\n${text}`).join("\0"))
  .digest("hex")
  .slice(0, 12)}`;

const CHART_YAML = `${HEADER}apiVersion: v2
name: destroy-cleanup
description: Pre-delete hook that deletes Ingresses and LoadBalancer Services (and optionally volumes) and waits for their AWS resources to go.
type: application
version: ${CHART_VERSION}
kubeVersion: ">=1.31.0-0"
`;

/** The chart's files, relative to the module directory, in path order. */
export function destroyCleanupChartFiles(): ReadonlyArray<readonly [string, string]> {
  return [[`${CHART_DIR}/Chart.yaml`, CHART_YAML], ...TEMPLATES.map(([file, text]) => [`${CHART_DIR}/${file}`, text] as const)];
}
