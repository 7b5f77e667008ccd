/** What the speaker's informers keep of each object: what the planners read, nothing of managedFields, last-applied or a Node's images. */
import { expect } from "chai";
import type { KubernetesObject } from "@kubernetes/client-node";
import { addressRequestOf, isLoadBalancerService, nodeViewOf, serviceIngressIPs, servicesToClear, type RawObject } from "../../sdk/cluster/observed";
import { nodeEssentials, serviceEssentials, statusObjectEssentials, withoutWriterFields } from "../../sdk/cluster/trim";

const managedFields = [
  { manager: "kubectl-client-side-apply", operation: "Update", apiVersion: "v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:ports": {} } } },
  { manager: "bgplb-speaker", operation: "Apply", apiVersion: "v1", subresource: "status", fieldsV1: { "f:status": { "f:loadBalancer": {} } } },
];

function service(spec: Record<string, unknown>, ips: string[]): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "web",
      namespace: "shop",
      uid: "u-1",
      resourceVersion: "42",
      creationTimestamp: new Date("2026-01-02T03:04:05Z"),
      labels: { app: "web" },
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ spec }), "metallb.universe.tf/address-pool": "blue" },
      managedFields,
    },
    spec: { ports: [{ port: 80, targetPort: 8080, protocol: "TCP", nodePort: 31000 }], selector: { app: "web" }, clusterIP: "10.96.0.10", ...spec },
    status: { loadBalancer: { ingress: ips.map((ip) => ({ ip, ipMode: "VIP" })) } },
  } as KubernetesObject;
}

describe("cluster informers: what is kept of each object", () => {
  it("a Service keeps exactly what the allocator reads: its address request, LoadBalancer-ness and status give the same answers", () => {
    const cases = [
      service({ type: "LoadBalancer", ipFamilies: ["IPv6", "IPv4"], ipFamilyPolicy: "RequireDualStack", loadBalancerIP: "10.0.0.9" }, [
        "2001:db8::1",
        "10.0.0.9",
      ]),
      service({ type: "LoadBalancer", loadBalancerClass: "other.example/lb" }, ["10.0.0.3"]),
      service({ type: "ClusterIP" }, ["10.0.0.4"]),
    ];
    for (const full of cases) {
      const kept = serviceEssentials(full) as RawObject;
      expect(addressRequestOf(kept)).to.deep.equal(addressRequestOf(full));
      expect(isLoadBalancerService(kept)).to.equal(isLoadBalancerService(full));
      expect(serviceIngressIPs(kept)).to.deep.equal(serviceIngressIPs(full));
      expect(servicesToClear([kept]).length).to.equal(servicesToClear([full]).length);
      expect(kept.metadata).to.deep.include({ name: "web", namespace: "shop", uid: "u-1", resourceVersion: "42" });
      expect(JSON.stringify(kept)).to.not.match(/managedFields|last-applied|nodePort|selector/);
    }
  });

  it("a Node keeps its addresses and the type and status of its conditions; images and system info go", () => {
    const full = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1", uid: "n-1", resourceVersion: "7", managedFields },
      status: {
        addresses: [
          { type: "InternalIP", address: "10.0.1.11" },
          { type: "Hostname", address: "n1" },
        ],
        conditions: [
          { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: "2026-01-01T00:00:00Z" },
        ],
        images: Array.from({ length: 50 }, (_, i) => ({ names: [`registry.example/image-${i}@sha256:${"0".repeat(64)}`], sizeBytes: 1e8 })),
        nodeInfo: { kernelVersion: "6.1.0", osImage: "Debian" },
      },
    } as KubernetesObject;
    const kept = nodeEssentials(full);
    expect(nodeViewOf(kept)).to.deep.equal(nodeViewOf(full));
    expect(kept).to.deep.equal({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1", uid: "n-1", resourceVersion: "7" },
      status: {
        addresses: [
          { type: "InternalIP", address: "10.0.1.11" },
          { type: "Hostname", address: "n1" },
        ],
        conditions: [{ type: "Ready", status: "True" }],
      },
    });
  });

  it("other collections keep everything but managedFields and kubectl's last-applied annotation (MetalLB reads other annotations)", () => {
    const kept = withoutWriterFields(service({ type: "LoadBalancer" }, [])) as RawObject & { metadata: { annotations?: Record<string, string> } };
    expect(kept.metadata.annotations).to.deep.equal({ "metallb.universe.tf/address-pool": "blue" });
    expect(kept.metadata).to.not.have.property("managedFields");
    expect((kept.spec as { selector?: unknown }).selector).to.deep.equal({ app: "web" });
    const bare = withoutWriterFields({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
    });
    expect(bare.metadata).to.deep.equal({ name: "s" });
  });

  it("BGPSessions and BGPAdvertisedRoutes of others keep their names and spec.nodeName", () => {
    const session = {
      apiVersion: "networking.gke.io/v1",
      kind: "BGPSession",
      metadata: { name: "peer-n1", namespace: "kube-system", resourceVersion: "3", managedFields },
      spec: { nodeName: "n1", floatingIP: "10.0.1.100", peerIP: "10.0.1.254", localASN: 65001, peerASN: 65000 },
      status: { state: "Established", advertisedRoutes: ["10.0.0.1/32"] },
    } as KubernetesObject;
    expect(statusObjectEssentials(session)).to.deep.equal({
      apiVersion: "networking.gke.io/v1",
      kind: "BGPSession",
      metadata: { name: "peer-n1", namespace: "kube-system", resourceVersion: "3" },
      spec: { nodeName: "n1" },
    });
  });
});
