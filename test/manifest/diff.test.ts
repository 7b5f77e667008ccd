import { expect } from "chai";
import fc from "fast-check";
import { IMMUTABLE_AFTER_CREATION, diffLines, diffToJson, diffTopologies, exampleText, formatDiff, parseManifests } from "../../sdk/manifest";
import { topologyObjects, topologyOf, type Topology } from "../../sdk/model";
import { arbTopology } from "../arbitraries";

function parse(text: string): Topology {
  const result = parseManifests(text);
  expect(result.issues.filter((issue) => issue.severity === "error")).to.deep.equal([]);
  return result.topology;
}

const BASE = exampleText("gke-separate-data-plane");

describe("manifest: semantic diff", () => {
  it("finds no change between a topology and itself, in any order", () => {
    fc.assert(
      fc.property(arbTopology(), (topology) => {
        const reversed = topologyOf(topologyObjects(topology).reverse());
        const diff = diffTopologies(topology, reversed);
        expect(diff.changes).to.deep.equal([]);
        expect(diff.unchanged).to.equal(topologyObjects(topology).length);
      }),
      { numRuns: 100 },
    );
  });

  it("reports every object of the other side as added or removed", () => {
    fc.assert(
      fc.property(arbTopology(), (topology) => {
        const empty = topologyOf([]);
        const count = topologyObjects(topology).length;
        expect(diffTopologies(empty, topology).changes.filter((c) => c.change === "added")).to.have.length(count);
        expect(diffTopologies(topology, empty).changes.filter((c) => c.change === "removed")).to.have.length(count);
      }),
      { numRuns: 100 },
    );
  });

  it("names field paths with old → new values, matches peers by ip and flags the cluster ASN as not updatable", () => {
    const after = BASE.replace("localASN: 65001\n    bgpPeers:", "localASN: 65009\n    bgpPeers:")
      .replace("      - ip: 10.0.2.254\n        asn: 65002", "      - ip: 10.0.2.254\n        asn: 65003")
      .replace("    - 10.0.3.101\n", "    - 10.0.3.101\n    - 10.0.3.102\n")
      .replace("  sessions: 2\n", "  sessions: 3\n");
    const diff = diffTopologies(parse(BASE), parse(after));
    expect(diff.hasImmutableChanges).to.equal(true);
    expect(diff.unchanged).to.equal(1);
    expect(
      diff.changes.map((change) => [change.change, change.key.kind, change.fields.map((f) => [f.path, f.op, f.before, f.after, f.immutableReason])]),
    ).to.deep.equal([
      [
        "changed",
        "Cluster",
        [
          ["spec.loadBalancer.localASN", "replace", 65001, 65009, "the cluster ASN cannot change after creation"],
          ["spec.loadBalancer.bgpPeers[ip=10.0.2.254].asn", "replace", 65002, 65003, undefined],
        ],
      ],
      ["changed", "NetworkGatewayGroup", [["spec.floatingIPs", "add", undefined, "10.0.3.102", undefined]]],
      ["changed", "BGPPeer", [["spec.sessions", "replace", 2, 3, undefined]]],
    ]);
  });

  it("flags VIP and load-balancer type changes; treats an absent type as layer2", () => {
    const layer2 = BASE.replace("    type: bgp\n", "    type: layer2\n");
    const noType = BASE.replace("    type: bgp\n", "");
    expect(diffTopologies(parse(layer2), parse(noType)).changes).to.deep.equal([]);
    const diff = diffTopologies(parse(BASE), parse(noType.replace("controlPlaneVIP: 10.0.0.8", "controlPlaneVIP: 10.0.0.9")));
    expect(diff.changes[0].fields.map((f) => [f.path, f.immutableReason])).to.deep.equal([
      ["spec.loadBalancer.type", "the load balancer type cannot change after creation"],
      ["spec.loadBalancer.vips.controlPlaneVIP", "the control-plane VIP cannot change after creation"],
    ]);
  });

  it("does not flag peer changes, which are allowed after creation", () => {
    const after = BASE.replace("      - ip: 10.0.2.254\n", "      - ip: 10.0.2.253\n");
    const diff = diffTopologies(parse(BASE), parse(after));
    expect(diff.hasImmutableChanges).to.equal(false);
    expect(diff.changes[0].fields.map((f) => [f.path, f.op])).to.deep.equal([
      ["spec.loadBalancer.bgpPeers[ip=10.0.2.254]", "remove"],
      ["spec.loadBalancer.bgpPeers[ip=10.0.2.253]", "add"],
    ]);
  });

  it("ignores server-managed metadata unless asked", () => {
    const live = BASE.replace("  name: bgppeer1\n", '  name: bgppeer1\n  resourceVersion: "991"\n  uid: 0d6c\n');
    expect(diffTopologies(parse(BASE), parse(live)).changes).to.deep.equal([]);
    expect(diffTopologies(parse(BASE), parse(live), { includeServerMetadata: true }).changes[0].fields.map((f) => f.path)).to.deep.equal([
      "metadata.resourceVersion",
      "metadata.uid",
    ]);
  });

  it("formats like a review comment and as JSON", () => {
    const after = BASE.replace("localASN: 65001\n    bgpPeers:", "localASN: 65009\n    bgpPeers:").replace(
      /---\napiVersion: networking.gke.io\/v1\nkind: BGPPeer[\s\S]*$/,
      "",
    );
    const diff = diffTopologies(parse(BASE), parse(after));
    expect(formatDiff(diff)).to.equal(
      [
        "0 added, 1 removed, 1 changed, 2 unchanged",
        "",
        "WARNING: these changes cannot be applied after creation (recreate the object or revert them):",
        "  - baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm spec.loadBalancer.localASN: the cluster ASN cannot change after creation",
        "",
        "~ baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm",
        "    spec.loadBalancer.localASN: 65001 → 65009  [not allowed after creation: the cluster ASN cannot change after creation]",
        "",
        "- networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1",
        "",
      ].join("\n"),
    );
    expect(diffToJson(diff)).to.deep.equal({
      summary: { added: 0, removed: 1, changed: 1, unchanged: 2 },
      hasImmutableChanges: true,
      changes: [
        {
          change: "changed",
          apiVersion: "baremetal.cluster.gke.io/v1",
          kind: "Cluster",
          namespace: "cluster-bm",
          name: "bm",
          fields: [
            { path: "spec.loadBalancer.localASN", op: "replace", before: 65001, after: 65009, immutableReason: "the cluster ASN cannot change after creation" },
          ],
        },
        { change: "removed", apiVersion: "networking.gke.io/v1", kind: "BGPPeer", namespace: "cluster-bm", name: "bgppeer1", fields: [] },
      ],
    });
    expect(formatDiff(diffTopologies(parse(BASE), parse(BASE)))).to.equal("0 added, 0 removed, 0 changed, 4 unchanged\nNo changes.\n");
  });

  it("lists one line per change for logs, with the not-allowed note on fixed fields", () => {
    const before = parseManifests(exampleText("gke-separate-data-plane")).topology;
    const after = parseManifests(
      exampleText("gke-separate-data-plane").replace("localASN: 65001\n    bgpPeers", "localASN: 65010\n    bgpPeers").replace("sessions: 2", "sessions: 1"),
    ).topology;
    const reason = diffTopologies(before, after).changes[0].fields[0].immutableReason;
    expect(reason).to.be.a("string").and.to.match(/ASN/);
    expect(diffLines(diffTopologies(before, after))).to.deep.equal([
      `~ baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm spec.loadBalancer.localASN: 65001 → 65010  [not allowed after creation: ${reason}]`,
      "~ networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1 spec.sessions: 2 → 1",
    ]);
    expect(diffLines(diffTopologies(before, before))).to.deep.equal([]);
  });

  it("treats the server defaults of live MetalLB objects as equal to the absent fields (GitOps against a cluster)", () => {
    const rendered = exampleText("metallb-pools-per-peer");
    const live = rendered
      .replace(/(kind: BGPPeer\n(?:.*\n)*?spec:\n)/, "$1  peerPort: 179\n  disableMP: false\n  dualStackAddressFamily: false\n")
      .replace(/(kind: IPAddressPool\n(?:.*\n)*?spec:\n)/, "$1  autoAssign: true\n  avoidBuggyIPs: false\n");
    expect(live).to.not.equal(rendered);
    expect(diffTopologies(parse(rendered), parse(live)).changes).to.deep.equal([]);
    const changed = live.replace("  disableMP: false\n", "  disableMP: true\n");
    expect(diffLines(diffTopologies(parse(rendered), parse(changed)))).to.have.length(1);
  });

  it("never shows the value of a secret field (a MetalLB BGPPeer password)", () => {
    const rendered = exampleText("metallb-pools-per-peer");
    const before = rendered.replace(/(kind: BGPPeer\n(?:.*\n)*?spec:\n)/, "$1  password: old-s3cret\n");
    const after = rendered.replace(/(kind: BGPPeer\n(?:.*\n)*?spec:\n)/, "$1  password: new-s3cret\n");
    const lines = diffLines(diffTopologies(parse(before), parse(after)));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include("spec.password").and.not.include("s3cret");
    expect(JSON.stringify(diffToJson(diffTopologies(parse(before), parse(after))))).to.not.include("s3cret");
  });

  it("exports the not-updatable fields as data", () => {
    expect(IMMUTABLE_AFTER_CREATION.map((entry) => `${entry.kind} ${entry.apiVersion} ${entry.path.join(".")}`)).to.deep.equal([
      "Cluster baremetal.cluster.gke.io/v1 spec.loadBalancer.mode",
      "Cluster baremetal.cluster.gke.io/v1 spec.loadBalancer.type",
      "Cluster baremetal.cluster.gke.io/v1 spec.loadBalancer.localASN",
      "Cluster baremetal.cluster.gke.io/v1 spec.loadBalancer.vips.controlPlaneVIP",
      "Cluster baremetal.cluster.gke.io/v1 spec.loadBalancer.vips.ingressVIP",
      "BGPPeer metallb.io/v1beta2 spec.enableGracefulRestart",
    ]);
  });
});
