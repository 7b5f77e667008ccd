/** bgplb graph: what the picture holds, what a failure marks, and the three formats. */
import { expect } from "chai";
import { exampleText, parseManifests } from "../../sdk/manifest";
import { parseFailure, planPeering, renderDot, renderMermaid, renderSvg, topologyGraph } from "../../sdk/routers";
import { bgplb } from "../cli/helpers";

const GKE = parseManifests([{ text: exampleText("gke-separate-data-plane") }]).topology;

describe("graph", () => {
  it("draws routers, floating IPs with their holders, sessions by floating IP and the pool's next-hop nodes", () => {
    const peering = planPeering(GKE);
    const graph = topologyGraph(peering, peering);
    expect(graph.vertices.filter((v) => v.kind === "router").map((v) => v.id)).to.deep.equal(["router 10.0.1.254", "router 10.0.2.254", "router 10.0.3.254"]);
    expect(graph.edges.filter((e) => e.kind === "session" && e.to === "router 10.0.3.254").map((e) => e.from)).to.deep.equal([
      "fip 10.0.3.100",
      "fip 10.0.3.101",
    ]);
    expect(graph.edges.filter((e) => e.kind === "next-hop" && e.from === "vip pool1").map((e) => e.to)).to.deep.equal(["node 10.0.3.10", "node 10.0.3.11"]);
    expect(graph.edges.filter((e) => e.kind === "holds")).to.have.length(2);
    expect(graph.vertices.some((v) => v.failed) || graph.edges.some((e) => e.failed)).to.equal(false);
  });

  it("marks what a failure removes: the floating IP, its session; a failed node, its next hops", () => {
    const fip = topologyGraph(planPeering(GKE), planPeering(GKE, { failures: [parseFailure("fip=10.0.3.100")] }));
    expect(fip.vertices.filter((v) => v.failed).map((v) => v.id)).to.deep.equal(["fip 10.0.3.100"]);
    expect(fip.edges.filter((e) => e.failed).map((e) => `${e.kind} ${e.from}`)).to.deep.equal([
      `holds ${fip.edges.find((e) => e.kind === "holds" && e.to === "fip 10.0.3.100")!.from}`,
      "session fip 10.0.3.100",
    ]);
    const node = topologyGraph(planPeering(GKE), planPeering(GKE, { failures: [parseFailure("node=10.0.3.10")] }));
    expect(node.vertices.filter((v) => v.failed).map((v) => v.id)).to.deep.equal(["node 10.0.3.10"]);
    expect(node.edges.filter((e) => e.failed && e.kind === "next-hop").map((e) => e.to)).to.deep.equal(["node 10.0.3.10"]);
    const dot = renderDot(node);
    expect(dot).to.include('"vip pool1" -> "node 10.0.3.10" [label="next hop (lost)", color="#cc0000"');
    expect(renderMermaid(node)).to.include('node_10_0_3_10["node<br/>10.0.3.10"]:::failed');
  });

  it("renders SVG with the WASM Graphviz, labels included", async () => {
    const svg = await renderSvg(renderDot(topologyGraph(planPeering(GKE), planPeering(GKE))));
    expect(svg).to.match(/^<\?xml/);
    expect(svg).to.include("<svg");
    expect(svg).to.include("router 10.0.3.254");
  });

  it("bgplb graph refuses an unknown format (exit 2)", async () => {
    const run = await bgplb("graph", "--format", "png", "--example", "gke-separate-data-plane");
    expect([run.code, run.stderr]).to.deep.equal([2, "bgplb graph: --format: 'png' is not a format; use svg, dot, mermaid\n"]);
  });
});
