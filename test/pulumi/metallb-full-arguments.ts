/**
 * MetalLB components built with every argument they take, for the tests that
 * check, from the kind declarations, that no modelled field lacks an argument
 * (`metallb-arguments.test.ts`) and that `bgplb import` turns such objects into
 * these components again (`import-programs.test.ts`).
 */
import { AddressPool, BfdProfile, BgpAdvertisement, MetalLbPeer, type ManifestObject } from "../../components";
import { valueOf } from "./mocks";

/** The components; construct them under mocks. */
export interface FullMetalLbComponents {
  readonly profile: BfdProfile;
  /** A peer with a fixed router AS and address. */
  readonly numbered: MetalLbPeer;
  /** A BGP unnumbered peer accepting the router's AS as it comes. */
  readonly unnumbered: MetalLbPeer;
  readonly pool: AddressPool;
  readonly advertisement: BgpAdvertisement;
}

const SELECTOR = { matchLabels: { rack: "a" }, matchExpressions: [{ key: "kubernetes.io/hostname", operator: "NotIn" as const, values: ["n9"] }] };

/** Builds one of each MetalLB component, each with every argument set (the peers between them). */
export function fullMetalLbComponents(): FullMetalLbComponents {
  const profile = new BfdProfile("fast", {
    labels: { team: "net" },
    annotations: { note: "bfd" },
    receiveInterval: 100,
    transmitInterval: 100,
    detectMultiplier: 5,
    echoMode: true,
    echoInterval: 50,
    passiveMode: true,
    minimumTtl: 250,
  });
  const numbered = new MetalLbPeer("tor-a", {
    labels: { team: "net" },
    annotations: { note: "tor" },
    myAsn: 64500,
    localAsn: 64510,
    peerAsn: 64501,
    peerAddress: "10.0.0.1",
    sourceAddress: "10.0.0.10",
    peerPort: 1179,
    holdTime: "9s",
    keepaliveTime: "3s",
    connectTime: "5s",
    routerId: "10.10.10.10",
    passwordSecret: { name: "tor-a-md5", namespace: "metallb-system" },
    bfdProfile: profile,
    nodeSelectors: [SELECTOR],
    ebgpMultiHop: true,
    vrf: "red",
    enableGracefulRestart: true,
    disableMp: false,
    dualStackAddressFamily: true,
  });
  const unnumbered = new MetalLbPeer("tor-b", { myAsn: 64500, dynamicAsn: "internal", interface: "ens5", routerId: "10.10.10.10" });
  const pool = new AddressPool("public", {
    addresses: ["198.51.100.0/28", "2001:db8:5::/124"],
    autoAssign: false,
    avoidBuggyIps: true,
    labels: { tier: "edge" },
    annotations: { note: "pool" },
    serviceAllocation: {
      priority: 10,
      namespaces: ["web"],
      namespaceSelectors: [{ matchLabels: { team: "web" } }],
      serviceSelectors: [{ matchExpressions: [{ key: "exposed", operator: "Exists" }] }],
    },
  });
  const advertisement = new BgpAdvertisement("public-to-a", {
    labels: { team: "net" },
    annotations: { note: "adv" },
    pools: [pool],
    poolSelectors: [{ matchLabels: { tier: "edge" } }],
    peers: [numbered, unnumbered],
    communities: ["65535:65282", "large:64500:1:2"],
    aggregationLength: 32,
    aggregationLengthV6: 128,
    localPref: 50,
    nodeSelectors: [{ matchLabels: { rack: "a" } }],
    serviceSelectors: [{ matchLabels: { expose: "bgp" } }],
    asPathPrepend: 2,
  });
  return { profile, numbered, unnumbered, pool, advertisement };
}

/** Every object the components rendered. */
export async function renderedObjects(built: FullMetalLbComponents): Promise<ManifestObject[]> {
  const all = [built.profile, built.numbered, built.unnumbered, built.pool, built.advertisement];
  return (await Promise.all(all.map((component) => valueOf(component.objects)))).flat();
}
