import { Construct } from "constructs";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { setModuleFile } from "../blueprint-stack";

/**
 * The cluster's default StorageClass: encrypted gp3 through the EBS CSI driver, bound when the pod
 * is scheduled so the volume lands in the pod's zone, expandable in place.
 */
export class Gp3StorageClass extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    setModuleFile(this, "storage");
    new StorageClassV1(this, "gp3", {
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
  }
}
