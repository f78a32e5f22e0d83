import { followsKubernetesMinor, KubernetesRelease, kubernetesReleases, kubernetesVersions } from "../modules/catalog";
import { blueprints } from "../blueprints/registry";
import { synthesize } from "./helpers";

/** "v1.35.3-eksbuild.13" → "1.35"; undefined when the pin does not start with a version. */
function minorOf(pin: string): string | undefined {
  return /^v?(\d+\.\d+)\.\d+(?:[-+].*)?$/.exec(pin)?.[1];
}

describe("catalog: components whose version follows the Kubernetes minor", () => {
  const releases = kubernetesReleases as Readonly<Record<string, Partial<KubernetesRelease>>>;

  test("the class has the kube-proxy and Cluster Autoscaler pins", () => {
    expect([...followsKubernetesMinor].sort()).toEqual(["clusterAutoscaler", "kubeProxy"]);
  });

  test.each(kubernetesVersions.flatMap((minor) => followsKubernetesMinor.map((field) => [minor, field] as const)))(
    "Kubernetes %s has a %s pin of the same minor",
    (minor, field) => {
      const pin = releases[minor][field];
      expect(typeof pin).toBe("string");
      expect(minorOf(pin as string)).toBe(minor);
    },
  );

  test("every Kubernetes minor pins the same components", () => {
    const fields = (minor: string) => Object.keys(releases[minor]).sort();
    for (const minor of kubernetesVersions) expect(fields(minor)).toEqual(fields(kubernetesVersions[0]));
  });

  test("the minor parser rejects what is not a version (the checks above cannot pass vacuously)", () => {
    expect(minorOf("v1.35.3-eksbuild.13")).toBe("1.35");
    expect(minorOf("v1.36.1")).toBe("1.36");
    expect(minorOf("latest")).toBeUndefined();
    expect(minorOf("v1.35")).toBeUndefined();
  });
});

describe("generated modules carry the per-minor pins", () => {
  test.each(blueprints.map((b) => b.name))("%s: kube-proxy per minor in the cluster module", (name) => {
    const versions = synthesize(name).cluster.local("eks_addon_versions") as Record<string, Record<string, string>>;
    expect(Object.keys(versions).sort()).toEqual([...kubernetesVersions].sort());
    for (const minor of kubernetesVersions) expect(versions[minor].kube_proxy).toBe(kubernetesReleases[minor].kubeProxy);
  });
});
