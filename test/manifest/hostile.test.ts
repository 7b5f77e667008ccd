import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  closestField,
  DirectoryWriteError,
  echoPath,
  echoText,
  echoValue,
  formatManifestIssue,
  parseManifests,
  writeManifestDirectory,
} from "../../sdk/manifest";
import { emptyTopology, topologyObjects, topologyOf, type OpaqueObject } from "../../sdk/model";

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

const errors = (text: string) =>
  parseManifests([{ file: "x.yaml", text }])
    .issues.filter((issue) => issue.severity === "error")
    .map(formatManifestIssue);

describe("manifest: hostile input", () => {
  describe("aliases", () => {
    it("an alias without an anchor before it is an error at the alias (file:line:column)", () => {
      expect(errors(`${PEER}  vrf: *red\n`)).to.deep.equal(["x.yaml:10:8: error: alias *red has no anchor &red before it"]);
    });

    it("an anchor in an earlier document does not resolve an alias in a later one", () => {
      expect(errors(`${PEER}  vrf: &red red\n---\n${PEER.replace("peer1", "peer2")}  vrf: *red\n`)).to.deep.equal([
        "x.yaml:21:8: error: alias *red has no anchor &red before it",
      ]);
    });

    it("a billion-laughs document is refused at its first alias, in bounded time", () => {
      const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array.from({ length: 10 }, () => `*l${i}`).join(",")}]`);
      const started = Date.now();
      const found = errors(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nl0: &l0 lol\n${levels.join("\n")}\n`);
      expect(found).to.have.length(1);
      expect(found[0]).to.match(/^x\.yaml:5:\d+: error: aliases expand to too many values/);
      expect(Date.now() - started).to.be.below(5000);
    });

    it("a recursive alias (a node holding itself) is an error at the alias, not an endless walk", () => {
      expect(errors("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loop}\ndata: &self {again: *self}\n")).to.deep.equal([
        "x.yaml:4:21: error: alias *self stands inside the node it names (a loop)",
      ]);
    });

    it("aliases of a normal size still read, as the values they stand for", () => {
      const result = parseManifests(PEER.replace("metadata:\n", "metadata:\n  labels: &l {team: net}\n  annotations: *l\n"));
      expect(result.issues).to.deep.equal([]);
      expect(result.topology.metallbBgpPeers[0].metadata).to.deep.include({ labels: { team: "net" }, annotations: { team: "net" } });
    });
  });

  it("nesting deeper than a manifest needs is an error, whether the reader or bgplb notices it", () => {
    for (const depth of [100, 50_000]) {
      const found = errors(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${"[".repeat(depth)}${"]".repeat(depth)}\n`);
      expect(found, `depth ${depth}`).to.have.length(1);
      expect(found[0], `depth ${depth}`).to.match(/nested (more than 64 levels deep|too deeply to read)/);
    }
  });

  it("deep flow nesting and oversized documents are refused before a syntax tree is built, at their line", () => {
    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${"[".repeat(2000)}${"]".repeat(2000)}\n`;
    expect(errors(deep)).to.deep.equal(["x.yaml:4:71: error: nested more than 64 levels deep"]);
    expect(errors(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q}\ndata: "${"[".repeat(2000)}"\n`)).to.deep.equal([]);
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${"- a\n".repeat(200_000)}`;
    expect(errors(big)[0]).to.match(/^x\.yaml:\d+:\d+: error: a document of more than 500000 YAML tokens/);
    const many = Array.from({ length: 3 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata:\n${"- a\n".repeat(40_000)}`).join(
      "---\n",
    );
    expect(errors(many)).to.deep.equal([]);
  });

  it("a __proto__ label is a label like any other, not the map's prototype", () => {
    const result = parseManifests(PEER.replace("metadata:\n", 'metadata:\n  labels: {"__proto__": evil, team: net}\n'));
    const labels = result.topology.metallbBgpPeers[0].metadata.labels!;
    expect(Object.keys(labels)).to.deep.equal(["__proto__", "team"]);
    expect(Object.getPrototypeOf(labels)).to.equal(Object.prototype);
  });

  it("an unknown field names the known field it is most likely a typo of", () => {
    expect(closestField("ingresVIP", ["controlPlaneVIP", "ingressVIP"])).to.equal("ingressVIP");
    expect(closestField("localAsn", ["localASN", "bgpPeers"])).to.equal("localASN");
    expect(closestField("peerAdress", ["peerAddress", "peerASN", "peerPort"])).to.equal("peerAddress");
    expect(closestField("somethingElse", ["ingressVIP", "controlPlaneVIP"])).to.equal(undefined);
    expect(closestField("ip", ["asn"])).to.equal(undefined);
    expect(closestField("k".repeat(100_000), ["kind"])).to.equal(undefined);
    const warning = parseManifests(PEER.replace("peerAddress:", "peerAdress:")).issues.find((issue) => issue.code === "unknown-field");
    expect(warning?.message).to.equal("unknown field (did you mean peerAddress?), kept as is");
  });

  it("reports progress every thousand documents when asked", () => {
    const text = Array.from({ length: 2500 }, (_, i) => PEER.replace("peer1", `peer${i}`).replace("10.0.0.1", `10.0.${i >> 8}.${i & 255}`)).join("---\n");
    const steps: string[] = [];
    const result = parseManifests([{ file: "many.yaml", text }], { progress: (step) => steps.push(step) });
    expect(result.topology.metallbBgpPeers).to.have.length(2500);
    expect(steps).to.deep.equal(["many.yaml: 1000 documents read", "many.yaml: 2000 documents read"]);
  });

  describe("echoed values", () => {
    it("caps text at 80 characters and says how much is left out", () => {
      expect(echoText("short")).to.equal("short");
      expect(echoText("x".repeat(80))).to.equal("x".repeat(80));
      expect(echoText("x".repeat(200_000))).to.equal(`${"x".repeat(80)}…(199920 more)`);
      expect(echoText(`${"x".repeat(79)}😀tail`)).to.equal(`${"x".repeat(79)}…(6 more)`);
    });

    it("caps values as JSON and paths key by key", () => {
      expect(echoValue("y".repeat(100))).to.equal(`"${"y".repeat(80)}…(20 more)"`);
      expect(echoValue(Array.from({ length: 1000 }, (_, i) => i))).to.match(/^\[0,1,2,.*…\(\d+ more\)$/);
      expect(echoValue(undefined)).to.equal("absent");
      expect(echoPath(["spec", "k".repeat(1000), 3])).to.equal(`spec["${"k".repeat(80)}…(920 more)"][3]`);
    });

    it("a type error on a 200,000-character value repeats 80 of them", () => {
      const issue = parseManifests(PEER.replace("myASN: 64500", `myASN: "${"6".repeat(200_000)}"`)).issues[0];
      expect(formatManifestIssue(issue).length).to.be.below(300);
      expect(issue.message).to.contain("…(199920 more)");
    });
  });

  it("the directory writer refuses a file where the directory should be, naming it, and leaves it alone", () => {
    const scratch = mkdtempSync(join(tmpdir(), "bgplb-out-"));
    try {
      const file = join(scratch, "passwd");
      writeFileSync(file, "root:x:0:0\n");
      expect(() => writeManifestDirectory(file, emptyTopology())).to.throw(DirectoryWriteError, `${file} is a file, not a directory`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("lists and groups 300,000 objects without spreading them into one call", () => {
    const objects: OpaqueObject[] = Array.from({ length: 300_000 }, (_, i) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i}` }, body: {} }));
    expect(topologyObjects(topologyOf(objects))).to.have.length(300_000);
  });
});
