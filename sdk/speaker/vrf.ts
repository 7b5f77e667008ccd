/**
 * The node's VRFs as a session in one needs them: which network devices
 * exist, and the addresses of each device and of the interfaces enslaved
 * to it (a VRF device's members: `ip link set eth1 master red`). Read from
 * the C library's `getifaddrs` (`os.networkInterfaces()`, interfaces that
 * are up) and sysfs (`/sys/class/net/<interface>/master`), so the speaker
 * image needs no `ip`.
 */
import { readdirSync, readlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { basename } from "node:path";
import { parseIp } from "../net";

/** One address of a device or of an interface enslaved to it. */
export interface DeviceAddress {
  /** The interface that carries the address (the device itself or a member). */
  readonly interfaceName: string;
  /** Canonical text. */
  readonly address: string;
  readonly prefixLength: number;
}

/** Every network device of the node by name, with its own addresses and those of the interfaces enslaved to it. */
export type NodeDevices = ReadonlyMap<string, readonly DeviceAddress[]>;

const SYS_CLASS_NET = "/sys/class/net";

/** The device `interfaceName` is enslaved to, or undefined. */
function masterOf(interfaceName: string): string | undefined {
  try {
    return basename(readlinkSync(`${SYS_CLASS_NET}/${interfaceName}/master`));
  } catch {
    return undefined;
  }
}

/**
 * Every address of every interface that is up and running (the C library's
 * `getifaddrs`, through `os.networkInterfaces()`), but those whose netmask
 * is not a prefix.
 */
export function interfaceAddresses(): DeviceAddress[] {
  return Object.entries(networkInterfaces()).flatMap(([interfaceName, addresses]) =>
    (addresses ?? []).flatMap((a) =>
      a.cidr === null ? [] : [{ interfaceName, address: parseIp(a.address).text, prefixLength: Number(a.cidr.split("/")[1]) }],
    ),
  );
}

/**
 * The node's devices now (see {@link NodeDevices}); a VRF device is one of
 * them, and a name that is not in the map is a device the node does not have.
 * Without sysfs (not Linux) only the interfaces with addresses are known, none enslaved.
 */
export function nodeDevices(): Map<string, DeviceAddress[]> {
  const devices = new Map<string, DeviceAddress[]>();
  try {
    for (const name of readdirSync(SYS_CLASS_NET)) devices.set(name, []);
  } catch {
    // no sysfs: the interfaces below are all that is known
  }
  const masters = new Map<string, string | undefined>();
  for (const address of interfaceAddresses()) {
    const { interfaceName } = address;
    if (!masters.has(interfaceName)) masters.set(interfaceName, masterOf(interfaceName));
    const master = masters.get(interfaceName);
    for (const device of master === undefined ? [interfaceName] : [interfaceName, master]) devices.set(device, [...(devices.get(device) ?? []), address]);
  }
  return devices;
}
