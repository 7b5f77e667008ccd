import { expect } from "chai";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { runChecked, runCommand } from "./harness/command";
import { PulumiBackend } from "./harness/pulumi";
import { pulumiTools, repoDir, requireTools } from "./harness/tools";

/** The program a new user writes (components/README.md), after its import line. */
const PROGRAM_BODY = `
const target = bgplb.stackTarget();

const fabric = new bgplb.GkeRackTopology(
  "edge",
  {
    clusterName: "edge",
    localAsn: 65001,
    torAsn: 65002,
    controlPlaneVip: "10.0.0.8",
    ingressVip: "10.0.0.10",
    addressPools: [{ name: "services", addresses: ["10.0.0.10-10.0.0.30"] }],
    racks: [1, 2, 3].map((n) => ({
      name: \`rack\${n}\`,
      subnet: \`10.0.\${n}.0/24\`,
      controlPlaneNodes: [\`10.0.\${n}.10\`],
      loadBalancerNodes: [\`10.0.\${n}.20\`],
      torIp: \`10.0.\${n}.254\`,
      floatingIps: [\`10.0.\${n}.100\`, \`10.0.\${n}.101\`],
    })),
    applyToCluster: target.applyToCluster,
  },
  target.options,
);

const rendered = target.publish([fabric.objects]);
`;

/** Each kind of fresh project: its package type and how its program imports and exports under `tsc --init` defaults. */
const PROJECTS = [
  {
    kind: "CommonJS",
    type: "commonjs",
    program: `import bgplb = require("bgplb/pulumi");\n${PROGRAM_BODY}\nexport = { files: rendered?.files };\n`,
  },
  {
    kind: "ESM",
    type: "module",
    program: `import * as bgplb from "bgplb/pulumi";\n${PROGRAM_BODY}\nexport const files = rendered?.files;\n`,
  },
] as const;

/** What the program registers, as the mocks see it (type and name). */
const REGISTERED = ["bgplb:index:GkeRackTopology edge", "pulumi-nodejs:dynamic/bgplb:RenderedManifests manifests"];

const RENDERED_OBJECTS = [
  "BGPLoadBalancer default",
  "BGPPeer rack1-tor",
  "BGPPeer rack2-tor",
  "BGPPeer rack3-tor",
  "Cluster edge",
  "NetworkGatewayGroup default",
];

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(repoDir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

describe("e2e: a new user's install path (npm pack, fresh CommonJS and ESM TypeScript projects)", function () {
  this.timeout(900_000);
  let scratch: string;
  let tarball: string;
  let backend: PulumiBackend | undefined;
  let pulumiRoot = "";

  before(async function () {
    const tools = requireTools(this, pulumiTools);
    pulumiRoot = path.dirname(path.dirname(tools.get("pulumi") as string));
    backend = await PulumiBackend.create(tools);
    scratch = mkdtempSync(path.join(tmpdir(), "bgplb-e2e-install-"));
    const packed = await runChecked("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: repoDir, timeoutMs: 300_000 });
    tarball = path.join(scratch, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  });

  after(function () {
    backend?.remove();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  for (const project of PROJECTS) {
    describe(`a fresh ${project.kind} TypeScript project`, function () {
      let dir: string;
      /** What the program registered under mocks. */
      let registered: string[] = [];

      before(async function () {
        if (backend === undefined) this.skip();
        dir = path.join(scratch, project.type);
        mkdirSync(dir);
        writeFileSync(
          path.join(dir, "package.json"),
          `${JSON.stringify({ name: `fresh-${project.type}`, version: "1.0.0", private: true, type: project.type }, null, 2)}\n`,
        );
        await runChecked(process.execPath, [path.join(repoDir, "node_modules/typescript/bin/tsc"), "--init"], { cwd: dir });
        writeFileSync(path.join(dir, "index.ts"), project.program);
        copyFileSync(path.join(repoDir, "test/e2e/fixtures/fresh-project/run.mjs"), path.join(dir, "run.mjs"));
      });

      it("installs the tarball with its Pulumi peers, and loads exactly one @pulumi/pulumi", async function () {
        const peers = [`@pulumi/pulumi@${installedVersion("@pulumi/pulumi")}`, `@pulumi/kubernetes@${installedVersion("@pulumi/kubernetes")}`];
        // The Kubernetes package's install script would fetch a provider plugin; a user's CI disallows it as ours does.
        await runChecked("npm", ["install", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball, ...peers], {
          cwd: dir,
          timeoutMs: 600_000,
        });
        const copies = await runCommand("npm", ["ls", "--all", "--parseable", "@pulumi/pulumi"], { cwd: dir });
        expect(copies.stdout.trim().split("\n"), copies.stderr).to.deep.equal([path.join(dir, "node_modules/@pulumi/pulumi")]);
      });

      it("compiles the program with tsc --init defaults", async function () {
        const tsc = await runCommand(process.execPath, [path.join(repoDir, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: dir, timeoutMs: 300_000 });
        expect(tsc.stdout + tsc.stderr).to.equal("");
        expect(tsc.code).to.equal(0);
      });

      it("runs the program under mocks", async function () {
        const run = await runChecked(process.execPath, ["run.mjs", "mocks", "index.js"], { cwd: dir, timeoutMs: 120_000 });
        registered = JSON.parse(run.stdout.trim().split("\n").pop()!) as string[];
        expect(registered.filter((entry) => REGISTERED.includes(entry))).to.deep.equal(REGISTERED);
        expect(
          registered.filter((entry) => entry.startsWith("kubernetes:")),
          "nothing applied without a kubeconfig",
        ).to.deep.equal([]);
      });

      it("runs the program with the real engine: pulumi up renders the GitOps directory, pulumi destroy removes it", async function () {
        const renderDirectory = path.join(dir, "gitops");
        const env = { ...process.env, ...(backend as PulumiBackend).env };
        const run = await runChecked(process.execPath, ["run.mjs", "engine", "index.js", pulumiRoot, renderDirectory], { cwd: dir, env, timeoutMs: 600_000 });
        const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as {
          up: Record<string, number>;
          files: Record<string, string>;
          destroy: Record<string, number>;
        };
        // The stack itself, and what the mocks saw registered.
        expect(result.up).to.deep.equal({ create: registered.length + 1 });
        const objects = parseAllDocuments(result.files["manifests.yaml"]).map((doc) => doc.toJSON() as { kind: string; metadata: { name: string } });
        expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).to.deep.equal(RENDERED_OBJECTS);
        expect(result.destroy).to.deep.equal({ delete: registered.length + 1 });
        expect(readdirSync(renderDirectory)).to.deep.equal([]);
        const written = path.join(dir, "manifests.yaml");
        writeFileSync(written, result.files["manifests.yaml"]);
        const validate = await runCommand(process.execPath, [path.join(repoDir, "dist/sdk/cli/main.js"), "validate", written]);
        expect(validate.code, validate.stdout + validate.stderr).to.equal(0);
      });
    });
  }
});
