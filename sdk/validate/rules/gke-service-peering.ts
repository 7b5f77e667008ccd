import type { GkeBGPPeer, NetworkGatewayGroup } from "../../model";
import { spanContains } from "../../net";
import { RULES } from "../catalogue";
import { ipKey, type ClusterView, type Inventory } from "../inventory";
import type { Reporter } from "../report";
import { checkAsn, isPasswordField } from "./common";
import { checkPeerAddress } from "./gke-control-plane";
import { localAddresses } from "./local-addresses";
import { echoValue } from "../../manifest/echo";

/** True when the peer carries every label of the selector (an empty selector selects every peer). */
function selects(selector: Readonly<Record<string, string>>, peer: GkeBGPPeer): boolean {
  const labels = peer.metadata.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Checks of one NetworkGatewayGroup on its own: count, duplicates, family. */
function checkNetworkGatewayGroup(reporter: Reporter, ngg: NetworkGatewayGroup): void {
  const floating = ngg.spec.floatingIPs ?? [];
  if (floating.length === 0) {
    reporter.report(
      RULES.noFloatingIp,
      ngg,
      ["spec", "floatingIPs"],
      "floatingIPs is empty: service peering sessions have no source address",
      "add two or more unused addresses from the node subnets",
    );
  } else if (floating.length === 1) {
    reporter.report(
      RULES.singleFloatingIp,
      ngg,
      ["spec", "floatingIPs"],
      `only one floating IP (${floating[0]}): every service session drops while it moves to another node`,
      "add a second floating IP, ideally from another rack's subnet",
    );
  }
  const seen = new Map<string, number>();
  floating.forEach((text, i) => {
    const path = ["spec", "floatingIPs", i];
    const ip = reporter.ip(ngg, path, text);
    if (!ip) return;
    if (ip.family === 6) {
      reporter.report(
        RULES.floatingIpIpv6,
        ngg,
        path,
        `${ip.text} is an IPv6 floating IP: service sessions are IPv4 only`,
        "use an IPv4 address from a node subnet; IPv6 VIPs are advertised over IPv4 sessions",
      );
    }
    const first = seen.get(ipKey(ip));
    if (first !== undefined) {
      reporter.report(
        RULES.duplicateFloatingIp,
        ngg,
        path,
        `${ip.text} is listed twice (also at spec.floatingIPs[${first}])`,
        "remove the duplicate; each floating IP sources its own sessions",
      );
    } else {
      seen.set(ipKey(ip), i);
    }
  });
}

/** Checks of one GKE BGPPeer on its own: ASNs, sessions, MD5. */
function checkGkePeerAlone(reporter: Reporter, peer: GkeBGPPeer): void {
  const localValid = checkAsn(reporter, peer, ["spec", "localASN"], peer.spec.localASN);
  if (checkAsn(reporter, peer, ["spec", "peerASN"], peer.spec.peerASN) && localValid && peer.spec.peerASN === peer.spec.localASN) {
    reporter.report(RULES.ibgpOnGke, peer, ["spec", "peerASN"], `${peer.spec.peerASN} equals the localASN (eBGP only)`, "use the router's AS number");
  }
  const sessions = peer.spec.sessions;
  if (sessions === 1) {
    reporter.report(
      RULES.singleSession,
      peer,
      ["spec", "sessions"],
      "sessions is 1: the peer loses every service route while that one floating IP moves",
      "set sessions: 2 (with at least two floating IPs)",
    );
  }
  for (const field of peer.unknownFields ?? []) {
    if (isPasswordField(field, ["spec"])) {
      reporter.report(
        RULES.md5OnGke,
        peer,
        field.path,
        `${String(field.path[field.path.length - 1])} is set: GKE BGP sessions do not support MD5 authentication`,
        "remove the password and protect the sessions with ACLs or GTSM on the router",
      );
    }
  }
}

/** Service (data-plane) peering of GKE: floating IPs, BGPLoadBalancer selection, BGPPeer objects. */
export function checkServicePeering(inventory: Inventory, reporter: Reporter): void {
  for (const ngg of inventory.topology.networkGatewayGroups) checkNetworkGatewayGroup(reporter, ngg);
  for (const peer of inventory.topology.gkeBgpPeers) checkGkePeerAlone(reporter, peer);
  for (const view of inventory.clusters) if (view.bgp) checkCluster(inventory, view, reporter);
}

function checkCluster(inventory: Inventory, view: ClusterView, reporter: Reporter): void {
  const { cluster } = view;
  const controlPlaneOnly = cluster.spec.type === "admin";
  if (!controlPlaneOnly && view.networkGatewayGroups.length === 0) {
    reporter.report(
      RULES.noFloatingIp,
      cluster,
      ["spec", "loadBalancer"],
      `no NetworkGatewayGroup in namespace ${view.namespace}: service peering has no floating IP`,
      `add a NetworkGatewayGroup named default in ${view.namespace} with two or more floating IPs from the node subnets`,
    );
  }
  checkFloatingIps(inventory, view, reporter);

  const clusterAsn = cluster.spec.loadBalancer.localASN;
  const floatingCount = new Set(view.floatingIps.map((f) => ipKey(f.value))).size;
  const local = localAddresses(inventory, view);
  const seen = new Map<string, number>();
  view.gkeBgpPeers.forEach((peer, i) => {
    if (clusterAsn !== undefined && peer.spec.localASN !== clusterAsn) {
      reporter.report(
        RULES.peerLocalAsnMismatch,
        peer,
        ["spec", "localASN"],
        `localASN ${peer.spec.localASN} differs from the cluster ASN ${clusterAsn}`,
        `set spec.localASN to ${clusterAsn}`,
      );
    }
    if (clusterAsn !== undefined && peer.spec.peerASN === clusterAsn && peer.spec.localASN !== clusterAsn) {
      reporter.report(RULES.ibgpOnGke, peer, ["spec", "peerASN"], `${peer.spec.peerASN} equals the cluster ASN (eBGP only)`, "use the router's AS number");
    }
    const ip = reporter.ip(peer, ["spec", "peerIP"], peer.spec.peerIP);
    if (ip) checkPeerAddress(reporter, view, ["spec", "peerIP"], ip, seen, i, local, peer);
    const sessions = peer.spec.sessions;
    if (sessions !== undefined && sessions > floatingCount && floatingCount > 0) {
      reporter.report(
        RULES.sessionsAboveFloatingIps,
        peer,
        ["spec", "sessions"],
        `sessions is ${sessions} but there ${floatingCount === 1 ? "is 1 floating IP" : `are ${floatingCount} floating IPs`}; each session needs its own floating IP`,
        `lower sessions to ${floatingCount} or add floating IPs to the NetworkGatewayGroup`,
      );
    }
  });

  const selected = new Set<GkeBGPPeer>();
  for (const balancer of view.bgpLoadBalancers) {
    const selector = balancer.spec.peerSelector ?? {};
    const matches = view.gkeBgpPeers.filter((peer) => selects(selector, peer));
    for (const peer of matches) selected.add(peer);
    if (matches.length === 0) {
      reporter.report(
        RULES.peerSelectorMatchesNothing,
        balancer,
        ["spec", "peerSelector"],
        `peerSelector ${echoValue(selector)} selects none of the ${view.gkeBgpPeers.length} BGPPeers in ${view.namespace}`,
        "label the data-plane BGPPeers with these labels, or fix the selector",
      );
    } else if (matches.length === 1) {
      reporter.report(
        RULES.singlePeer,
        balancer,
        ["spec", "peerSelector"],
        `peerSelector selects only one BGPPeer (${matches[0].metadata.name}): service VIPs are unreachable when it fails`,
        "add and label a second BGPPeer",
      );
    }
  }
  for (const peer of view.gkeBgpPeers) {
    if (selected.has(peer)) continue;
    const why =
      view.bgpLoadBalancers.length === 0
        ? "there is no BGPLoadBalancer, so the control-plane peers carry the service routes"
        : "no BGPLoadBalancer peerSelector matches its labels";
    reporter.report(
      RULES.peerNotSelected,
      peer,
      ["metadata", "labels"],
      `BGPPeer ${peer.metadata.name} is not used: ${why}`,
      "add the BGPLoadBalancer's peerSelector labels to this peer, or remove it",
    );
  }
}

function checkFloatingIps(inventory: Inventory, view: ClusterView, reporter: Reporter): void {
  const subnets = inventory.nodeSubnets;
  if (subnets === undefined && view.floatingIps.length > 0) {
    const first = view.floatingIps[0];
    reporter.skipped(
      RULES.floatingIpOutsideSubnets,
      first.object,
      ["spec", "floatingIPs"],
      "cannot check that the floating IPs lie in a node subnet: the node subnets are not in the manifests",
      "pass the node subnets: bgplb validate --node-subnet 10.0.1.0/24 (repeatable), or the nodeSubnets option of validate()",
    );
  }
  for (const floating of view.floatingIps) {
    const ip = floating.value;
    const node = inventory.nodeIps.get(ipKey(ip));
    if (node) {
      reporter.report(
        RULES.floatingIpIsNode,
        floating.object,
        floating.path,
        `${ip.text} is also a node IP (${node.object.kind} ${node.object.metadata.name})`,
        "pick an unused address from the node subnet; the controller adds it to a node as a second address",
      );
    }
    const pool = inventory.poolIndex.overlapping({ family: ip.family, first: ip.value, last: ip.value });
    if (pool) {
      reporter.report(
        RULES.floatingIpInPool,
        floating.object,
        floating.path,
        `${ip.text} is inside address pool ${pool.item.pool.name} (${pool.item.block.text})`,
        "take floating IPs from the node subnets, outside every address pool",
      );
    }
    if (subnets !== undefined && ip.family === 4 && !subnets.some((subnet) => spanContains(subnet, ip))) {
      reporter.report(
        RULES.floatingIpOutsideSubnets,
        floating.object,
        floating.path,
        `${ip.text} is outside every node subnet (${subnets.map((s) => s.text).join(", ")})`,
        "pick the floating IP from a node subnet: the controller can only assign it to a node on the same subnet",
      );
    }
  }
}
