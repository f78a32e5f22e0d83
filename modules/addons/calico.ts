import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { setModuleFile } from "../blueprint-stack";
import { helmCharts } from "../catalog";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { Addon, AddonsSide, BlueprintFacts } from "./contract";
import { chartRelease, Placement } from "./helm-release";

export const TIGERA_OPERATOR_NAMESPACE = "tigera-operator";

/** The tigera-operator chart values this project sets. */
export interface TigeraOperatorValues {
  /** The Installation resource's spec (plus `enabled`), rendered by the chart itself. */
  readonly installation: {
    readonly enabled: true;
    readonly kubernetesProvider: "EKS";
    /** Policy only: the VPC CNI keeps doing pod networking and IP addresses; Calico enforces policy. */
    readonly cni: { readonly type: "AmazonVPC" };
    readonly controlPlaneNodeSelector?: Readonly<Record<string, string>>;
    readonly controlPlaneTolerations?: Placement["tolerations"];
  };
  readonly apiServer: { readonly enabled: boolean };
  readonly goldmane: { readonly enabled: boolean };
  readonly whisker: { readonly enabled: boolean };
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/**
 * Calico as the NetworkPolicy engine, in policy-only mode on top of the VPC CNI (the Tigera operator's
 * `cni.type: AmazonVPC`), for node blueprints with `networkPolicy: calico`; the vpc-cni add-on then runs
 * with `enableNetworkPolicy: "false"`. The Installation comes from the chart's `installation` values, so
 * its CRD (in the chart's crds/) exists before it and one apply installs both.
 */
export class Calico extends Addon<"calico"> {
  readonly key = "calico";
  // The operator creates Services (Typha, API server), which the Load Balancer Controller's webhook intercepts.
  readonly after = [AwsLoadBalancerController];

  isEnabled(_settings: undefined, facts: BlueprintFacts): boolean {
    return facts.compute === "nodes" && facts.networking.networkPolicy === "calico";
  }

  buildAddons(scope: Construct, side: AddonsSide): ITerraformDependable[] {
    const holder = new Construct(scope, "calico");
    setModuleFile(holder, "calico");
    const namespace = new NamespaceV1(holder, "tigera_operator", {
      metadata: { name: TIGERA_OPERATOR_NAMESPACE, labels: { name: TIGERA_OPERATOR_NAMESPACE } },
    });
    const placement = side.systemPlacement;
    const values: TigeraOperatorValues = {
      installation: {
        enabled: true,
        kubernetesProvider: "EKS",
        cni: { type: "AmazonVPC" },
        ...(placement?.nodeSelector ? { controlPlaneNodeSelector: placement.nodeSelector } : {}),
        ...(placement?.tolerations ? { controlPlaneTolerations: placement.tolerations } : {}),
      },
      // The projectcalico.org/v3 API (GlobalNetworkPolicy and friends through kubectl).
      apiServer: { enabled: true },
      // Flow aggregation and its UI are observability extras, not policy enforcement: off.
      goldmane: { enabled: false },
      whisker: { enabled: false },
      // The chart's own tolerations (every taint) stay: the operator must run wherever nodes need Calico.
      nodeSelector: { "kubernetes.io/os": "linux", ...placement?.nodeSelector },
    };
    return [
      chartRelease(holder, {
        address: "calico",
        releaseName: "calico",
        chart: helmCharts.tigeraOperator,
        namespace: namespace.metadata.name,
        values,
        dependsOn: [namespace, ...side.prerequisites],
        title: "Calico (Tigera operator, policy-only on the VPC CNI)",
      }),
    ];
  }
}
