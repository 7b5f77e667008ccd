import { expect } from "chai";
import { RULES, formatDiagnostic, ruleCatalogue, summarize, toReport, validate, type Diagnostic } from "../../sdk/validate";
import { gke } from "./fixtures";

const IBGP: Diagnostic = {
  code: "BGPLB012",
  severity: "error",
  path: "spec.loadBalancer.bgpPeers[1].asn",
  object: { apiVersion: "baremetal.cluster.gke.io/v1", kind: "Cluster", namespace: "cluster-bm", name: "bm", file: "bm.yaml" },
  message: "65001 equals the cluster ASN (eBGP only)",
  hint: "use the router's AS number",
};

describe("validate: output formats", () => {
  it("formats one line as severity, code, path, message and hint", () => {
    expect(formatDiagnostic(IBGP, { object: false })).to.equal(
      "error BGPLB012 spec.loadBalancer.bgpPeers[1].asn: 65001 equals the cluster ASN (eBGP only) (hint: use the router's AS number)",
    );
    expect(formatDiagnostic(IBGP)).to.equal(
      "error BGPLB012 spec.loadBalancer.bgpPeers[1].asn: 65001 equals the cluster ASN (eBGP only) (hint: use the router's AS number) [Cluster cluster-bm/bm, bm.yaml]",
    );
  });

  it("produces that very line from a real iBGP mistake", () => {
    const diagnostics = validate(
      gke({
        cluster: {
          bgpPeers: [
            { ip: "10.8.0.10", asn: 65002 },
            { ip: "10.8.0.11", asn: 65001 },
          ],
        },
      }),
    );
    const lines = diagnostics.map((d) => formatDiagnostic(d, { object: false }));
    expect(lines).to.include(formatDiagnostic(IBGP, { object: false }));
  });

  it("builds a JSON report with counts that survives a JSON round trip", () => {
    const warning: Diagnostic = { ...IBGP, code: "BGPLB031", severity: "warning" };
    const report = toReport([IBGP, warning, { ...IBGP, severity: "skipped" }]);
    expect(report.summary).to.deep.equal({ errors: 1, warnings: 1, skipped: 1 });
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
    expect(summarize([])).to.deep.equal({ errors: 0, warnings: 0, skipped: 0 });
  });
});

describe("validate: rule catalogue", () => {
  it("lists every rule once, with a unique well-formed code, in code order", () => {
    const codes = ruleCatalogue.map((rule) => rule.code);
    expect(new Set(codes).size).to.equal(codes.length);
    expect(codes.every((code) => /^BGPLB\d{3}$/.test(code))).to.equal(true);
    expect([...codes].sort()).to.deep.equal(codes);
    expect(ruleCatalogue).to.have.length(Object.keys(RULES).length);
    for (const rule of ruleCatalogue) {
      expect(rule.title, rule.code).to.not.equal("");
      expect(rule.source, rule.code).to.not.equal("");
      expect(["error", "warning"]).to.include(rule.severity);
    }
  });

  it("marks the rules that need facts", () => {
    const needing = ruleCatalogue.filter((rule) => rule.needs !== undefined).map((rule) => `${rule.code}:${rule.needs}`);
    expect(needing).to.deep.equal(["BGPLB034:nodeSubnets", "BGPLB054:nodeSubnets", "BGPLB064:nodeSubnets", "BGPLB081:previous"]);
  });

  it("reports only codes of the catalogue, each at its catalogue severity unless skipped", () => {
    const bySeverity = new Map(ruleCatalogue.map((rule) => [rule.code, rule.severity]));
    const noisy = gke({ floatingIPs: ["10.0.1.10"], cluster: { localASN: 0, bgpPeers: [{ ip: "x", asn: 65002 }], controlPlaneVIP: "10.0.0.2" } });
    const diagnostics = validate(noisy);
    expect(diagnostics.length).to.be.greaterThan(4);
    for (const d of diagnostics) {
      expect(bySeverity.has(d.code), d.code).to.equal(true);
      if (d.severity !== "skipped") expect(d.severity, d.code).to.equal(bySeverity.get(d.code));
    }
  });
});
