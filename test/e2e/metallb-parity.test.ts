import { expect } from "chai";
import { requirePrerequisites } from "../setup/prerequisites";
import { caseFile, parityTable } from "../validate/metallb-parity-table";
import { ThrowawayCluster } from "./harness/cluster";
import { clusterTools, requireTools, toolPaths } from "./harness/tools";
import { MetallbOracle, metallbFiles } from "./metallb/oracle";

describe("e2e: the MetalLB parity table against MetalLB itself (its controller's webhooks and its CRDs)", function () {
  this.timeout(600_000);
  const table = parityTable();
  let cluster: ThrowawayCluster | undefined;
  let oracle: MetallbOracle | undefined;
  let confirmed = 0;

  before(async function () {
    const paths = requireTools(this, [...clusterTools, "metallb-controller"]);
    const metallb = metallbFiles(toolPaths());
    requirePrerequisites(this, metallb.missing);
    cluster = await ThrowawayCluster.start(paths.get("kubectl")!);
    oracle = await MetallbOracle.start(cluster, paths.get("metallb-controller")!, metallb.files!);
  });

  after(async () => {
    console.log(`      MetalLB oracle: ${confirmed} of ${table.length} verdicts confirmed`);
    await oracle?.stop();
    await cluster?.stop();
  });

  it("refuses through MetalLB's webhook, not only its CRDs: a peer with holdTime 2s names MetalLB's timer check", async () => {
    const row = table.find((r) => r.case === "hold-time-2s")!;
    const answer = await oracle!.verdict(caseFile(row));
    expect(answer.verdict).to.equal("reject");
    expect(answer.reason).to.match(/admission webhook "bgppeersvalidationwebhook\.metallb\.io" denied the request/);
  });

  for (const row of table) {
    const expected = row.oracle ?? row.metallb;
    it(`${row.case} (item ${row.item}): MetalLB ${expected}s ${row.rule}`, async () => {
      const answer = await oracle!.verdict(caseFile(row));
      expect(answer.verdict, `${row.case}: ${answer.refused ?? ""} ${answer.reason ?? ""}`).to.equal(expected);
      confirmed++;
    });
  }
});
