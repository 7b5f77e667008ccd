import { expect } from "chai";
import { formatManifestIssue, hasManifestErrors, parseManifests, renderYaml } from "../../sdk/manifest";

const PEER = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata:
  name: peer1
  namespace: metallb-system
spec:
  myASN: 64500
  peerASN: 64501
  peerAddress: 10.0.0.1
`;

describe("manifest: parse", () => {
  it("reports YAML syntax errors with file, line and column", () => {
    const result = parseManifests([{ file: "peers.yaml", text: `${PEER}---\napiVersion: v1\nkind: a: b\n` }]);
    const syntax = result.issues.filter((issue) => issue.code === "yaml-syntax");
    expect(syntax).to.have.length(1);
    expect(syntax[0]).to.include({ severity: "error", file: "peers.yaml", line: 12, column: 7 });
    expect(result.topology.metallbBgpPeers.map((peer) => peer.metadata.name)).to.deep.equal(["peer1"]);
  });

  it("names the path, the bad value and its position on a type error, and leaves the object out", () => {
    const result = parseManifests([{ file: "p.yaml", text: PEER.replace("myASN: 64500", 'myASN: "64500"') }]);
    expect(result.issues.map(formatManifestIssue)).to.deep.equal([
      'p.yaml:7:10: error: BGPPeer metallb-system/peer1 spec.myASN: expected an integer, got the string "64500"',
    ]);
    expect(result.topology.metallbBgpPeers).to.deep.equal([]);
    expect(hasManifestErrors(result.issues)).to.equal(true);
  });

  it("hints at quoting when a label value is not a string", () => {
    const text = PEER.replace("  namespace: metallb-system\n", "  namespace: metallb-system\n  labels:\n    default-peer: true\n");
    const [issue] = parseManifests(text).issues;
    expect(issue).to.include({ path: 'metadata.labels["default-peer"]', code: "type-error" });
    expect(issue.message).to.equal('expected a string, got boolean true (quote it: "true")');
  });

  it("reports missing required fields", () => {
    const result = parseManifests(PEER.replace("  myASN: 64500\n", ""));
    expect(result.issues.map((issue) => [issue.code, issue.path])).to.deep.equal([["missing-field", "spec.myASN"]]);
  });

  it("rejects values outside an enumeration", () => {
    const text = `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: {name: p, namespace: metallb-system}
spec:
  myASN: 1
  peerASN: 2
  peerAddress: 10.0.0.1
  nodeSelectors:
    - matchExpressions:
        - {key: a, operator: Inside}
`;
    const [issue] = parseManifests(text).issues;
    expect(issue).to.include({ path: "spec.nodeSelectors[0].matchExpressions[0].operator", code: "type-error" });
    expect(issue.message).to.contain('"Inside" is not one of "In", "NotIn", "Exists", "DoesNotExist"');
  });

  it("warns on unknown fields with their path, keeps them, and renders them back", () => {
    const text = PEER.replace("  peerAddress: 10.0.0.1\n", "  peerAddress: 10.0.0.1\n  futureKnob: {a: 1}\n");
    const result = parseManifests([{ file: "p.yaml", text }]);
    expect(result.issues.map(formatManifestIssue)).to.deep.equal([
      "p.yaml:10:3: warning: BGPPeer metallb-system/peer1 spec.futureKnob: unknown field, kept as is",
    ]);
    expect(result.topology.metallbBgpPeers[0].unknownFields).to.deep.equal([{ path: ["spec", "futureKnob"], value: { a: 1 } }]);
    expect(renderYaml(result.topology)).to.contain("  futureKnob:\n    a: 1\n");
  });

  it("keeps server metadata without a warning and types enableGracefulRestart", () => {
    const text = PEER.replace("  peerAddress: 10.0.0.1\n", "  peerAddress: 10.0.0.1\n  enableGracefulRestart: true\n").replace(
      "  namespace: metallb-system\n",
      '  namespace: metallb-system\n  resourceVersion: "42"\n',
    );
    const result = parseManifests(text);
    expect(result.issues).to.deep.equal([]);
    expect(result.topology.metallbBgpPeers[0].unknownFields!.map((field) => field.path.join("."))).to.deep.equal(["metadata.resourceVersion"]);
    expect(result.topology.metallbBgpPeers[0].spec.enableGracefulRestart).to.equal(true);
  });

  it("skips unknown kinds with a note but keeps them verbatim", () => {
    const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: cluster-bm\ntype: Opaque\n";
    const result = parseManifests(`${secret}---\n${PEER}`);
    expect(result.issues.map((issue) => [issue.severity, issue.code, issue.object])).to.deep.equal([["note", "unknown-kind", "Secret cluster-bm/creds"]]);
    expect(result.topology.otherObjects).to.have.length(1);
    expect(result.topology.otherObjects[0].body).to.deep.equal({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds", namespace: "cluster-bm" },
      type: "Opaque",
    });
    expect(renderYaml(result.topology)).to.contain("kind: Secret\n");
  });

  it("reports a duplicate object and keeps the first", () => {
    const result = parseManifests([
      { file: "a.yaml", text: PEER },
      { file: "b.yaml", text: PEER.replace("10.0.0.1", "10.0.0.2") },
    ]);
    expect(result.issues.map((issue) => [issue.code, issue.file])).to.deep.equal([["duplicate-object", "b.yaml"]]);
    expect(result.topology.metallbBgpPeers[0].spec.peerAddress).to.equal("10.0.0.1");
  });

  it("tells the GKE and MetalLB BGPPeer kinds apart by apiVersion", () => {
    const gke =
      "apiVersion: networking.gke.io/v1\nkind: BGPPeer\nmetadata: {name: peer1, namespace: cluster-bm}\nspec: {localASN: 65001, peerASN: 65002, peerIP: 10.0.3.254, sessions: 2}\n";
    const result = parseManifests(`${gke}---\n${PEER}`);
    expect(result.issues).to.deep.equal([]);
    expect(result.topology.gkeBgpPeers.map((peer) => peer.spec.peerIP)).to.deep.equal(["10.0.3.254"]);
    expect(result.topology.metallbBgpPeers.map((peer) => peer.spec.peerAddress)).to.deep.equal(["10.0.0.1"]);
  });

  it("treats null fields as absent and empty documents as nothing", () => {
    const result = parseManifests(`---\n---\n${PEER}  vrf: null\n`);
    expect(result.issues).to.deep.equal([]);
    expect(result.topology.metallbBgpPeers[0].spec).to.deep.equal({ myASN: 64500, peerASN: 64501, peerAddress: "10.0.0.1" });
  });

  it("reports documents that are not objects or lack apiVersion/kind", () => {
    const result = parseManifests([{ file: "x.yaml", text: "- a\n---\nkind: BGPPeer\nmetadata: {name: a}\n" }]);
    expect(result.issues.map((issue) => [issue.code, issue.line, issue.path])).to.deep.equal([
      ["not-an-object", 1, undefined],
      ["missing-field", 3, "apiVersion"],
    ]);
  });
});
