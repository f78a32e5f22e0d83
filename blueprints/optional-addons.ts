import { ContainerInsights } from "../modules/addons/container-insights";
import { EfsCsiDriver } from "../modules/addons/efs-csi-driver";
import { FsxCsiDriver } from "../modules/addons/fsx-csi-driver";
import { Prometheus } from "../modules/addons/prometheus";

/** Storage and observability add-ons every node-group blueprint offers, each off unless its settings turn it on. */
export const optionalAddonsForNodes = [new EfsCsiDriver(), new FsxCsiDriver(), new ContainerInsights(), new Prometheus()] as const;

/** What fargate-only offers of them: EFS (static provisioning on Fargate) and the managed Prometheus collector. */
export const optionalAddonsForFargate = [new EfsCsiDriver(), new Prometheus()] as const;

/** Why fargate-only refuses the others. */
export const rejectedOnFargate = {
  fsxCsiDriver: "the FSx for Lustre CSI driver is not supported on Fargate (Amazon EKS user guide)",
  containerInsights: "the CloudWatch agent and Fluent Bit of the amazon-cloudwatch-observability add-on are DaemonSets, which Fargate does not run; fargate-only ships container logs with its Fargate log router",
} as const;
