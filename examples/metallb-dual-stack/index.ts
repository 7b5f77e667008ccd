// MetalLB guide: dual-stack peering is one BGPPeer per address family.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();
const apply = { applyToCluster: target.applyToCluster };

const ipv4 = new bgplb.MetalLbPeer("doc-example-dual-stack-ipv4", { myAsn: 64500, peerAsn: 64500, peerAddress: "10.0.20.1", ...apply }, target.options);
const ipv6 = new bgplb.MetalLbPeer("doc-example-dual-stack-ipv6", { myAsn: 64500, peerAsn: 64500, peerAddress: "2620:52:0:88::104", ...apply }, target.options);

const rendered = target.publish([ipv4.objects, ipv6.objects]);

/** Every rendered object. */
export const objects = [ipv4.objects, ipv6.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
