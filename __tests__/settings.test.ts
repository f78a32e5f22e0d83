import { App } from "cdktf";
import { baseline } from "../blueprints/baseline";
import { SettingsError } from "../blueprints/settings";
import { buildBlueprintStacks } from "../blueprints/stacks";
import { generateModules } from "../emitter/generate";
import { settingsErrorFor } from "./helpers";

/** Settings are checked once, before any construct exists; every message names the field and the rule. */
const errorFor = (settings: unknown): string => settingsErrorFor("baseline", settings);

const group = { instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 1, maxSize: 2 };

describe("baseline settings validation", () => {
  test.each([
    [{ nodeGroups: { system: { ...group, minSize: 5, maxSize: 3, desiredSize: 3 } } }, "nodeGroups.system: minSize 5 is greater than maxSize 3"],
    [{ nodeGroups: { system: { ...group, desiredSize: 9 } } }, "nodeGroups.system: desiredSize 9 is greater than maxSize 2"],
    [{ nodeGroups: { system: { ...group, minSize: 2, desiredSize: 1 } } }, "nodeGroups.system: desiredSize 1 is less than minSize 2"],
    [{ nodeGroups: { system: { ...group, instanceTypes: [] } } }, "nodeGroups.system.instanceTypes: must list at least one instance type"],
    [{ nodeGroups: { system: { ...group, instanceTypes: ["m7g.large"] } } }, "nodeGroups.system.instanceTypes: m7g.large does not match amiType AL2023_x86_64_STANDARD"],
    [{ nodeGroups: { System_1: group } }, "nodeGroups.System_1: node group names must be 1-30 characters"],
    [{ nodeGroups: {} }, "nodeGroups: must define at least one node group"],
    [{ clusterName: "-bad" }, "clusterName: must be 1-100 characters, start with a letter or digit"],
    [{ clusterName: "a".repeat(101) }, "clusterName: must be 1-100 characters"],
    [{ kubernetesVersion: "1.20" }, "kubernetesVersion: must be one of the supported Kubernetes versions: 1.34, 1.35, 1.36"],
    [{ network: { mode: "create", vpcCidr: "10.0.0.1/16" } }, "network.vpcCidr: must be an IPv4 CIDR block"],
    [{ network: { mode: "create", vpcCidr: "10.0.0.0/24" } }, "network.vpcCidr: must have a prefix between /16 and /20"],
    [{ network: { mode: "create", availabilityZoneCount: 1 } }, "network.availabilityZoneCount: must be at least 2"],
    [{ network: { mode: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0"] } }, "network.privateSubnetIds: must list at least 2 subnets"],
    [{ endpoint: { publicAccess: true } }, "endpoint.publicAccessCidrs: must list at least one CIDR when publicAccess is true"],
    [{ endpoint: { publicAccess: true, publicAccessCidrs: ["10.0.0.0/8", "10.1.0.0/16"] } }, "endpoint.publicAccessCidrs.1: 10.1.0.0/16 overlaps 10.0.0.0/8"],
    [{ adminPrincipalArns: ["admin"] }, "adminPrincipalArns.0: must be the ARN of an IAM role or user"],
    [{ controlPlaneLogRetentionDays: 45 }, "controlPlaneLogRetentionDays: must be one of the CloudWatch Logs retention periods"],
    [{ nodeGroup: {} }, "nodeGroup: unknown setting"],
  ])("%j is rejected", (settings, message) => {
    expect(errorFor(settings)).toContain(message);
  });

  test("every problem is reported at once, one per line, under the blueprint's name", () => {
    const message = errorFor({ clusterName: "-x", kubernetesVersion: "1.0" });
    expect(message.split("\n")[0]).toBe('invalid settings for blueprint "baseline":');
    expect(message).toContain("clusterName:");
    expect(message).toContain("kubernetesVersion:");
  });

  test("nothing is built when the settings are invalid", () => {
    const app = new App();
    expect(() => buildBlueprintStacks(app, baseline, { clusterName: "" }, "module")).toThrow(SettingsError);
    expect(app.node.children).toHaveLength(0);
  });

  test("a rejected synthesis still reports a normal stack and leaves stack formatting as it was", () => {
    const formatter = Error.prepareStackTrace;
    let caught: unknown;
    try {
      generateModules([{ blueprint: baseline, settings: { clusterName: "-x" } }]);
    } catch (error) {
      caught = error;
    }
    expect(Error.prepareStackTrace).toBe(formatter);
    expect((caught as Error).stack).toMatch(/\n\s+at /);
  });

  test("defaults are applied and documented values come through", () => {
    const parsed = baseline.settings.parse({});
    expect(parsed).toMatchObject({
      clusterName: "baseline",
      region: "us-east-1",
      network: { mode: "create", vpcCidr: "10.0.0.0/16", availabilityZoneCount: 3, natGateways: "single", intraSubnets: true },
      endpoint: { publicAccess: false, publicAccessCidrs: [] },
      clusterCreatorAdmin: true,
      controlPlaneLogRetentionDays: 90,
    });
  });
});
