import * as pulumi from "@pulumi/pulumi";
import { clusterNamespace, networkGatewayGroup, type ModelObject } from "../../sdk/model";
import { applyObjects, renderObjects, type ManifestObject } from "../objects";
import type { GkeClusterReference } from "../references";
import { companyOf, enforceValid } from "../validation";

/** Arguments of `FloatingIpGroup`. */
export interface FloatingIpGroupArgs {
  /** The cluster (pass the `GkeClusterLoadBalancer`). */
  cluster: GkeClusterReference;
  /** Floating IPs from the node subnets; two or more recommended. */
  floatingIps: string[];
  /** Node subnets (CIDRs), to check every floating IP lies in one. Not rendered. */
  nodeSubnets?: string[];
  /** Create the NetworkGatewayGroup through the Kubernetes provider. @default true */
  applyToCluster?: boolean;
}

/**
 * The floating IPs service peering sessions are sourced from: the
 * NetworkGatewayGroup `default` in `cluster-<name>`.
 */
export class FloatingIpGroup extends pulumi.ComponentResource {
  /** The floating IPs. */
  readonly floatingIps: string[];
  /** The rendered NetworkGatewayGroup. */
  readonly objects: pulumi.Output<ManifestObject[]>;

  /** Validates the group with the core rules, then renders (and applies) it. */
  constructor(name: string, args: FloatingIpGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bgplb:index:FloatingIpGroup", name, {}, opts);
    const model = networkGatewayGroup({ namespace: clusterNamespace(args.cluster.clusterName), floatingIPs: args.floatingIps });
    const models = enforceValid(
      this,
      `FloatingIpGroup ${name}`,
      [{ model, arguments: [["spec.floatingIPs", "floatingIps"]] }],
      { nodeSubnets: args.nodeSubnets },
      companyOf(args.cluster),
    );
    this.validatedModels = () => models;
    const rendered = renderObjects([model]);
    this.floatingIps = [...args.floatingIps];
    this.objects = pulumi.output(rendered);
    if (args.applyToCluster !== false) applyObjects(this, rendered);
    this.registerOutputs({ objects: this.objects });
  }

  /**
   * The NetworkGatewayGroup this component validated, which components given this one as a
   * reference validate against. A method (set per instance), so it is no
   * output of the inferred package schema.
   */
  validatedModels(): readonly ModelObject[] {
    return [];
  }
}
