import { EbsCsiDriver } from "../../modules/addons/ebs-csi-driver";
import { eksAddons } from "../../modules/eks-addons";
import { clusterSide, minimalStack } from "./fixture";
import { withProbes } from "./hcl";

describe("EbsCsiDriver", () => {
  test("cluster side: the EKS managed add-on row aws_ebs_csi_driver, after compute, with its Pod Identity role", () => {
    const addon = new EbsCsiDriver();
    expect(addon.key).toBe("aws_ebs_csi_driver");
    expect(addon.definition).toBe(eksAddons.aws_ebs_csi_driver);
    expect(addon.clusterPhase).toBe("afterCompute");
    const stack = minimalStack();
    addon.buildCluster(stack, clusterSide(), undefined);
    const module = withProbes(stack, {}).module;
    expect(module.resource("aws_eks_addon", "aws_ebs_csi_driver").pod_identity_association).toEqual([
      { role_arn: "${aws_iam_role.ebs_csi_driver.arn}", service_account: "ebs-csi-controller-sa" },
    ]);
  });

  test("add-ons side: the default StorageClass, encrypted gp3, bound where the pod lands, expandable", () => {
    const stack = minimalStack("addons");
    const returned = new EbsCsiDriver().buildAddons(stack);
    const module = withProbes(stack, {}).module;
    expect(returned).toHaveLength(1);
    expect(module.resource("kubernetes_storage_class_v1", "gp3")).toEqual({
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storage_provisioner: "ebs.csi.aws.com",
      reclaim_policy: "Delete",
      volume_binding_mode: "WaitForFirstConsumer",
      allow_volume_expansion: true,
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
    });
    expect(module.output("storage_class_name").value).toBe("${kubernetes_storage_class_v1.gp3.metadata[0].name}");
    expect(Object.keys(module.files.get("storage.tf.json")!.resource)).toEqual(["kubernetes_storage_class_v1"]);
  });
});
