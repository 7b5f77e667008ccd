/**
 * Every field the model declares for a MetalLB kind is an argument of its
 * component: derived from the kind declarations, so a field added to a
 * declaration fails here until the component takes it.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ADDRESS_POOL_ARGUMENTS } from "../../components/metallb/address-pool";
import { BFD_PROFILE_ARGUMENTS } from "../../components/metallb/bfd-profile";
import { BGP_ADVERTISEMENT_ARGUMENTS } from "../../components/metallb/bgp-advertisement";
import { metallbPeerArguments } from "../../components/metallb/peer";
import { BGP_PEER_ARGUMENTS } from "../../components/gke/bgp-peer";
import { CLUSTER_CIDR_CONFIG_ARGUMENTS } from "../../components/gke/cluster-load-balancer";
import { argumentPath, type ArgumentPaths } from "../../components/validation";
import { AddressPool, BgpAdvertisement, MetalLbPeer, TopologyValidationError } from "../../components";
import { DECLARED_FIELDS, KIND_DECLARATIONS, type ObjectSchema } from "../../sdk/schema";
import { fullMetalLbComponents, renderedObjects } from "./metallb-full-arguments";
import { installMocks, settle, valueOf } from "./mocks";

/** Declared fields no argument renders, with why. */
const NO_ARGUMENT: Readonly<Record<string, string>> = {
  "BGPPeer spec.password": "the component never writes a plaintext password: `password` goes into a Secret that spec.passwordSecret references",
};

const METALLB_KINDS = KIND_DECLARATIONS.filter((kind) => kind.apiVersion.startsWith("metallb.io/"));

/** The declared fields of a kind at the apiVersion the components render, as dotted paths (metadata's own fields included). */
function declaredPaths(apiVersion: string, kind: string): string[] {
  const fields = DECLARED_FIELDS.filter((f) => f.apiVersion === apiVersion && f.kind === kind);
  const metadata = fields.find((f) => f.path.join(".") === "metadata")!.entry.schema as ObjectSchema;
  return [
    ...metadata.fields.map((f) => `metadata.${f.name}`),
    ...fields.filter((f) => f.path[0] === "spec" && f.path.length > 1).map((f) => f.path.join(".")),
  ].filter((path) => NO_ARGUMENT[`${kind} ${path}`] === undefined);
}

/** Every path of a rendered object, list indexes left out. */
function renderedPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => renderedPaths(item, prefix));
  if (typeof value !== "object" || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, item]) => renderedPaths(item, prefix === "" ? key : `${prefix}.${key}`))];
}

/** The error `build` throws. */
function errorOf(build: () => unknown): TopologyValidationError {
  try {
    build();
  } catch (error) {
    return error as TopologyValidationError;
  }
  throw new Error("no error thrown");
}

const ARGUMENTS: Readonly<Record<string, ArgumentPaths>> = {
  BFDProfile: BFD_PROFILE_ARGUMENTS,
  BGPPeer: metallbPeerArguments("password"),
  IPAddressPool: ADDRESS_POOL_ARGUMENTS,
  BGPAdvertisement: BGP_ADVERTISEMENT_ARGUMENTS,
};

