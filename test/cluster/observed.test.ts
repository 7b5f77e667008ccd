/** What the speaker reads from the API server: configuration (last good kept), Services, Nodes, Lease observation. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { LeaseObserver, floatingIpLeaseName, speakerOfLease, speakerLeaseName } from "../../sdk/cluster/leases";
import { addressRequestOf, decideConfiguration, isLoadBalancerService, nodeViewOf, servicesToClear, type RawObject } from "../../sdk/cluster/observed";
import { repoDir } from "../e2e/harness/tools";

const TOPOLOGY = readFileSync(path.join(repoDir, "test/e2e/cluster-speaker-topology.yaml"), "utf8")
  .split(/^---$/m)
  .map((doc) => parse(doc) as RawObject);
/** As the API server returns them: server metadata and a status added. */
const FROM_API = TOPOLOGY.map((o) => ({
  ...o,
  metadata: { ...o.metadata, uid: "u", resourceVersion: "7", creationTimestamp: "2026-01-01T00:00:00Z" },
  status: {},
}));

function withPeer(change: (spec: Record<string, unknown>) => Record<string, unknown>): RawObject[] {
  return FROM_API.map((o) => (o.kind === "BGPPeer" && o.metadata?.name === "bird" ? { ...o, spec: change(o.spec as Record<string, unknown>) } : o));
}

describe("cluster speaker: configuration from the API server", () => {
  it("takes a valid configuration (server metadata and status ignored)", () => {
    const decision = decideConfiguration(FROM_API, undefined, ["198.18.0.0/24"]);
    expect(decision.accepted).to.equal(true);
    expect(decision.topology!.gkeBgpPeers.map((p) => p.metadata.name)).to.deep.equal(["bird", "frr"]);
  });

  it("keeps the last good configuration when an edit fails validation, and names rule, path and value", () => {
    const good = decideConfiguration(FROM_API, undefined, ["198.18.0.0/24"]).topology;
    const decision = decideConfiguration(
      withPeer((spec) => ({ ...spec, sessions: 5 })),
      good,
      ["198.18.0.0/24"],
    );
    expect(decision.accepted).to.equal(false);
    expect(decision.topology).to.equal(good);
    expect(decision.errors.map((d) => `${d.code} ${d.object.kind}/${d.object.name} ${d.path}`)).to.deep.equal(["BGPLB042 BGPPeer/bird spec.sessions"]);
    expect(decision.errors[0].message).to.include("sessions is 5");
  });

  it("keeps the last good configuration when an object does not decode (wrong type)", () => {
    const good = decideConfiguration(FROM_API, undefined, []).topology;
    const decision = decideConfiguration(
      withPeer((spec) => ({ ...spec, peerASN: "65002" })),
      good,
      [],
    );
    expect(decision.accepted).to.equal(false);
    expect(decision.topology).to.equal(good);
    expect(decision.errors[0].message).to.match(/^BGPPeer cluster-lab\/bird spec\.peerASN: expected an integer/);
  });
});

describe("cluster speaker: Services and Nodes as the planners see them", () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): RawObject => ({
    metadata: { name: "web", namespace: "shop", creationTimestamp: new Date("2026-02-03T04:05:06Z") },
    spec,
    status,
  });

  it("a LoadBalancer Service without another loadBalancerClass is ours; its request reads ipFamilies, policy, loadBalancerIP and status", () => {
    const raw = svc(
      { type: "LoadBalancer", ipFamilies: ["IPv6", "IPv4"], ipFamilyPolicy: "RequireDualStack", loadBalancerIP: "203.0.113.5" },
      { loadBalancer: { ingress: [{ ip: "2001:db8::5" }] } },
    );
    expect(isLoadBalancerService(raw)).to.equal(true);
    expect(isLoadBalancerService(svc({ type: "LoadBalancer", loadBalancerClass: "other" }))).to.equal(false);
    expect(isLoadBalancerService(svc({ type: "ClusterIP" }))).to.equal(false);
    expect(addressRequestOf(raw)).to.deep.equal({
      key: "shop/web",
      families: [6, 4],
      familyPolicy: "RequireDualStack",
      requested: ["203.0.113.5"],
      current: ["2001:db8::5"],
      createdAt: "2026-02-03T04:05:06.000Z",
    });
  });

  it("the allocator clears the addresses of a Service no longer of type LoadBalancer, and leaves another loadBalancerClass's Service alone", () => {
    const named = (name: string, raw: RawObject): RawObject => ({ ...raw, metadata: { ...raw.metadata, name } });
    const shown = { loadBalancer: { ingress: [{ ip: "203.0.113.5" }] } };
    const services = [
      named("was-lb", svc({ type: "ClusterIP" }, shown)),
      named("other-class", svc({ type: "LoadBalancer", loadBalancerClass: "example.com/other" }, shown)),
      named("ours", svc({ type: "LoadBalancer" }, shown)),
      named("no-address", svc({ type: "ClusterIP" })),
      named("deleting", { ...svc({ type: "ClusterIP" }, shown), metadata: { name: "deleting", namespace: "shop", deletionTimestamp: new Date() } }),
    ];
    expect(servicesToClear(services).map((s) => s.metadata?.name)).to.deep.equal(["was-lb"]);
  });

  it("a Node is its InternalIPs and its Ready condition", () => {
    const node = nodeViewOf({
      metadata: { name: "n1" },
      status: {
        addresses: [
          { type: "Hostname", address: "n1" },
          { type: "InternalIP", address: "2001:DB8::1" },
          { type: "InternalIP", address: "10.0.0.1" },
        ],
        conditions: [{ type: "Ready", status: "False" }],
      },
    });
    expect(node).to.deep.equal({ name: "n1", addresses: ["2001:db8::1", "10.0.0.1"], ready: false });
  });
});

describe("cluster speaker: Lease observation", () => {
  const lease = (resourceVersion: string) => ({ name: "bgplb-fip-10-0-0-1", holder: "n1" as string | undefined, durationSeconds: 2, resourceVersion });

  it("a holder that stops renewing loses the Lease after its duration on the observer's own clock", () => {
    const observer = new LeaseObserver();
    observer.observe(lease("1"), 1_000);
    expect(observer.holder(lease("1"), 2_999)).to.equal("n1");
    expect(observer.holder(lease("1"), 3_000)).to.equal(undefined);
    observer.observe(lease("2"), 3_500);
    expect(observer.holder(lease("2"), 5_000)).to.equal("n1");
  });

  it("after reset (the API server was away) a Lease whose holder could not renew counts as just renewed", () => {
    const observer = new LeaseObserver();
    observer.observe(lease("1"), 0);
    expect(observer.holder(lease("1"), 30_000)).to.equal(undefined);
    observer.reset();
    observer.observe(lease("1"), 30_000);
    expect(observer.holder(lease("1"), 31_000)).to.equal("n1");
  });

  it("a released Lease has no holder", () => {
    const observer = new LeaseObserver();
    const released = { ...lease("1"), holder: undefined };
    observer.observe(released, 0);
    expect(observer.holder(released, 1)).to.equal(undefined);
  });

  it("names Leases after floating IPs and nodes", () => {
    expect(floatingIpLeaseName("198.18.0.100")).to.equal("bgplb-fip-198-18-0-100");
    expect(speakerOfLease(speakerLeaseName("n2"))).to.equal("n2");
    expect(speakerOfLease("bgplb-allocator")).to.equal(undefined);
  });
});
