/** `bgplb router-config` and `bgplb plan` as a user runs them: output, errors naming the value, exit codes. */
import { expect } from "chai";
import { bgplb } from "../cli/helpers";

describe("bgplb router-config and plan (CLI)", () => {
  it("router-config --router prints that router only, exit 0", async () => {
    const run = await bgplb("router-config", "--vendor", "frr", "--router", "10.0.3.254", "--example", "gke-separate-data-plane");
    expect(run.code).to.equal(0);
    expect(run.stdout.match(/^router bgp /gm)).to.deep.equal(["router bgp "]);
    expect(run.stdout).to.include("router 10.0.3.254 (AS 65002)");
  });

  it("refuses a missing or unknown vendor, a router that is not one, and an unset password variable (exit 2, naming the value)", async () => {
    expect(await bgplb("router-config", "--example", "gke-separate-data-plane"))
      .to.include({ code: 2 })
      .and.satisfy((r: { stderr: string }) => r.stderr.includes("--vendor is required: frr or bird"));
    const vendor = await bgplb("router-config", "--vendor", "junos", "--example", "gke-separate-data-plane");
    expect([vendor.code, vendor.stderr]).to.deep.equal([2, "bgplb router-config: --vendor: 'junos' is not supported; use frr or bird\n"]);
    const router = await bgplb("router-config", "--vendor", "bird", "--router", "10.9.9.9", "--example", "gke-separate-data-plane");
    expect(router.code).to.equal(2);
    expect(router.stderr).to.include("router 10.9.9.9: the topology does not peer with it; routers: 10.0.1.254, 10.0.2.254, 10.0.3.254");
    const env = await bgplb(
      "router-config",
      "--vendor",
      "bird",
      "--password-env",
      "BGPLB_TEST_UNSET_VARIABLE",
      "--example",
      "metallb-bfd",
      "--node",
      "n1=10.0.20.11",
    );
    expect(env.code).to.equal(2);
    expect(env.stderr).to.include("environment variable 'BGPLB_TEST_UNSET_VARIABLE' is not set");
  });

  it("refuses a bad --node (exit 2, naming it)", async () => {
    const run = await bgplb("router-config", "--vendor", "frr", "--example", "metallb-bfd", "--node", "n1=10.0.20");
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include("'n1=10.0.20': '10.0.20' is neither an IP address nor LABEL=VALUE");
  });

  it("plan exits 1 when a VIP group loses every path, 0 when not; JSON carries the same plan", async () => {
    const lost = await bgplb("plan", "--fail", "peer=10.0.3.254", "--example", "gke-separate-data-plane");
    expect(lost.code).to.equal(1);
    expect(lost.stdout).to.include("VIP groups losing every path: pool1");
    const kept = await bgplb("plan", "--fail", "fip=10.0.3.100", "--output", "json", "--example", "gke-separate-data-plane");
    expect(kept.code).to.equal(0);
    const dropped = (JSON.parse(kept.stdout) as { droppedSessions: { session: string; router: string; reason: string }[] }).droppedSessions;
    expect(dropped.map(({ session, router, reason }) => ({ session, router, reason }))).to.deep.equal([
      { session: "10.0.3.100>10.0.3.254", router: "10.0.3.254", reason: "floating IP 10.0.3.100 unusable" },
    ]);
  });

  it("plan --spof lists the single points of failure and exits 1 when there is one", async () => {
    const run = await bgplb("plan", "--spof", "--example", "gke-separate-data-plane");
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include("Single points of failure (1):\n  peer=10.0.3.254");
  });

  it("plan refuses a failure naming nothing and a malformed one (exit 2)", async () => {
    const unknown = await bgplb("plan", "--fail", "node=worker-9", "--example", "gke-separate-data-plane");
    expect([unknown.code, unknown.stderr.includes("node=worker-9: no node worker-9; nodes: 10.0.1.10")]).to.deep.equal([2, true]);
    const bad = await bgplb("plan", "--fail", "link=10.0.3.10", "--example", "gke-separate-data-plane");
    expect([bad.code, bad.stderr.includes("'link=10.0.3.10' is not a failure")]).to.deep.equal([2, true]);
    expect((await bgplb("plan", "--example", "gke-separate-data-plane")).code).to.equal(2);
  });
});
