// MetalLB guide: only compute-1 and compute-2 may peer with 10.0.20.1.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as bgplb from "../../provider";

const target = bgplb.stackTarget();

const peer = new bgplb.MetalLbPeer(
  "doc-example-nodesel",
  {
    myAsn: 64500,
    peerAsn: 64501,
    peerAddress: "10.0.20.1",
    nodeSelectors: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["compute-1.example.com", "compute-2.example.com"] }] }],
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const rendered = target.publish([peer.objects]);

/** Every rendered object. */
export const objects = [peer.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
