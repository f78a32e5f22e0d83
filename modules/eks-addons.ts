import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformLocal } from "cdktf";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { setModuleFile } from "./blueprint-stack";
import { eksAddonVersions, kubernetesReleases } from "./catalog";
import { ClusterIdentityRefs, WorkloadRole } from "./workload-identity";

/**
 * Conflict resolution, chosen deliberately: on create, take over fields a self-managed install may
 * have set (the module owns these add-ons from the first apply); on update, Terraform's configuration
 * wins too, so a manual `kubectl edit` drifts back instead of silently surviving.
 */
const RESOLVE_CONFLICTS = { resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" } as const;

interface AddonBase {
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly identity: ClusterIdentityRefs;
}

export interface NodeBootstrapAddonsProps extends AddonBase {
  /**
   * Default true. Off for Fargate-only clusters: the agent is a DaemonSet, which Fargate does not
   * run, and EKS Pod Identity does not support Fargate pods (they use IRSA).
   */
  readonly podIdentityAgent?: boolean;
}

/**
 * The add-ons a node needs before it can become Ready: the VPC CNI (network policy enforcement on,
 * its own IRSA role with the CNI policy), kube-proxy and the EKS Pod Identity agent.
 * Node groups and Fargate profiles depend on these.
 */
export class NodeBootstrapAddons extends Construct {
  readonly addons: ITerraformDependable[];
  /** `local.eks_addon_versions[var.kubernetes_version]`: add-on versions that follow the control plane. */
  readonly versionsForCluster: { readonly kubeProxy: string; readonly coredns: string };

  constructor(scope: Construct, id: string, props: NodeBootstrapAddonsProps) {
    super(scope, id);
    setModuleFile(this, "eks_addons");

    const byKubernetesVersion = new TerraformLocal(
      this,
      "eks_addon_versions",
      Object.fromEntries(
        Object.entries(kubernetesReleases).map(([version, r]) => [version, { kube_proxy: r.kubeProxy, coredns: r.coredns }]),
      ),
    );
    const forCluster = (key: string) => `\${local.${byKubernetesVersion.friendlyUniqueId}[${props.kubernetesVersion}].${key}}`;
    this.versionsForCluster = { kubeProxy: forCluster("kube_proxy"), coredns: forCluster("coredns") };

    // IRSA rather than Pod Identity: aws-node starts before anything else on a new node.
    const cniRole = new WorkloadRole(this, {
      address: "vpc_cni",
      roleNameSuffix: "vpc-cni",
      description: "Lets the VPC CNI (aws-node) manage network interfaces and IP addresses.",
      namespace: "kube-system",
      serviceAccount: "aws-node",
      identity: "irsa",
      cluster: props.identity,
      managedPolicies: { cni: "AmazonEKS_CNI_Policy" },
      outputName: "vpc_cni_role_arn",
    });

    const vpcCni = new EksAddon(this, "vpc_cni", {
      clusterName: props.clusterName,
      addonName: "vpc-cni",
      addonVersion: eksAddonVersions.vpcCni,
      serviceAccountRoleArn: cniRole.arn,
      configurationValues: Fn.jsonencode({ enableNetworkPolicy: "true" }),
      ...RESOLVE_CONFLICTS,
      tags: props.identity.tags,
    });
    const kubeProxy = new EksAddon(this, "kube_proxy", {
      clusterName: props.clusterName,
      addonName: "kube-proxy",
      addonVersion: this.versionsForCluster.kubeProxy,
      ...RESOLVE_CONFLICTS,
      tags: props.identity.tags,
    });
    this.addons = [vpcCni, kubeProxy];
    if (props.podIdentityAgent !== false) {
      this.addons.push(
        new EksAddon(this, "eks_pod_identity_agent", {
          clusterName: props.clusterName,
          addonName: "eks-pod-identity-agent",
          addonVersion: eksAddonVersions.eksPodIdentityAgent,
          ...RESOLVE_CONFLICTS,
          tags: props.identity.tags,
        }),
      );
    }
  }
}

export interface WorkloadAddonsProps extends AddonBase {
  readonly versionsForCluster: NodeBootstrapAddons["versionsForCluster"];
  /** Node groups or Fargate profiles these add-ons' pods run on. */
  readonly compute: ITerraformDependable[];
  /** CoreDNS add-on configuration (tolerations, nodeSelector, computeType). Default none. */
  readonly corednsConfiguration?: Record<string, unknown>;
  /** Default true. Off for Fargate, whose pods cannot mount EBS volumes. */
  readonly ebsCsiDriver?: boolean;
}

/** Add-ons whose pods need somewhere to run: CoreDNS and the EBS CSI driver (Pod Identity). */
export class WorkloadAddons extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadAddonsProps) {
    super(scope, id);
    setModuleFile(this, "eks_addons");

    new EksAddon(this, "coredns", {
      clusterName: props.clusterName,
      addonName: "coredns",
      addonVersion: props.versionsForCluster.coredns,
      configurationValues: props.corednsConfiguration ? Fn.jsonencode(props.corednsConfiguration) : undefined,
      ...RESOLVE_CONFLICTS,
      tags: props.identity.tags,
      dependsOn: props.compute,
    });

    if (props.ebsCsiDriver !== false) {
      const role = new WorkloadRole(this, {
        address: "ebs_csi_driver",
        roleNameSuffix: "ebs-csi-driver",
        description: "Lets the EBS CSI driver create, attach and delete EBS volumes.",
        namespace: "kube-system",
        serviceAccount: "ebs-csi-controller-sa",
        identity: "podIdentity",
        cluster: props.identity,
        managedPolicies: { ebs_csi: "service-role/AmazonEBSCSIDriverPolicy" },
        associate: false,
        outputName: "ebs_csi_driver_role_arn",
      });
      new EksAddon(this, "aws_ebs_csi_driver", {
        clusterName: props.clusterName,
        addonName: "aws-ebs-csi-driver",
        addonVersion: eksAddonVersions.awsEbsCsiDriver,
        podIdentityAssociation: [{ roleArn: role.arn, serviceAccount: "ebs-csi-controller-sa" }],
        ...RESOLVE_CONFLICTS,
        tags: props.identity.tags,
        dependsOn: props.compute,
      });
    }
  }
}
