/** bgplb diff --output markdown: objects, fields, not-updatable flags and the change's effect on the routers' paths. */
import { expect } from "chai";
import { exampleText } from "../../sdk/manifest";
import { bgplb, scratchDirectory } from "../cli/helpers";

describe("bgplb diff --output markdown", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  it("tables the field changes, flags the one not allowed after creation, and shows the paths the router loses", async () => {
    const before = exampleText("gke-separate-data-plane");
    const changed = before.replace("sessions: 2", "sessions: 1").replace("controlPlaneVIP: 10.0.0.8", "controlPlaneVIP: 10.0.0.9");
    expect(changed).not.to.equal(before);
    const run = await bgplb("diff", "--output", "markdown", dir.write("old.yaml", before), dir.write("new.yaml", changed));
    expect(run.code).to.equal(1);
    const lines = run.stdout.split("\n");
    expect(lines).to.include("**2 changed, 0 added, 0 removed**, 2 unchanged");
    expect(lines).to.include(
      "| ✏️ changed | <code>networking.gke.io/v1 BGPPeer cluster-bm/bgppeer1</code> | <code>spec.sessions</code> | <code>2</code> | <code>1</code> |",
    );
    expect(lines.filter((l) => l.startsWith("| ✏️ changed ⚠️ |"))).to.have.length(1);
    expect(lines).to.include("> [!WARNING]");
    expect(lines).to.include("| pool1 | 10.0.3.254 | 4 via 10.0.3.10, 10.0.3.11 | 2 via 10.0.3.10, 10.0.3.11 |");
    expect(run.stdout).to.match(/Sessions removed: <code>10\.0\.3\.10[01]&gt;10\.0\.3\.254<\/code>/);
  });

  it("says when a change leaves a VIP group without any path", async () => {
    const before = exampleText("gke-separate-data-plane");
    const changed = before.replace('cluster.baremetal.gke.io/default-peer: "true"\nspec:\n  localASN', "rack: none\nspec:\n  localASN");
    expect(changed).not.to.equal(before);
    const run = await bgplb("diff", "--output", "markdown", dir.write("a.yaml", before), dir.write("b.yaml", changed));
    expect(run.stdout).to.include("| pool1 | 10.0.3.254 | 4 via 10.0.3.10, 10.0.3.11 | **none** |");
    expect(run.stdout).to.include("> VIP groups without any path after this change: pool1");
  });

  it("escapes table cells and refuses an unknown format naming markdown", async () => {
    const before = exampleText("gke-separate-data-plane");
    const changed = before.replace("  name: bgppeer1\n", '  name: bgppeer1\n  annotations:\n    note: "a|b <c>"\n');
    expect(changed).not.to.equal(before);
    const escaped = await bgplb("diff", "--output", "markdown", dir.write("e.yaml", before), dir.write("f.yaml", changed));
    expect(escaped.stdout).to.include('| <code>metadata.annotations</code> |  | <code>{"note":"a&#124;b &lt;c&gt;"}</code> |');
    const run = await bgplb(
      "diff",
      "--output",
      "html",
      dir.write("c.yaml", exampleText("gke-separate-data-plane")),
      dir.write("d.yaml", exampleText("gke-separate-data-plane")),
    );
    expect([run.code, run.stderr]).to.deep.equal([2, "bgplb diff: --output: 'html' is not a format; use text, json or markdown\n"]);
  });
});
