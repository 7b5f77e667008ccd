import { echoText } from "../manifest";
import { parseIp } from "../net";
import { ROUTER_VENDORS, routerConfigs, type RouterVendor } from "../routers";
import { parseCommandArgs } from "./args";
import type { Command } from "./command";
import { UsageError } from "./command";
import { PEERING_HELP, PEERING_OPTIONS, asUsage, noteSkipped, readPeeringInput } from "./peering-input";

const USAGE = `Usage: bgplb router-config --vendor frr|bird [--router PEER_IP] FILE|DIR|-... [options]

Prints, for each router the topology peers with (or only PEER_IP), the
configuration that router needs: one neighbor per floating IP (GKE; standby
floating IPs included, since the cluster may open sessions from any) or per
node (MetalLB) with remote AS, multi-hop and update-source, ADD-PATH
receive, ECMP (FRR maximum-paths, BIRD merge paths), BFD and TCP MD5 where
the topology sets them, an import filter accepting exactly the address
pools' prefixes (and the control-plane VIP) at the lengths the cluster
sends, and a maximum-prefix limit. Nothing is exported to the cluster.
The output is deterministic; the topology is validated first. A MetalLB
BGPPeer whose router the topology does not name (BGP unnumbered, or
dynamicASN: external with no peerASN for that router anywhere) is left out
with a warning on stderr and a comment in every configuration.

Options:
  --vendor frr|bird    the router software (required)
  --router PEER_IP     only this router
  --password-env VAR   write the TCP MD5 password from environment variable
                       VAR (default: the placeholder \${BGPLB_MD5_PASSWORD};
                       a password is never copied from the manifests)
${PEERING_HELP}

Exit status: 0 printed, 1 validation errors or no objects, 2 bad usage,
unreadable input, a router the topology does not peer with, or an unset
--password-env variable.`;

function vendorOf(value: string | undefined): RouterVendor {
  if (value === undefined) throw new UsageError(`--vendor is required: ${ROUTER_VENDORS.join(" or ")}`);
  if ((ROUTER_VENDORS as readonly string[]).includes(value)) return value as RouterVendor;
  throw new UsageError(`--vendor: '${echoText(value)}' is not supported; use ${ROUTER_VENDORS.join(" or ")}`);
}

/** `bgplb router-config`: the routers' side of the topology as FRR or BIRD configuration. */
export const routerConfigCommand: Command = {
  name: "router-config",
  summary: "print the FRR or BIRD configuration each router of the topology needs",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      vendor: { type: "string" },
      router: { type: "string" },
      "password-env": { type: "string" },
      ...PEERING_OPTIONS,
    });
    const vendor = vendorOf(values.vendor);
    let router: string | undefined;
    if (values.router !== undefined) {
      try {
        router = parseIp(values.router).text;
      } catch {
        throw new UsageError(`--router: '${echoText(values.router)}' is not an IP address`);
      }
    }
    const variable = values["password-env"];
    const password = variable === undefined ? undefined : process.env[variable];
    if (variable !== undefined && (password === undefined || password === ""))
      throw new UsageError(`--password-env: environment variable '${echoText(variable)}' is not set`);
    const input = readPeeringInput(values, positionals, io);
    if ("exit" in input) return input.exit;
    const configs = asUsage(() =>
      routerConfigs(input.topology, vendor, { ...input.options, ...(router ? { router } : {}), ...(password ? { md5Password: password } : {}) }),
    );
    noteSkipped(input.topology, io);
    io.stdout([...configs.values()].join("\n"));
    return 0;
  },
};
