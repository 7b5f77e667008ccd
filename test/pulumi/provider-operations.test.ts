/**
 * Each operation of the dynamic providers reads an object set once and
 * validates it once: the parser and validator are wrapped to count calls,
 * and the engine's order (check, diff, then create or update, in one
 * provider process) is played for both resources.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { MANIFEST_CORE, ManifestSetOperations, keyedObjects, type ManifestCore, type PlainObject } from "../../provider/manifest-set";
import { exampleText, parseManifests, renderPlain, renderYaml } from "../../sdk/manifest";

/** The real parser and validator, counting their calls. */
class CountingCore implements ManifestCore {
  parses = 0;
  validations = 0;

  readonly parse: ManifestCore["parse"] = (text) => {
    this.parses++;
    return MANIFEST_CORE.parse(text);
  };

  readonly validate: ManifestCore["validate"] = (topology, facts) => {
    this.validations++;
    return MANIFEST_CORE.validate(topology, facts);
  };

  /** The calls `run` made. */
  count<T>(run: () => T): { parses: number; validations: number; result: T } {
    const [parses, validations] = [this.parses, this.validations];
    const result = run();
    return { parses: this.parses - parses, validations: this.validations - validations, result };
  }
}

function exampleObjects(name: Parameters<typeof exampleText>[0]): Record<string, PlainObject> {
  return keyedObjects(renderPlain(parseManifests(exampleText(name)).topology));
}

function withSessions(objects: Record<string, PlainObject>, sessions: number): Record<string, PlainObject> {
  const changed = JSON.parse(JSON.stringify(objects)) as Record<string, PlainObject>;
  (changed["networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1"].spec as { sessions: number }).sessions = sessions;
  return changed;
}

describe("dynamic provider operations: one parse and one validation per object set", () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "bgplb-operations-"));
  });
  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("RenderedManifests: check parses and validates once; create, diff and update of the same sets parse and validate nothing more", () => {
    const core = new CountingCore();
    const operations = new ManifestSetOperations(core);
    const first = exampleObjects("gke-separate-data-plane");
    expect(core.count(() => operations.check({ directory, objects: first }))).to.deep.include({ parses: 1, validations: 1, result: [] });
    const created = core.count(() => operations.write({ directory, objects: first }, undefined));
    expect(created).to.deep.include({ parses: 0, validations: 0 });
    expect(fs.readFileSync(path.join(directory, "manifests.yaml"), "utf8")).to.equal(
      renderYaml(parseManifests(exampleText("gke-separate-data-plane")).topology),
    );

    // The next `pulumi up`, in a new provider process: the state's set is read in diff, the new set in check.
    const next = new ManifestSetOperations(core);
    const second = withSessions(first, 1);
    expect(core.count(() => next.check({ directory, objects: second }))).to.deep.include({ parses: 1, validations: 1 });
    expect(core.count(() => next.diff(created.result, { directory, objects: second }))).to.deep.include({
      parses: 1,
      validations: 0,
      result: { changes: true, replaces: [], deleteBeforeReplace: false },
    });
    const updated = core.count(() => next.write({ directory, objects: second }, created.result));
    expect(updated).to.deep.include({ parses: 0, validations: 0 });
    expect(updated.result.changes).to.deep.equal(["~ networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1 spec.sessions: 2 → 1"]);
  });

  it("AppliedTopology and RenderedManifests of one stack share the reading: one validation of the new set, each set parsed once", () => {
    const core = new CountingCore();
    const operations = new ManifestSetOperations(core);
    const olds = exampleObjects("gke-separate-data-plane");
    const news = withSessions(olds, 1);
    const state = new ManifestSetOperations(MANIFEST_CORE).write({ directory, objects: olds }, undefined);

    // The whole-topology check compares with the objects applied last: both sets are read, the new one validated against the old.
    expect(core.count(() => operations.checkApplied({ objects: olds }, { objects: news }))).to.deep.include({ parses: 2, validations: 1, result: [] });
    expect(core.count(() => operations.check({ directory, objects: news }))).to.deep.include({ parses: 0, validations: 0, result: [] });
    expect(core.count(() => operations.diffApplied({ objects: olds }, { objects: news }))).to.deep.include({
      parses: 0,
      validations: 0,
      result: { changes: true },
    });
    expect(core.count(() => operations.diff(state, { directory, objects: news }))).to.deep.include({ parses: 0, validations: 0 });
    expect(core.count(() => operations.write({ directory, objects: news }, state))).to.deep.include({ parses: 0, validations: 0 });
  });

  it("the errors of a set do not depend on which check read it first: BGPLB081 is refused only by the applied-topology check", () => {
    const olds = exampleObjects("gke-separate-data-plane");
    const news = JSON.parse(JSON.stringify(olds)) as Record<string, PlainObject>;
    (news["baremetal.cluster.gke.io/v1 Cluster cluster-bm/bm"].spec as { loadBalancer: Record<string, unknown> }).loadBalancer.localASN = 65010;
    (news["networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1"].spec as Record<string, unknown>).localASN = 65010;
    for (const order of [
      ["applied", "rendered"],
      ["rendered", "applied"],
    ]) {
      const operations = new ManifestSetOperations(new CountingCore());
      const failures: Record<string, string[]> = {};
      for (const which of order) {
        failures[which] = (
          which === "applied" ? operations.checkApplied({ objects: olds }, { objects: news }) : operations.check({ directory, objects: news })
        ).map((f) => f.reason);
      }
      expect(failures.rendered, order.join(" then ")).to.deep.equal([]);
      expect(failures.applied, order.join(" then ")).to.have.length(1);
      expect(failures.applied[0]).to.contain("BGPLB081 spec.loadBalancer.localASN");
    }
  });

  it("a set that changes is read again: what is remembered is keyed by the text the parser reads", () => {
    const core = new CountingCore();
    const operations = new ManifestSetOperations(core);
    const objects = exampleObjects("gke-separate-data-plane");
    operations.check({ directory, objects });
    const changed = withSessions(objects, 3);
    expect(core.count(() => operations.check({ directory, objects: changed }))).to.deep.include({ parses: 1, validations: 1 });
    expect(operations.parse(changed).topology.gkeBgpPeers.find((p) => p.metadata.name === "bgppeer1")!.spec.sessions).to.equal(3);
  });
});
