import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { ADDRESS_POOL_ARGUMENTS } from "../../components/metallb/address-pool";
import { BFD_PROFILE_ARGUMENTS } from "../../components/metallb/bfd-profile";
import { BGP_ADVERTISEMENT_ARGUMENTS } from "../../components/metallb/bgp-advertisement";
import { metallbPeerArguments } from "../../components/metallb/peer";
import type { ArgumentPaths } from "../../components/validation";
import { installMocks, settle } from "./mocks";

const PLUGIN_DIRECTORY = path.join(__dirname, "..", "..", "..", "provider");

interface ComponentProviderModule {
  getPulumiComponents(moduleExports: unknown): { name: string }[];
  ComponentProvider: new (options: { name: string; dirname: string; components: unknown[] }) => {
    getSchema(): Promise<string>;
    construct(name: string, type: string, inputs: Record<string, unknown>, options: object): Promise<{ urn: unknown; state: Record<string, unknown> }>;
  };
}

interface PackageSchema {
  name: string;
  resources: Record<
    string,
    { isComponent: boolean; inputProperties: Record<string, { $ref?: string; type?: string; plain?: boolean }>; requiredInputs?: string[] }
  >;
  types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, unknown> }>;
}

const COMPONENTS = [
  "AddressPool",
  "AsWrittenManifest",
  "BfdProfile",
  "BgpAdvertisement",
  "BgpLoadBalancer",
  "BgpPeer",
  "FloatingIpGroup",
  "GkeClusterLoadBalancer",
  "GkeRackTopology",
  "MetalLbPeer",
  "Speaker",
];

/** Loads the plugin the way `run-plugin` does: require the directory (its package.json `main`), collect the components. */
function loadPlugin(): { host: ComponentProviderModule; components: { name: string }[] } {
  const host = require("@pulumi/pulumi/provider/experimental/provider") as ComponentProviderModule;
  return { host, components: host.getPulumiComponents(require(PLUGIN_DIRECTORY)) };
}

