/**
 * The cluster speaker's node I/O against a real kernel, in a lab's network
 * namespaces: floating IPv4 and IPv6 addresses added and deleted with
 * rtnetlink (checked with `ip addr show`; the product itself runs no `ip`),
 * the gratuitous ARP captured on the veth peer and seen to move the peer's
 * neighbour entry, and the kernel's refusals reported with the address and
 * the interface. Each step runs in a node child inside the speaker namespace
 * whose PATH finds no program at all, like the speaker image.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Lab } from "./harness/lab";
import { labPerTest } from "./harness/lab-hooks";
import { runInNamespace } from "./harness/process";
import { waitFor } from "./harness/wait";

const NODE_HOST = join(__dirname, "../../sdk/cluster/node-host.js");
const LIBC = join(__dirname, "../../sdk/speaker/libc.js");
const FLOATING_V4 = "192.0.2.10";
const FLOATING_V6 = "2001:db8:1::10";
/** A MAC no interface has: the peer's stale neighbour entry for the floating IP before the announcement. */
const OLD_MAC = "02:00:00:00:00:99";

/** Calls `linuxNodeHost(interfaceName)[verb](address)` in a node child; prints an announcement failure and exits 1 on any error. */
const HOST_SCRIPT = `
const { linuxNodeHost } = require(${JSON.stringify(NODE_HOST)});
const [verb, interfaceName, address] = process.argv.slice(1);
const host = linuxNodeHost(interfaceName, (error) => { console.error("announce failed: " + error.message); process.exitCode = 1; });
host[verb](address).then(() => host.addresses()).then((a) => console.log(JSON.stringify(a)), (error) => { console.error(error.message); process.exitCode = 1; });
`;

/** Prints `interfaceOf(address)` for each address argument as JSON. */
const INTERFACE_OF_SCRIPT = `
const { interfaceOf } = require(${JSON.stringify(NODE_HOST)});
Promise.all(process.argv.slice(1).map(interfaceOf)).then((found) => console.log(JSON.stringify(found)), (error) => { console.error(error.message); process.exitCode = 1; });
`;

/** Prints every ARP frame (Ethernet header included) arriving in its namespace as a hex line, after "ready". */
const CAPTURE_SCRIPT = `
const { loadLibc, AF_PACKET, SOCK_RAW, MSG_DONTWAIT } = require(${JSON.stringify(LIBC)});
const c = loadLibc("ARP capture");
const fd = c.socket(AF_PACKET, SOCK_RAW, 0x0608);
if (fd < 0) throw new Error("packet socket: errno " + c.errno());
console.log("ready");
const frame = Buffer.alloc(2048);
const poll = () => {
  for (let n; (n = c.recv(fd, frame, frame.length, MSG_DONTWAIT)) > 0; ) console.log(frame.subarray(0, n).toString("hex"));
  setTimeout(poll, 10);
};
poll();
`;

async function hostCall(lab: Lab, verb: "addAddress" | "removeAddress", address: string, interfaceName = "veth0"): Promise<string[]> {
  // an empty PATH, as in the speaker image: neither `ip` nor `arping` can be found
  const { stdout } = await runInNamespace(lab.speaker.ns, "/usr/bin/env", [
    "PATH=/nonexistent",
    process.execPath,
    "-e",
    HOST_SCRIPT,
    verb,
    interfaceName,
    address,
  ]);
  return JSON.parse(stdout) as string[];
}

interface IpAddrInfo {
  readonly addr_info: readonly { readonly local: string; readonly prefixlen: number }[];
}

/** The message a failed call ended with. */
async function failure(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => expect.fail("the call succeeded"),
    (error: Error) => error.message,
  );
}

async function addressesShown(ns: string): Promise<string[]> {
  const { stdout } = await runInNamespace(ns, "ip", ["-j", "addr", "show", "dev", "veth0"]);
  return (JSON.parse(stdout) as IpAddrInfo[]).flatMap((link) => link.addr_info.map((a) => `${a.local}/${a.prefixlen}`));
}

async function macOf(ns: string): Promise<string> {
  const { stdout } = await runInNamespace(ns, "ip", ["-j", "link", "show", "dev", "veth0"]);
  return (JSON.parse(stdout) as { address: string }[])[0].address;
}

async function neighbourMac(ns: string, address: string): Promise<string | undefined> {
  const { stdout } = await runInNamespace(ns, "ip", ["-j", "neigh", "show", address, "dev", "veth0"]);
  return (JSON.parse(stdout) as { lladdr?: string }[])[0]?.lladdr;
}

