import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_NAMES, exampleText, parseManifests, renderYaml } from "../../sdk/manifest";
import { bgplb, scratchDirectory } from "./helpers";

/** The documents of a multi-document YAML text in reverse order. */
function reversedDocuments(text: string): string {
  return text
    .split(/^---\n/m)
    .reverse()
    .map((doc) => (doc.endsWith("\n") ? doc : `${doc}\n`))
    .join("---\n");
}

describe("bgplb render", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  for (const name of EXAMPLE_NAMES) {
    it(`renders ${name} exactly as the core does, whatever the document order`, async () => {
      const run = await bgplb("render", "--example", name);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.equal(renderYaml(parseManifests(exampleText(name)).topology));
      const shuffled = dir.write(`${name}-reversed.yaml`, reversedDocuments(exampleText(name)));
      expect((await bgplb("render", shuffled)).stdout).to.equal(run.stdout);
    });
  }

  it("writes one file per object with --out", async () => {
    const out = join(dir.path, "out");
    const run = await bgplb("render", "--example", "gke-separate-data-plane", "--out", out);
    expect(run.code, run.stderr).to.equal(0);
    expect(readdirSync(out).sort()).to.deep.equal([
      "bgploadbalancer.networking.gke.io_cluster-bm_default.yaml",
      "bgppeer.networking.gke.io_cluster-bm_bgppeer1.yaml",
      "cluster.baremetal.cluster.gke.io_cluster-bm_bm.yaml",
      "networkgatewaygroup.networking.gke.io_cluster-bm_default.yaml",
    ]);
    expect(readFileSync(join(out, "bgppeer.networking.gke.io_cluster-bm_bgppeer1.yaml"), "utf8")).to.contain("peerIP: 10.0.3.254");
  });

  it("refuses invalid input with exit 1 and writes nothing", async () => {
    const file = dir.write("ibgp.yaml", exampleText("gke-shared-peers").replace("asn: 65002", "asn: 65001"));
    const out = join(dir.path, "never");
    const run = await bgplb("render", file, "--out", out);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^error BGPLB012 /m);
    expect(existsSync(out)).to.equal(false);
  });

  it("leaves a directory it did not write untouched and exits 2", async () => {
    const out = join(dir.path, "foreign");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "mine");
    const run = await bgplb("render", "--example", "metallb-vrf", "--out", out);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("notes.txt");
    expect(readdirSync(out)).to.deep.equal(["notes.txt"]);
  });
});

describe("bgplb diff", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  it("exits 0 for the same topology in another document order", async () => {
    const a = dir.write("a.yaml", exampleText("metallb-pools-per-peer"));
    const b = dir.write("b.yaml", reversedDocuments(exampleText("metallb-pools-per-peer")));
    const run = await bgplb("diff", a, b);
    expect(run.code).to.equal(0);
  });

  it("exits 1 and names each changed field with old and new value, marking fields fixed after creation", async () => {
    const a = dir.write("old.yaml", exampleText("gke-shared-peers"));
    const b = dir.write("new.yaml", exampleText("gke-shared-peers").replace("localASN: 65001", "localASN: 65010"));
    const run = await bgplb("diff", a, b);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain("spec.loadBalancer.localASN");
    expect(run.stdout).to.match(/65001.*65010/);
    const json = JSON.parse((await bgplb("diff", a, b, "--output", "json")).stdout) as { hasImmutableChanges: boolean };
    expect(JSON.stringify(json)).to.contain("localASN");
    expect(json.hasImmutableChanges).to.equal(true);
  });

  it("compares a file with a rendered GitOps directory", async () => {
    const out = join(dir.path, "gitops");
    expect((await bgplb("render", "--example", "gke-dual-stack", "--out", out)).code).to.equal(0);
    const run = await bgplb("diff", out, dir.write("dual.yaml", exampleText("gke-dual-stack")));
    expect(run.code, run.stdout).to.equal(0);
  });

  it("exits 2 on wrong usage or unreadable input", async () => {
    expect((await bgplb("diff", "only-one.yaml")).code).to.equal(2);
    expect((await bgplb("diff", join(dir.path, "x.yaml"), join(dir.path, "y.yaml"))).code).to.equal(2);
  });
});
