import { Construct } from "constructs";
import { ITerraformDependable, TerraformOutput } from "cdktf";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { setModuleFile } from "../blueprint-stack";
import { EksManagedAddon } from "../eks-addons";

/**
 * The EBS CSI driver: an EKS managed add-on with a Pod Identity role (cluster module, from the EKS
 * add-on table), and the cluster's default StorageClass (add-ons module): encrypted gp3, bound when the
 * pod is scheduled so the volume lands in the pod's zone, expandable in place.
 */
export class EbsCsiDriver extends EksManagedAddon<"aws_ebs_csi_driver"> {
  constructor() {
    super("aws_ebs_csi_driver");
  }

  buildAddons(scope: Construct): ITerraformDependable[] {
    const holder = new Construct(scope, "storage");
    setModuleFile(holder, "storage");
    const storageClass = new StorageClassV1(holder, "gp3", {
      metadata: {
        name: "gp3",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      storageProvisioner: "ebs.csi.aws.com",
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
    });
    new TerraformOutput(holder, "storage_class_name", {
      description: "Name of the default StorageClass (encrypted gp3 volumes through the EBS CSI driver).",
      value: storageClass.metadata.name,
    });
    return [storageClass];
  }
}
