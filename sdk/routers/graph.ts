/**
 * The topology as a picture: routers, BGP sessions (by floating IP or node
 * address), nodes, floating-IP holders, and VIP groups with their next-hop
 * nodes; what a failure removes is drawn red and dashed. Graphviz DOT and
 * Mermaid text; SVG through the WASM build of Graphviz. Pure except for
 * {@link renderSvg}.
 */
import { routerPaths, sortAddresses } from "./paths";
import type { Peering } from "./peering";

/** One box of the picture. */
export interface GraphVertex {
  readonly id: string;
  readonly kind: "router" | "floating-ip" | "node" | "vip";
  readonly label: readonly string[];
  /** Down or unusable after the failures. */
  readonly failed: boolean;
}

/** One line of the picture. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: "session" | "holds" | "takes-over" | "next-hop";
  readonly label: string;
  /** Gone after the failures. */
  readonly failed: boolean;
}

/** The picture's content. */
export interface TopologyGraph {
  readonly title: string;
  readonly vertices: readonly GraphVertex[];
  readonly edges: readonly GraphEdge[];
}

/**
 * The graph of `before`, marking what `after` (the same topology under
 * failures) no longer has; pass the same peering twice for a plain picture.
 */
export function topologyGraph(before: Peering, after: Peering): TopologyGraph {
  const vertices: GraphVertex[] = [];
  const edges: GraphEdge[] = [];
  const nodeIds = new Map(before.nodes.map((n) => [n.name, `node ${n.name}`]));
  for (const router of before.routers) {
    const down = after.routers.find((r) => r.address === router.address)?.down ?? false;
    vertices.push({ id: `router ${router.address}`, kind: "router", label: [`router ${router.address}`, `AS ${router.asn}`], failed: down });
  }
  for (const ip of sortAddresses(before.floatingIPs.keys())) {
    const holder = before.floatingIPs.get(ip);
    const now = after.floatingIPs.get(ip);
    const unusable = after.sessions.some((s) => s.localIP === ip && s.down === `floating IP ${ip} unusable`);
    vertices.push({ id: `fip ${ip}`, kind: "floating-ip", label: ["floating IP", ip], failed: unusable });
    if (holder !== undefined) edges.push({ from: nodeIds.get(holder)!, to: `fip ${ip}`, kind: "holds", label: "holds", failed: now !== holder || unusable });
    if (holder !== now && now !== undefined && !unusable)
      edges.push({ from: nodeIds.get(now)!, to: `fip ${ip}`, kind: "takes-over", label: "takes over", failed: false });
  }
  for (const node of before.nodes) {
    vertices.push({
      id: nodeIds.get(node.name)!,
      kind: "node",
      label: node.name === node.addresses[0] ? ["node", node.name] : [`node ${node.name}`, ...node.addresses],
      failed: after.failedNodes.includes(node.name),
    });
  }
  const afterSessions = new Map(after.sessions.map((s) => [s.id, s]));
  for (const s of before.sessions) {
    if (s.down !== undefined) continue;
    const from = before.mode === "gke" && s.role === "service" ? `fip ${s.localIP}` : (nodeIds.get(s.node ?? "") ?? `node ${s.localIP}`);
    edges.push({
      from,
      to: `router ${s.routerIP}`,
      kind: "session",
      label: s.role === "control-plane" ? "BGP (control plane)" : "BGP",
      failed: afterSessions.get(s.id)?.down !== undefined,
    });
  }
  const nextHopsAfter = new Map<string, Set<string>>();
  for (const p of routerPaths(after)) for (const hop of p.nextHops) nextHopsAfter.set(p.vip, new Set([...(nextHopsAfter.get(p.vip) ?? []), hop]));
  const nodeOfAddress = new Map(before.nodes.flatMap((n) => n.addresses.map((a) => [a, n.name] as const)));
  for (const vip of before.vips) {
    const hops = new Set(
      routerPaths(before)
        .filter((p) => p.vip === vip.name)
        .flatMap((p) => p.nextHops),
    );
    vertices.push({
      id: `vip ${vip.name}`,
      kind: "vip",
      label: [vip.name, ...vip.blocks],
      failed: hops.size > 0 && (nextHopsAfter.get(vip.name)?.size ?? 0) === 0,
    });
    for (const hop of sortAddresses(hops)) {
      const node = nodeOfAddress.get(hop);
      const id = node !== undefined ? nodeIds.get(node)! : `node ${hop}`;
      if (!vertices.some((v) => v.id === id)) vertices.push({ id, kind: "node", label: ["node", hop], failed: false });
      edges.push({ from: `vip ${vip.name}`, to: id, kind: "next-hop", label: "next hop", failed: !(nextHopsAfter.get(vip.name)?.has(hop) ?? false) });
    }
  }
  return { title: before.subject, vertices, edges };
}

