import { baseline } from "../../blueprints/baseline";
import { closestMatch, knownKeysAt } from "../../blueprints/settings-hints";
import { parseSettings, SettingsError } from "../../blueprints/settings";

function errorFor(settings: unknown): string {
  try {
    parseSettings("baseline", baseline.settings, settings);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).details;
  }
  throw new Error("expected the settings to be rejected");
}

const group = { instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 1, maxSize: 2 };

describe("settings error hints", () => {
  test.each([
    [{ nodeGroup: {} }, "nodeGroup: unknown setting (did you mean nodeGroups?)"],
    [{ network: { mode: "create", vpcCIDR: "10.0.0.0/16" } }, "network.vpcCIDR: unknown setting (did you mean vpcCidr?)"],
    [{ network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: [], privateSubnets: [] } }, "network.privateSubnets: unknown setting (did you mean privateSubnetIds?)"],
    [{ nodeGroups: { general: { ...group, minsize: 1 } } }, "nodeGroups.general.minsize: unknown setting (did you mean minSize?)"],
    [{ addons: { clusterAutoscaler: { expandr: "random" } } }, "addons.clusterAutoscaler.expandr: unknown setting (did you mean expander?)"],
    [{ endpoint: { publicAcess: true } }, "endpoint.publicAcess: unknown setting (did you mean publicAccess?)"],
  ])("%j names the closest known key", (settings, line) => {
    expect(errorFor(settings).split("\n")).toContain(line);
  });

  test("a key far from every known one gets no guess", () => {
    expect(errorFor({ somethingElse: 1 })).toBe("somethingElse: unknown setting");
  });

  test("a YAML number where a version string belongs says to quote it", () => {
    expect(errorFor({ kubernetesVersion: 1.35 })).toMatch(/^kubernetesVersion: must be one of the supported Kubernetes versions: [\d., ]+ \(got the number 1\.35; quote it as a string: "1\.35"\)$/);
  });

  test("a public endpoint CIDR overlapping the VPC is rejected: VPC traffic uses the private endpoint", () => {
    expect(errorFor({ endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "10.0.128.0/17"] } })).toBe(
      "endpoint.publicAccessCidrs.1: 10.0.128.0/17 overlaps the VPC CIDR 10.0.0.0/16; traffic from inside the VPC uses the private endpoint, so list only public ranges",
    );
    expect(() => parseSettings("baseline", baseline.settings, { endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } })).not.toThrow();
  });

  test("known keys follow records, arrays and the network mode", () => {
    expect(knownKeysAt(baseline.settings, ["nodeGroups", "anything"], {})).toContain("instanceTypes");
    expect(knownKeysAt(baseline.settings, ["network"], { network: { mode: "existing" } })).toContain("vpcId");
    expect(knownKeysAt(baseline.settings, ["network"], { network: { mode: "create" } })).toContain("vpcCidr");
    expect(knownKeysAt(baseline.settings, ["nodeGroups", "g", "taints", 0], {})).toEqual(["key", "value", "effect"]);
    expect(closestMatch("REGION", ["region", "tags"])).toBe("region");
    expect(closestMatch("zzz", ["region", "tags"])).toBeUndefined();
  });
});
