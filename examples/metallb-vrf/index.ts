// MetalLB guide: expose Services through the network VRF ens4vrf.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();
const apply = { applyToCluster: target.applyToCluster };

const peer = new bgplb.MetalLbPeer("frrviavrf", { myAsn: 100, peerAsn: 200, peerAddress: "192.168.130.1", vrf: "ens4vrf", ...apply }, target.options);
const pool = new bgplb.AddressPool("first-pool", { addresses: ["192.169.10.0/32"], ...apply }, target.options);
const advertisement = new bgplb.BgpAdvertisement("first-adv", { pools: [pool], peers: [peer], ...apply }, target.options);

const groups = [peer.objects, pool.objects, advertisement.objects];
const rendered = target.publish(groups);

/** Every rendered object. */
export const objects = groups;
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