describe("cluster speaker node host (rtnetlink, gratuitous ARP) in network namespaces", function () {
  this.timeout(30_000);
  let lab: Lab | undefined;
  labPerTest(
    () => lab,
    () => (lab = undefined),
  );

  it("adds a floating IPv4 /32 (twice without error), announces it with a gratuitous ARP the peer takes, deletes it (twice without error)", async () => {
    lab = await Lab.create();
    const speakerMac = await macOf(lab.speaker.ns);
    await runInNamespace(lab.peer.ns, "ip", ["neigh", "replace", FLOATING_V4, "lladdr", OLD_MAC, "dev", "veth0", "nud", "stale"]);
    const capture = lab.start("capture", lab.peer.ns, process.execPath, ["-e", CAPTURE_SCRIPT]);
    await waitFor("the ARP capture to start", async () => (readFileSync(capture.logFile, "utf8").includes("ready") ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });

    expect(await hostCall(lab, "addAddress", FLOATING_V4)).to.include(FLOATING_V4);
    expect(await hostCall(lab, "addAddress", FLOATING_V4)).to.include(FLOATING_V4);
    expect(await addressesShown(lab.speaker.ns)).to.include(`${FLOATING_V4}/32`);

    const mac = speakerMac.replaceAll(":", "");
    const expected = `ffffffffffff${mac}0806` + `0001080006040001${mac}c000020a000000000000c000020a`;
    const frames = await waitFor(
      "the gratuitous ARP on the peer's veth0",
      async () => {
        const lines = readFileSync(capture.logFile, "utf8").split("\n");
        return lines.filter((line) => line.startsWith(expected)).length === 2 ? lines : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
    expect(frames.filter((line) => line.startsWith(expected))).to.have.length(2);
    expect(await neighbourMac(lab.peer.ns, FLOATING_V4)).to.equal(speakerMac);

    expect(await hostCall(lab, "removeAddress", FLOATING_V4)).to.not.include(FLOATING_V4);
    expect(await hostCall(lab, "removeAddress", FLOATING_V4)).to.not.include(FLOATING_V4);
    expect(await addressesShown(lab.speaker.ns)).to.not.include(`${FLOATING_V4}/32`);
    expect(await addressesShown(lab.speaker.ns)).to.include(`${lab.speaker.ipv4}/24`);
  });

  it("adds and deletes a floating IPv6 /128", async () => {
    lab = await Lab.create();
    expect(await hostCall(lab, "addAddress", FLOATING_V6)).to.include(FLOATING_V6);
    expect(await addressesShown(lab.speaker.ns)).to.include(`${FLOATING_V6}/128`);
    expect(await hostCall(lab, "removeAddress", FLOATING_V6)).to.not.include(FLOATING_V6);
    expect(await addressesShown(lab.speaker.ns)).to.not.include(`${FLOATING_V6}/128`);
  });

  it("finds the interface and subnet of the node's IPv4 and IPv6 addresses, and names an address no interface has", async () => {
    lab = await Lab.create();
    const { stdout } = await runInNamespace(lab.speaker.ns, "/usr/bin/env", [
      "PATH=/nonexistent",
      process.execPath,
      "-e",
      INTERFACE_OF_SCRIPT,
      lab.speaker.ipv4,
      lab.speaker.ipv6,
    ]);
    expect(JSON.parse(stdout)).to.deep.equal([
      { interfaceName: "veth0", subnet: "198.18.0.0/24" },
      { interfaceName: "veth0", subnet: "2001:db8::/64" },
    ]);
    const missing = await failure(runInNamespace(lab.speaker.ns, process.execPath, ["-e", INTERFACE_OF_SCRIPT, lab.peer.ipv4]));
    expect(missing).to.include(`no interface carries the node address ${lab.peer.ipv4}`);
  });

  it("reports the kernel's refusal and a missing interface with the address and the interface", async () => {
    lab = await Lab.create();
    await runInNamespace(lab.speaker.ns, "sysctl", ["-q", "-w", "net.ipv6.conf.veth0.disable_ipv6=1"]);
    expect(await failure(hostCall(lab, "addAddress", FLOATING_V6))).to.include(`adding ${FLOATING_V6}/128 to veth0: EACCES`);
    expect(await failure(hostCall(lab, "addAddress", FLOATING_V4, "nope0"))).to.include(
      `adding ${FLOATING_V4}/32 to nope0: no network interface nope0: ENODEV`,
    );
    expect(await failure(hostCall(lab, "removeAddress", FLOATING_V4, "nope0"))).to.include(
      `deleting ${FLOATING_V4}/32 on nope0: no network interface nope0: ENODEV`,
    );
  });
});
