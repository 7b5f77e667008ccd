// MetalLB guide: a peer with a 10s hold time and a full BFD profile. With a
// `bgpPassword` secret in the stack config the peer also authenticates with
// TCP MD5: the password goes into a basic-auth Secret, never the manifests.
// A copy outside this repository imports "bgplb/pulumi" instead.
import * as pulumi from "@pulumi/pulumi";
import * as bgplb from "../../provider";

const config = new pulumi.Config();
const target = bgplb.stackTarget(config);

const profile = new bgplb.BfdProfile(
  "doc-example-bfd-profile-full",
  {
    receiveInterval: 300,
    transmitInterval: 300,
    detectMultiplier: 3,
    echoMode: false,
    passiveMode: true,
    minimumTtl: 254,
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const peer = new bgplb.MetalLbPeer(
  "doc-example-peer-bfd",
  {
    myAsn: 64500,
    peerAsn: 64501,
    peerAddress: "10.0.20.1",
    holdTime: "10s",
    bfdProfile: profile,
    password: config.getSecret("bgpPassword"),
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const rendered = target.publish([profile.objects, peer.objects]);

/** Every rendered object. */
export const objects = [profile.objects, peer.objects];
/** The files written to the GitOps directory (when rendering). */
export const files = rendered?.files;
