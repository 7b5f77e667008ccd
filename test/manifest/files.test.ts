import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DirectoryWriteError,
  diffTopologies,
  exampleText,
  loadManifestDirectory,
  loadManifests,
  manifestFileName,
  parseManifests,
  writeManifestDirectory,
} from "../../sdk/manifest";
import { ipAddressPool, mergeTopologies, topologyOf, type Topology } from "../../sdk/model";

describe("manifest: directories", () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "bgplb-manifest-"));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const gke = (): Topology => parseManifests(exampleText("gke-separate-data-plane")).topology;
  const metallb = (): Topology => parseManifests(exampleText("metallb-pools-per-peer")).topology;

  it("names files by kind, group, namespace and name so the two BGPPeer kinds never collide", () => {
    const names = [...gke().gkeBgpPeers, ...metallb().metallbBgpPeers].map(manifestFileName);
    expect(names).to.deep.equal([
      "bgppeer.networking.gke.io_cluster-bm_bgppeer1.yaml",
      "bgppeer.metallb.io_metallb-system_peer1.yaml",
      "bgppeer.metallb.io_metallb-system_peer2.yaml",
    ]);
  });

  it("writes one file per object and loads the directory back to the same topology", () => {
    const topology = mergeTopologies(gke(), metallb());
    const out = join(work, "out");
    const written = writeManifestDirectory(out, topology);
    expect(written).to.have.length(10);
    expect(readdirSync(out).sort()).to.deep.equal(written.map((file) => file.slice(out.length + 1)).sort());
    expect(readFileSync(join(out, "networkgatewaygroup.networking.gke.io_cluster-bm_default.yaml"), "utf8")).to.equal(
      "apiVersion: networking.gke.io/v1\nkind: NetworkGatewayGroup\nmetadata:\n  name: default\n  namespace: cluster-bm\nspec:\n  floatingIPs:\n    - 10.0.3.100\n    - 10.0.3.101\n",
    );
    const loaded = loadManifestDirectory(out);
    expect(loaded.issues).to.deep.equal([]);
    expect(diffTopologies(topology, loaded.topology).changes).to.deep.equal([]);
    expect(readdirSync(work)).to.deep.equal(["out"]);
  });

  it("replaces a previous render whole, dropping files of removed objects", () => {
    const out = join(work, "out");
    writeManifestDirectory(out, mergeTopologies(gke(), metallb()));
    writeManifestDirectory(out, metallb());
    expect(readdirSync(out).every((name) => name.includes("metallb.io"))).to.equal(true);
    expect(readdirSync(work)).to.deep.equal(["out"]);
  });

  it("refuses to replace a directory holding files it did not write, and changes nothing", () => {
    const out = join(work, "out");
    mkdirSync(out);
    writeFileSync(join(out, "README.md"), "mine");
    expect(() => writeManifestDirectory(out, gke())).to.throw(DirectoryWriteError, "README.md");
    expect(readdirSync(out)).to.deep.equal(["README.md"]);
    expect(readdirSync(work)).to.deep.equal(["out"]);
  });

  it("leaves nothing behind when writing fails", () => {
    const blocker = join(work, "file");
    writeFileSync(blocker, "x");
    expect(() => writeManifestDirectory(join(blocker, "out"), gke())).to.throw(DirectoryWriteError, "nothing was changed");
    expect(readdirSync(work)).to.deep.equal(["file"]);
  });

  it("removes every staged file and keeps the previous render when a file fails mid-way", () => {
    const out = join(work, "out");
    writeManifestDirectory(out, metallb());
    const before = readdirSync(out).sort();
    const tooLong = ipAddressPool({ name: "p".repeat(300), addresses: ["198.51.100.0/24"] });
    expect(() => writeManifestDirectory(out, mergeTopologies(gke(), topologyOf([tooLong])))).to.throw(DirectoryWriteError, "nothing was changed");
    expect(readdirSync(out).sort()).to.deep.equal(before);
    expect(readdirSync(work)).to.deep.equal(["out"]);
  });

  it("loads nested directories in path order and reports unreadable paths", () => {
    mkdirSync(join(work, "gitops", "gke"), { recursive: true });
    writeFileSync(join(work, "gitops", "gke", "cluster.yaml"), exampleText("gke-shared-peers"));
    writeFileSync(join(work, "gitops", "metallb.yml"), exampleText("metallb-vrf"));
    writeFileSync(join(work, "gitops", "notes.txt"), "not yaml: [");
    const loaded = loadManifests(join(work, "gitops"));
    expect(loaded.issues).to.deep.equal([]);
    expect(loaded.topology.clusters).to.have.length(1);
    expect(loaded.topology.metallbBgpPeers).to.have.length(1);
    const missing = loadManifests(join(work, "nope"));
    expect(missing.issues.map((issue) => [issue.code, issue.severity])).to.deep.equal([["read-error", "error"]]);
    expect(existsSync(join(work, "nope"))).to.equal(false);
  });
});
