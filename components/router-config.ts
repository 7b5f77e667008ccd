import * as pulumi from "@pulumi/pulumi";
import { topologyOf } from "../sdk/model";
import { routerConfigs, skippedLines, skippedPeers, type ClusterNode, type RouterVendor } from "../sdk/routers";
import { companyOf, type ValidatedModels } from "./validation";

/** Arguments of {@link routerConfig}. */
export interface RouterConfigArgs {
  /** The components whose objects form the topology (cluster, floating IP group, peers, pools…); each contributes what it validated. */
  readonly components: readonly (pulumi.Resource & ValidatedModels)[];
  /** `frr` or `bird`. */
  readonly vendor: RouterVendor;
  /** Only this router. @default every router the topology peers with */
  readonly router?: string;
  /** The nodes (required for MetalLB; for GKE they name node addresses). */
  readonly nodes?: readonly ClusterNode[];
  /** GKE node subnets. @default any node may hold any floating IP */
  readonly nodeSubnets?: readonly string[];
  /** The TCP MD5 password to write (kept secret in the output). @default the placeholder `${BGPLB_MD5_PASSWORD}` */
  readonly md5Password?: pulumi.Input<string>;
}

/**
 * The text `bgplb router-config` prints for the same topology, per router
 * address, for infrastructure code that also manages the routers. BGPPeers
 * whose router the topology does not name are logged as warnings (and noted
 * in each configuration's comments).
 * @throws PeeringError when the components hold no BGP peering or `router` is not one of its routers.
 */
export function routerConfig(args: RouterConfigArgs): pulumi.Output<Record<string, string>> {
  const topology = topologyOf(args.components.flatMap((component) => companyOf(component)));
  for (const line of skippedLines(skippedPeers(topology))) void pulumi.log.warn(line);
  const render = (md5Password: string | undefined): Record<string, string> =>
    Object.fromEntries(
      routerConfigs(topology, args.vendor, {
        ...(args.router !== undefined ? { router: args.router } : {}),
        ...(args.nodes ? { nodes: args.nodes } : {}),
        ...(args.nodeSubnets ? { nodeSubnets: args.nodeSubnets } : {}),
        ...(md5Password !== undefined ? { md5Password } : {}),
      }),
    );
  if (args.md5Password === undefined) return pulumi.output(render(undefined));
  return pulumi.secret(args.md5Password).apply(render);
}
