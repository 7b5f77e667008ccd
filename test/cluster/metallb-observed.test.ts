/** MetalLB mode: Services with their ready endpoints, Nodes with labels, Community aliases, read from raw API objects. */
import { expect } from "chai";
import { communityAliasesOf, metallbNodeOf, metallbServicesOf } from "../../sdk/cluster/metallb-observed";
import type { RawObject } from "../../sdk/cluster/observed";

const svc = (name: string, spec: Record<string, unknown>, ingress: string[] = []): RawObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: { type: "LoadBalancer", ...spec },
  status: { loadBalancer: { ingress: ingress.map((ip) => ({ ip })) } },
});

const slice = (service: string, endpoints: { nodeName?: string; ready?: boolean }[]): RawObject =>
  ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${service}-x`, namespace: "default", labels: { "kubernetes.io/service-name": service } },
    endpoints: endpoints.map((e) => ({ ...(e.nodeName ? { nodeName: e.nodeName } : {}), conditions: e.ready === undefined ? {} : { ready: e.ready } })),
  }) as RawObject;

describe("MetalLB observed objects", () => {
  it("externalTrafficPolicy Local follows the nodes of ready endpoints (ready unset counts as ready); other Services and classes are left out", () => {
    const services = metallbServicesOf(
      [
        svc("web", { externalTrafficPolicy: "Local" }, ["203.0.113.7"]),
        svc("api", {}, ["203.0.113.8"]),
        svc("other", { loadBalancerClass: "x" }),
        { ...svc("plain", {}), spec: { type: "ClusterIP" } },
      ],
      [slice("web", [{ nodeName: "n1", ready: true }, { nodeName: "n2", ready: false }, { nodeName: "n3" }]), slice("api", [{ nodeName: "n2", ready: false }])],
    );
    expect(services.map((s) => [s.key, s.externalTrafficPolicy, [...s.readyNodes], s.anyReady, s.addresses])).to.deep.equal([
      ["default/web", "Local", ["n1", "n3"], true, ["203.0.113.7"]],
      ["default/api", "Cluster", [], false, ["203.0.113.8"]],
    ]);
  });

  it("a Node's labels and InternalIPs", () => {
    const node = metallbNodeOf({
      kind: "Node",
      metadata: { name: "n1", labels: { rack: "a" } },
      status: {
        addresses: [
          { type: "InternalIP", address: "198.18.0.11" },
          { type: "Hostname", address: "n1" },
        ],
      },
    });
    expect(node).to.deep.equal({ name: "n1", labels: { rack: "a" }, addresses: ["198.18.0.11"] });
  });

  it("Community aliases from metallb.io Community objects, first definition wins; other kinds and malformed entries ignored", () => {
    const community = (name: string, entries: unknown[]): RawObject => ({
      apiVersion: "metallb.io/v1beta1",
      kind: "Community",
      metadata: { name },
      spec: { communities: entries },
    });
    const raws = [
      community("a", [{ name: "edge", value: "64512:7" }, { name: 3, value: "1:1" }, null]),
      { ...community("x", [{ name: "x", value: "1:1" }]), kind: "BGPPeer" },
      community("b", [
        { name: "edge", value: "1:2" },
        { name: "big", value: "large:1:2:3" },
      ]),
    ];
    expect([...communityAliasesOf(raws)]).to.deep.equal([
      ["edge", "64512:7"],
      ["big", "large:1:2:3"],
    ]);
  });
});