describe("source plugin (PulumiPlugin.yaml, runtime nodejs)", function () {
  this.timeout(120000);
  let schema: PackageSchema;
  let provider: InstanceType<ComponentProviderModule["ComponentProvider"]>;

  before(async () => {
    const { host, components } = loadPlugin();
    provider = new host.ComponentProvider({ name: "bgplb", dirname: PLUGIN_DIRECTORY, components });
    schema = JSON.parse(await provider.getSchema()) as PackageSchema;
  });

  it("ships a nodejs plugin manifest whose package resolves to the compiled components", () => {
    expect(fs.readFileSync(path.join(PLUGIN_DIRECTORY, "PulumiPlugin.yaml"), "utf8")).to.equal("runtime: nodejs\n");
    const manifest = JSON.parse(fs.readFileSync(path.join(PLUGIN_DIRECTORY, "package.json"), "utf8")) as { name: string; main: string };
    expect(manifest.name).to.equal("bgplb");
    expect(
      loadPlugin()
        .components.map((c) => c.name)
        .sort(),
    ).to.deep.equal(COMPONENTS);
  });

  it("infers a schema with every component as bgplb:index:<Name>", () => {
    expect(schema.name).to.equal("bgplb");
    expect(Object.keys(schema.resources).sort()).to.deep.equal(COMPONENTS.map((name) => `bgplb:index:${name}`));
    for (const resource of Object.values(schema.resources)) expect(resource.isComponent).to.equal(true);
  });

  it("types references as objects, enums as enums, and keeps secrets as inputs", () => {
    const advertisement = schema.resources["bgplb:index:BgpAdvertisement"];
    expect(advertisement.inputProperties.pools).to.deep.include({ type: "array" });
    expect(schema.types["bgplb:index:AddressPoolReference"].properties).to.have.keys("poolName", "addresses");
    expect(schema.types["bgplb:index:MetalLbPeerReference"].properties).to.have.keys(
      "peerName",
      "myAsn",
      "localAsn",
      "peerAsn",
      "dynamicAsn",
      "peerAddress",
      "interface",
    );
    expect(schema.types["bgplb:index:DynamicAsn"].enum!.map((member) => member.value)).to.deep.equal(["internal", "external"]);
    expect(schema.types["bgplb:index:ClusterType"].enum!.map((member) => member.value)).to.deep.equal(["admin", "user", "hybrid", "standalone"]);
    const password = schema.resources["bgplb:index:MetalLbPeer"].inputProperties.password;
    expect(password.type).to.equal("string");
    expect(password.plain, "password accepts an output (a secret)").to.equal(undefined);
    expect(schema.types["bgplb:index:SpeakerWorkload"].enum!.map((member) => member.value)).to.deep.equal(["daemonset", "static-pod"]);
    expect(schema.types["bgplb:index:TolerationOperator"].enum!.map((member) => member.value)).to.deep.equal(["Exists", "Equal"]);
    expect(schema.types["bgplb:index:SpeakerMode"].enum!.map((member) => member.value)).to.deep.equal(["gke", "metallb"]);
    expect(schema.resources["bgplb:index:Speaker"].requiredInputs!.sort()).to.deep.equal(["image"]);
    expect(schema.resources["bgplb:index:GkeClusterLoadBalancer"].requiredInputs!.sort()).to.deep.equal(
      ["clusterName", "controlPlaneNodes", "controlPlanePeers", "controlPlaneVip", "localAsn"].sort(),
    );
  });

  it("exposes every argument a MetalLB field comes from as an input, so other languages can set every modelled field", () => {
    const components: Record<string, ArgumentPaths> = {
      MetalLbPeer: [...metallbPeerArguments("password"), ...metallbPeerArguments("passwordSecret")],
      AddressPool: ADDRESS_POOL_ARGUMENTS,
      BgpAdvertisement: BGP_ADVERTISEMENT_ARGUMENTS,
      BfdProfile: BFD_PROFILE_ARGUMENTS,
    };
    for (const [component, paths] of Object.entries(components)) {
      const inputs = Object.keys(schema.resources[`bgplb:index:${component}`].inputProperties);
      const named = [...new Set(paths.map(([, argument]) => argument.split(/[.[]/)[0]))];
      expect(
        named.filter((argument) => !inputs.includes(argument)),
        `${component} arguments missing from the schema`,
      ).to.deep.equal([]);
    }
    expect(schema.resources["bgplb:index:MetalLbPeer"].requiredInputs!.sort()).to.deep.equal(["myAsn"]);
    expect(schema.resources["bgplb:index:BgpAdvertisement"].requiredInputs ?? []).to.deep.equal([]);
    expect(schema.resources["bgplb:index:MetalLbPeer"].inputProperties.dynamicAsn.$ref).to.equal("#/types/bgplb:index:DynamicAsn");
  });

  it("constructs components from plain data, as another language would pass it", async () => {
    const mocks = await installMocks();
    const cluster = { clusterName: "bm", localAsn: 65001 };
    const result = await provider.construct("bgppeer1", "bgplb:index:BgpPeer", { cluster, peerIp: "10.0.3.254", peerAsn: 65002, sessions: 2 }, {});
    expect(result.state.peerName).to.equal("bgppeer1");
    await settle();
    const applied = mocks.one("kubernetes:networking.gke.io/v1:BGPPeer", "bgppeer-cluster-bm-bgppeer1");
    expect(applied.inputs.spec).to.deep.equal({ localASN: 65001, peerASN: 65002, peerIP: "10.0.3.254", sessions: 2 });
    const advertisement = provider.construct(
      "adv",
      "bgplb:index:BgpAdvertisement",
      { pools: [{ poolName: "wide", addresses: ["198.51.100.0/24"] }], aggregationLength: 16 },
      {},
    );
    let failure: unknown;
    await advertisement.catch((error: unknown) => {
      failure = error;
    });
    expect(String(failure)).to.contain("BGPLB111");
  });
});
