// MetalLB guide: pool1 is advertised to peer1 and pool2 to peer2, both with
// the NO_ADVERTISE community 65535:65282.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();
const apply = { applyToCluster: target.applyToCluster };

const peer1 = new bgplb.MetalLbPeer("peer1", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", routerId: "10.10.10.10", ...apply }, target.options);
const peer2 = new bgplb.MetalLbPeer("peer2", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.2", routerId: "10.10.10.10", ...apply }, target.options);
const pool1 = new bgplb.AddressPool("pool1", { addresses: ["4.4.4.100-4.4.4.200", "2001:100:4::200-2001:100:4::400"], ...apply }, target.options);
const pool2 = new bgplb.AddressPool("pool2", { addresses: ["5.5.5.100-5.5.5.200", "2001:100:5::200-2001:100:5::400"], ...apply }, target.options);
const advertisement = { communities: ["65535:65282"], aggregationLength: 32, aggregationLengthV6: 128, localPref: 100, ...apply };
const adv1 = new bgplb.BgpAdvertisement("bgpadvertisement-1", { pools: [pool1], peers: [peer1], ...advertisement }, target.options);
const adv2 = new bgplb.BgpAdvertisement("bgpadvertisement-2", { pools: [pool2], peers: [peer2], ...advertisement }, target.options);

const groups = [peer1.objects, peer2.objects, pool1.objects, pool2.objects, adv1.objects, adv2.objects];
const rendered = target.publish(groups);

/** Every rendered object. */
export const objects = groups;
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
