import { kubernetesReleases, kubernetesVersions } from "../../modules/catalog";
import { blueprints } from "../../blueprints/registry";
import { synthesize } from "../helpers";

const withAutoscaler = blueprints.map((b) => b.name).filter((name) => "cluster_autoscaler" in synthesize(name).addons.resources("helm_release"));

describe("Cluster Autoscaler image follows the cluster's Kubernetes minor", () => {
  test("every blueprint with EC2 node groups has the autoscaler (the checks below are not vacuous)", () => {
    expect(withAutoscaler.sort()).toEqual(["baseline", "gpu", "spot-cost-optimized"]);
  });

  test.each(withAutoscaler)("%s: image.tag is looked up by the cluster's actual version in the catalog's map", (name) => {
    const { addons } = synthesize(name);
    expect(addons.local("cluster_autoscaler_image_tags")).toEqual(
      Object.fromEntries(kubernetesVersions.map((minor) => [minor, kubernetesReleases[minor].clusterAutoscaler])),
    );
    expect(addons.local("cluster_autoscaler_values").image).toEqual({
      tag: '${lookup(local.cluster_autoscaler_image_tags, data.aws_eks_cluster.this.version, "unpinned")}',
    });
    expect(addons.data("aws_eks_cluster", "this")).toEqual({ name: "${var.cluster_name}" });
  });

  test.each(withAutoscaler)("%s: a minor without a pinned image fails the plan with a message naming both", (name) => {
    const release = synthesize(name).addons.resource("helm_release", "cluster_autoscaler");
    expect(release.lifecycle).toEqual({
      precondition: [
        {
          condition: "${contains(keys(local.cluster_autoscaler_image_tags), data.aws_eks_cluster.this.version)}",
          error_message:
            'The cluster runs Kubernetes ${data.aws_eks_cluster.this.version}, but this module pins Cluster Autoscaler images only for Kubernetes ${join(", ", keys(local.cluster_autoscaler_image_tags))} (the autoscaler\'s minor must match the cluster\'s). Regenerate the add-ons module with a release of cdktf-eks-blueprints that supports this Kubernetes version.',
        },
      ],
    });
  });
});
