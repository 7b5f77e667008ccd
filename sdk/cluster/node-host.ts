/**
 * The node's network as the speaker changes it: floating IPs on an
 * interface (`ip addr`) announced with gratuitous ARP (`arping -U`), and
 * finding the interface and subnet that carry the node's address.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { makeCidr, parseIp } from "../net";

const run = promisify(execFile);

/** What the speaker does to the node's network; tests may supply their own. */
export interface NodeHost {
  /** Adds `address` (/32 or /128) to the interface and announces it with gratuitous ARP; no error when it is already there. */
  addAddress(address: string): Promise<void>;
  /** Removes `address` from the interface; no error when it is not there. */
  removeAddress(address: string): Promise<void>;
  /** The addresses on the interface now (canonical text). */
  addresses(): Promise<string[]>;
}

/** One address of an interface as `ip -j addr` reports it. */
export interface InterfaceAddress {
  readonly interfaceName: string;
  readonly address: string;
  readonly prefixLength: number;
}

interface IpJsonLink {
  readonly ifname: string;
  readonly addr_info?: readonly { readonly local?: string; readonly prefixlen?: number }[];
}

/** Every address of every interface (`ip -j addr show`). */
export async function interfaceAddresses(): Promise<InterfaceAddress[]> {
  const { stdout } = await run("ip", ["-j", "addr", "show"]);
  const links = JSON.parse(stdout) as IpJsonLink[];
  return links.flatMap((link) =>
    (link.addr_info ?? [])
      .filter((a) => typeof a.local === "string" && typeof a.prefixlen === "number")
      .map((a) => ({ interfaceName: link.ifname, address: parseIp(a.local!).text, prefixLength: a.prefixlen! })),
  );
}

/**
 * The interface carrying `nodeIP` and the subnet it is on (`10.0.1.0/24`).
 * @throws Error when no interface has that address.
 */
export async function interfaceOf(nodeIP: string): Promise<{ interfaceName: string; subnet: string }> {
  const ip = parseIp(nodeIP);
  const found = (await interfaceAddresses()).find((a) => a.address === ip.text);
  if (!found) throw new Error(`no interface carries the node address ${ip.text}; give --interface and --node-subnet`);
  return { interfaceName: found.interfaceName, subnet: makeCidr(ip.family, ip.value, found.prefixLength).text };
}

/**
 * A {@link NodeHost} using `ip` and `arping` on `interfaceName`;
 * `onArpingMissing` is told when arping is not installed.
 */
export function linuxNodeHost(interfaceName: string, onArpingMissing: () => void): NodeHost {
  const hostLength = (address: string): number => (parseIp(address).family === 4 ? 32 : 128);
  return {
    async addAddress(address) {
      const have = (await this.addresses()).includes(parseIp(address).text);
      if (!have) await run("ip", ["addr", "add", `${address}/${hostLength(address)}`, "dev", interfaceName]);
      // gratuitous ARP in the background: arping waits about a second for replies that never come
      if (parseIp(address).family === 4) void run("arping", ["-q", "-U", "-c", "1", "-I", interfaceName, "-s", address, address]).catch((error: NodeJS.ErrnoException) => {
          // arping exits 1 when no host answers an unsolicited ARP; only a missing arping is an error
          if (error.code === "ENOENT") onArpingMissing();
        });
    },
    async removeAddress(address) {
      const have = (await this.addresses()).includes(parseIp(address).text);
      if (have) await run("ip", ["addr", "del", `${address}/${hostLength(address)}`, "dev", interfaceName]);
    },
    async addresses() {
      return (await interfaceAddresses()).filter((a) => a.interfaceName === interfaceName).map((a) => a.address);
    },
  };
}