describe("components take every declared field", () => {
  beforeEach(async () => {
    await installMocks();
  });

  it("covers the four MetalLB kinds", () => {
    expect(METALLB_KINDS.map((k) => k.kind).sort()).to.deep.equal(Object.keys(ARGUMENTS).sort());
  });

  for (const declaration of METALLB_KINDS) {
    it(`${declaration.kind}: every declared field maps to an argument, so an error on it names the argument`, () => {
      const unmapped = declaredPaths(declaration.apiVersion, declaration.kind).filter(
        (path) => argumentPath(path, ARGUMENTS[declaration.kind]) === undefined && argumentPath(`${path}[0]`, ARGUMENTS[declaration.kind]) === undefined,
      );
      expect(unmapped, `${declaration.kind} fields without a component argument`).to.deep.equal([]);
    });
  }

  it("GKE BGPPeer and ClusterCIDRConfig: every declared spec field maps to an argument of BgpPeer / GkeClusterLoadBalancer", () => {
    const gke: Readonly<Record<string, ArgumentPaths>> = { BGPPeer: BGP_PEER_ARGUMENTS, ClusterCIDRConfig: CLUSTER_CIDR_CONFIG_ARGUMENTS };
    for (const [kind, paths] of Object.entries(gke)) {
      const declared = DECLARED_FIELDS.filter((f) => (f.apiVersion.includes("gke.io") || f.apiVersion.includes("cluster.gke")) && f.kind === kind);
      const top = declared.filter((f) => f.path[0] === "spec" && f.path.length === 2).map((f) => f.path.join("."));
      expect(top.length, kind).to.be.greaterThan(0);
      expect(
        top.filter((path) => argumentPath(path, paths) === undefined),
        `${kind} fields without a component argument`,
      ).to.deep.equal([]);
    }
  });

  it("renders every declared field when every argument is given", async () => {
    const built = fullMetalLbComponents();
    const rendered = await renderedObjects(built);
    for (const declaration of METALLB_KINDS) {
      const paths = new Set(rendered.filter((o) => o.kind === declaration.kind).flatMap((o) => renderedPaths(o)));
      const missing = declaredPaths(declaration.apiVersion, declaration.kind).filter((path) => !paths.has(path));
      expect(missing, `${declaration.kind} fields no argument rendered`).to.deep.equal([]);
    }
    await settle();
  });

  it("MetalLbPeer renders the v1beta2 fields as given and names their arguments in errors", async () => {
    const { numbered, unnumbered } = fullMetalLbComponents();
    const [peer] = await valueOf(numbered.objects);
    expect(peer.spec).to.deep.include({
      localASN: 64510,
      connectTime: "5s",
      passwordSecret: { name: "tor-a-md5", namespace: "metallb-system" },
      enableGracefulRestart: true,
      disableMP: false,
      dualStackAddressFamily: true,
    });
    const [dynamic] = await valueOf(unnumbered.objects);
    expect(dynamic.spec).to.deep.equal({ myASN: 64500, dynamicASN: "internal", interface: "ens5", routerID: "10.10.10.10" });
    expect(unnumbered.dynamicAsn).to.equal("internal");
    expect(unnumbered.interface).to.equal("ens5");
    const both = errorOf(() => new MetalLbPeer("both", { myAsn: 64500, peerAsn: 64501, dynamicAsn: "external", peerAddress: "10.0.0.1" }));
    expect(both).to.be.instanceOf(TopologyValidationError);
    expect(both.errors.map((e) => e.propertyPath)).to.include.members(["dynamicAsn"]);
    expect(both.message).to.match(/BGPLB133 (peerAsn|dynamicAsn)/);
    const neither = errorOf(() => new MetalLbPeer("neither", { myAsn: 64500, peerAsn: 64501 }));
    expect(neither.message).to.contain("BGPLB134");
    const slow = errorOf(() => new MetalLbPeer("slow", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", connectTime: "1500ms" }));
    expect(slow.errors.map((e) => e.propertyPath)).to.deep.equal(["connectTime"]);
    expect(slow.message).to.contain("BGPLB131 connectTime");
    const local = errorOf(() => new MetalLbPeer("local", { myAsn: 64500, localAsn: 0, peerAsn: 64501, peerAddress: "10.0.0.1" }));
    expect(local.errors.map((e) => e.propertyPath)).to.deep.equal(["localAsn"]);
    const twoSecrets = errorOf(
      () => new MetalLbPeer("two", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", password: "x", passwordSecret: { name: "md5" } }),
    );
    expect(pulumi.InputPropertiesError.isInstance(twoSecrets)).to.equal(true);
    expect(twoSecrets.errors.map((e) => e.propertyPath)).to.deep.equal(["passwordSecret"]);
    await settle();
  });

  it("BgpAdvertisement: serviceSelectors with an aggregation length names aggregationLength; asPathPrepend out of range names asPathPrepend", () => {
    const pool = new AddressPool("agg", { addresses: ["198.51.100.0/24"] });
    const mixed = errorOf(() => new BgpAdvertisement("mixed", { pools: [pool], aggregationLength: 28, serviceSelectors: [{ matchLabels: { a: "b" } }] }));
    expect(mixed.errors.map((e) => e.propertyPath)).to.deep.equal(["aggregationLength"]);
    expect(mixed.message).to.contain("BGPLB130 aggregationLength").and.contain("serviceSelectors");
    const prepend = errorOf(() => new BgpAdvertisement("prepend", { pools: [pool], asPathPrepend: 11 }));
    expect(prepend.errors.map((e) => e.propertyPath)).to.deep.equal(["asPathPrepend"]);
  });
});
