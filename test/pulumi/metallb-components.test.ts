import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { AddressPool, BfdProfile, BgpAdvertisement, MetalLbPeer, TopologyValidationError } from "../../components";
import { appliedObjects, installMocks, settle, valueOf, type RecordingMocks } from "./mocks";

describe("MetalLB components", () => {
  let mocks: RecordingMocks;
  beforeEach(async () => {
    mocks = await installMocks();
  });

  it("MetalLbPeer, AddressPool, BgpAdvertisement and BfdProfile apply the CRs field by field in metallb-system", async () => {
    const profile = new BfdProfile("fast", {
      receiveInterval: 100,
      transmitInterval: 100,
      detectMultiplier: 5,
      echoMode: true,
      echoInterval: 50,
      minimumTtl: 250,
    });
    const peer = new MetalLbPeer("tor-a", {
      myAsn: 64500,
      peerAsn: 64501,
      peerAddress: "10.0.0.1",
      sourceAddress: "10.0.0.10",
      peerPort: 1179,
      holdTime: "9s",
      keepaliveTime: "3s",
      routerId: "10.10.10.10",
      bfdProfile: profile,
      ebgpMultiHop: true,
      vrf: "red",
      nodeSelectors: [{ matchLabels: { rack: "a" }, matchExpressions: [{ key: "kubernetes.io/hostname", operator: "NotIn", values: ["n9"] }] }],
    });
    const pool = new AddressPool("public", {
      addresses: ["198.51.100.0/28", "2001:db8:5::/124"],
      autoAssign: false,
      avoidBuggyIps: true,
      labels: { tier: "edge" },
    });
    new BgpAdvertisement("public-to-a", {
      pools: [pool],
      peers: [peer],
      communities: ["65535:65282", "large:64500:1:2"],
      aggregationLength: 28,
      aggregationLengthV6: 124,
      nodeSelectors: [{ matchLabels: { rack: "a" } }],
    });
    await settle();
    const applied = appliedObjects(mocks);
    expect(applied.get("BFDProfile metallb-system/fast")).to.deep.equal({
      apiVersion: "metallb.io/v1beta1",
      kind: "BFDProfile",
      metadata: { name: "fast", namespace: "metallb-system" },
      spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 5, echoInterval: 50, echoMode: true, minimumTtl: 250 },
    });
    expect(applied.get("BGPPeer metallb-system/tor-a")).to.deep.equal({
      apiVersion: "metallb.io/v1beta2",
      kind: "BGPPeer",
      metadata: { name: "tor-a", namespace: "metallb-system" },
      spec: {
        myASN: 64500,
        peerASN: 64501,
        peerAddress: "10.0.0.1",
        sourceAddress: "10.0.0.10",
        peerPort: 1179,
        holdTime: "9s",
        keepaliveTime: "3s",
        routerID: "10.10.10.10",
        bfdProfile: "fast",
        nodeSelectors: [{ matchLabels: { rack: "a" }, matchExpressions: [{ key: "kubernetes.io/hostname", operator: "NotIn", values: ["n9"] }] }],
        ebgpMultiHop: true,
        vrf: "red",
      },
    });
    expect(applied.get("IPAddressPool metallb-system/public")).to.deep.equal({
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: "public", namespace: "metallb-system", labels: { tier: "edge" } },
      spec: { addresses: ["198.51.100.0/28", "2001:db8:5::/124"], autoAssign: false, avoidBuggyIPs: true },
    });
    expect(applied.get("BGPAdvertisement metallb-system/public-to-a")).to.deep.equal({
      apiVersion: "metallb.io/v1beta1",
      kind: "BGPAdvertisement",
      metadata: { name: "public-to-a", namespace: "metallb-system" },
      spec: {
        aggregationLength: 28,
        aggregationLengthV6: 124,
        communities: ["65535:65282", "large:64500:1:2"],
        ipAddressPools: ["public"],
        nodeSelectors: [{ matchLabels: { rack: "a" } }],
        peers: ["tor-a"],
      },
    });
    expect(applied.size).to.equal(4);
  });

  it("MetalLbPeer puts a secret password only into a basic-auth Secret the BGPPeer references", async () => {
    const peer = new MetalLbPeer("tor-b", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.2", password: pulumi.secret("s3cr3t-md5") });
    await settle();
    const secret = mocks.one("kubernetes:core/v1:Secret", "tor-b-bgp-password");
    expect(secret.inputs.type).to.equal("kubernetes.io/basic-auth");
    expect(secret.inputs.metadata).to.deep.equal({ name: "tor-b-bgp-password", namespace: "metallb-system" });
    const bgpPeer = appliedObjects(mocks).get("BGPPeer metallb-system/tor-b")!;
    expect(bgpPeer.spec).to.deep.equal({
      myASN: 64500,
      peerASN: 64501,
      peerAddress: "10.0.0.2",
      passwordSecret: { name: "tor-b-bgp-password", namespace: "metallb-system" },
    });
    expect(JSON.stringify(bgpPeer)).to.not.contain("s3cr3t-md5");
    expect(JSON.stringify(await valueOf(peer.objects))).to.not.contain("s3cr3t-md5");
    expect(peer.passwordSecretName).to.equal("tor-b-bgp-password");
  });

  it("marks the Secret's password secret even when given as plain text", async () => {
    new MetalLbPeer("tor-c", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.3", password: "plain-md5" });
    await settle();
    const secret = mocks.one("kubernetes:core/v1:Secret", "tor-c-bgp-password");
    const stringData = secret.inputs.stringData as Record<string, unknown>;
    // The mock monitor receives secrets wrapped with Pulumi's secret signature.
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSecretSig: string };
    expect(JSON.stringify(stringData)).to.contain(rpc.specialSecretSig);
  });

  it("rejects invalid peers, advertisements and profiles with the core diagnostics", () => {
    expect(() => new MetalLbPeer("short-hold", { myAsn: 64500, peerAsn: 64501, peerAddress: "10.0.0.1", holdTime: "2s" }))
      .to.throw(TopologyValidationError)
      .with.property("message")
      .that.contains("BGPLB100 holdTime");
    expect(() => new MetalLbPeer("ibgp-multihop", { myAsn: 64500, peerAsn: 64500, peerAddress: "10.0.0.1", ebgpMultiHop: true }))
      .to.throw(TopologyValidationError)
      .with.property("message")
      .that.contains("BGPLB105");
    const pool = new AddressPool("wide", { addresses: ["198.51.100.0/24"] });
    expect(() => new BgpAdvertisement("too-short", { pools: [pool], aggregationLength: 16 }))
      .to.throw(TopologyValidationError)
      .with.property("message")
      .that.contains("BGPLB111");
    expect(() => new BgpAdvertisement("bad-community", { pools: [pool], communities: ["70000:1"] }))
      .to.throw(TopologyValidationError)
      .with.property("message")
      .that.contains("BGPLB112");
    expect(() => new BfdProfile("slow", { receiveInterval: 5 }))
      .to.throw(TopologyValidationError)
      .with.property("message")
      .that.contains("BGPLB120");
  });
});
