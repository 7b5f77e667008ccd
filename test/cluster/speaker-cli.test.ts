/** `bgplb speaker` flags: bad usage is exit 2 naming the flag and the value, before anything starts. */
import { expect } from "chai";
import { bgplb } from "../cli/helpers";

describe("bgplb speaker: usage errors", function () {
  // the kubeconfig case loads the Kubernetes client first: seconds on a busy machine
  this.timeout(20_000);
  const cases: [string, string[], string][] = [
    ["no node name", ["--cluster-namespace", "cluster-bm"], "--node-name NAME is required (or set NODE_NAME)"],
    ["no cluster namespace", ["--node-name", "n1"], "--cluster-namespace NS is required"],
    [
      "a node subnet that is not a CIDR",
      ["--node-name", "n1", "--cluster-namespace", "cluster-bm", "--node-subnet", "10.0.0.0/33"],
      '--node-subnet: "10.0.0.0/33" has prefix length "33"',
    ],
    [
      "a lease duration of 0",
      ["--node-name", "n1", "--cluster-namespace", "cluster-bm", "--lease-duration", "0"],
      "--lease-duration: '0' is not a whole number from 1 to 3600",
    ],
    [
      "a peer port above 65535",
      ["--node-name", "n1", "--cluster-namespace", "cluster-bm", "--peer-port", "70000"],
      "--peer-port: '70000' is not a whole number from 1 to 65535",
    ],
    [
      "an unreadable kubeconfig",
      ["--node-name", "n1", "--cluster-namespace", "cluster-bm", "--kubeconfig", "/nonexistent/kubeconfig"],
      "--kubeconfig /nonexistent/kubeconfig:",
    ],
    ["an unknown mode", ["--node-name", "n1", "--mode", "bird"], "--mode: 'bird' is not gke or metallb"],
    [
      "a GKE flag in metallb mode",
      ["--node-name", "n1", "--mode", "metallb", "--cluster-namespace", "cluster-bm"],
      "--cluster-namespace does not apply to --mode metallb",
    ],
    [
      "a metallb flag in GKE mode",
      ["--node-name", "n1", "--cluster-namespace", "cluster-bm", "--namespace", "metallb-system"],
      "--namespace does not apply to --mode gke",
    ],
    [
      "a graceful restart time above 4095",
      ["--node-name", "n1", "--mode", "metallb", "--graceful-restart-time", "5000"],
      "--graceful-restart-time: '5000' is not a whole number from 0 to 4095",
    ],
    [
      "an unreadable kubeconfig in metallb mode",
      ["--node-name", "n1", "--mode", "metallb", "--kubeconfig", "/nonexistent/kubeconfig"],
      "--kubeconfig /nonexistent/kubeconfig:",
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what} with exit 2`, async () => {
      const saved = process.env["NODE_NAME"];
      delete process.env["NODE_NAME"];
      try {
        const run = await bgplb("speaker", ...args);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.include(message);
        expect(run.stdout).to.equal("");
      } finally {
        if (saved !== undefined) process.env["NODE_NAME"] = saved;
      }
    });
  }
});
