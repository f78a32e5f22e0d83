import { Construct } from "constructs";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { setModuleFile } from "../blueprint-stack";

/**
 * What add-on charts need to know about the cluster, looked up by name. Pods cannot reach the
 * instance metadata service (IMDSv2 hop limit 1, or Fargate), so region and VPC are passed explicitly.
 */
export class AddonContext extends Construct {
  readonly clusterName: string;
  readonly region: string;
  readonly vpcId: string;
  /** The Kubernetes minor the cluster runs (`data.aws_eks_cluster.this.version`), e.g. "1.35". */
  readonly kubernetesVersion: string;

  constructor(scope: Construct, id: string, props: { readonly clusterName: string }) {
    super(scope, id);
    setModuleFile(this, "main");
    const cluster = new DataAwsEksCluster(this, "this", { name: props.clusterName });
    const region = new DataAwsRegion(this, "current", {});
    this.clusterName = cluster.name;
    this.region = region.region;
    this.vpcId = cluster.vpcConfig.get(0).vpcId;
    this.kubernetesVersion = cluster.version;
  }
}