const DOT_SHAPES: Readonly<Record<GraphVertex["kind"], string>> = { router: "box3d", "floating-ip": "ellipse", node: "box", vip: "note" };
const DOT_EDGE_STYLE: Readonly<Record<GraphEdge["kind"], string>> = { session: "bold", holds: "dotted", "takes-over": "dotted", "next-hop": "solid" };

function dotText(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Graphviz DOT, left to right: VIP groups, nodes, floating IPs, routers. */
export function renderDot(graph: TopologyGraph): string {
  const out = [
    "digraph bgplb {",
    `  label=${dotText(`bgplb: ${graph.title}`)};`,
    "  rankdir=LR;",
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const v of graph.vertices) {
    const failed = v.failed ? ', color="#cc0000", fontcolor="#cc0000", style=dashed' : "";
    out.push(`  ${dotText(v.id)} [shape=${DOT_SHAPES[v.kind]}, label=${dotText(v.label.join("\n"))}${failed}];`);
  }
  for (const e of graph.edges) {
    const color = e.failed ? '"#cc0000"' : e.kind === "takes-over" ? '"#0055cc"' : e.kind === "next-hop" ? '"#777777"' : '"#000000"';
    const style = e.failed ? "dashed" : DOT_EDGE_STYLE[e.kind];
    out.push(
      `  ${dotText(e.from)} -> ${dotText(e.to)} [label=${dotText(e.failed ? `${e.label} (lost)` : e.label)}, color=${color}, fontcolor=${color}, style=${style}];`,
    );
  }
  out.push("}", "");
  return out.join("\n");
}

function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9]/g, "_");
}

function mermaidLabel(lines: readonly string[]): string {
  return `"${lines.join("<br/>").replace(/"/g, "#quot;")}"`;
}

/** Mermaid flowchart text (renders in pull requests); failed parts in the `failed` class and red links. */
export function renderMermaid(graph: TopologyGraph): string {
  const open: Readonly<Record<GraphVertex["kind"], [string, string]>> = {
    router: ["[[", "]]"],
    "floating-ip": ["([", "])"],
    node: ["[", "]"],
    vip: ["[/", "/]"],
  };
  const out = ["flowchart LR", "  classDef failed stroke:#cc0000,stroke-width:2px,stroke-dasharray:5 5,color:#cc0000"];
  for (const v of graph.vertices) {
    const [l, r] = open[v.kind];
    out.push(`  ${mermaidId(v.id)}${l}${mermaidLabel(v.label)}${r}${v.failed ? ":::failed" : ""}`);
  }
  const red: number[] = [];
  graph.edges.forEach((e, i) => {
    const arrow = e.failed || e.kind === "holds" || e.kind === "takes-over" ? "-.->" : e.kind === "session" ? "==>" : "-->";
    out.push(`  ${mermaidId(e.from)} ${arrow}|${mermaidLabel([e.failed ? `${e.label} (lost)` : e.label])}| ${mermaidId(e.to)}`);
    if (e.failed) red.push(i);
  });
  if (red.length > 0) out.push(`  linkStyle ${red.join(",")} stroke:#cc0000,color:#cc0000`);
  return `${out.join("\n")}\n`;
}

/** SVG of the DOT text, rendered by Graphviz compiled to WebAssembly (no external binary). */
export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(dot, { format: "svg", engine: "dot" });
}
