import { execFileSync } from "node:child_process";
import { expect } from "chai";
import fc from "fast-check";
import { toYamlDocument } from "../../sdk/manifest";
import { arbGrammarNearString } from "../arbitraries";
import { requireTools } from "./harness/tools";

describe("e2e: YAML writer against Kubernetes' own (Go) YAML reader", function () {
  this.timeout(60_000);

  it("kubectl reads every grammar-near string the writer emits back as that string", function () {
    const kubectl = requireTools(this, ["kubectl"]).get("kubectl")!;
    const texts = [...new Set([...fc.sample(arbGrammarNearString, 3000), "0X1F", "0O17", "0B101", "1__0", "0_x1", "1_e3", "E0"])];
    const data = Object.fromEntries(texts.map((text, index) => [`k${index}`, text]));
    const yaml = toYamlDocument({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "yaml-writer" }, data });
    // `label --local` decodes the file with kubectl's reader and prints it as JSON, without an API server.
    const json = execFileSync(kubectl, ["label", "--local", "-f", "-", "checked=yes", "-o", "json"], {
      input: yaml,
      encoding: "utf8",
      env: { ...process.env, KUBECONFIG: "/dev/null" },
      maxBuffer: 64 * 1024 * 1024,
    });
    const read = (JSON.parse(json) as { data: Record<string, unknown> }).data;
    const misread = Object.entries(data)
      .filter(([key, text]) => read[key] !== text)
      .map(([key, text]) => `${JSON.stringify(text)} -> ${JSON.stringify(read[key])}`);
    expect(misread).to.deep.equal([]);
  });
});
