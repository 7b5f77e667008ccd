import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allCommands } from "../../sdk/cli/commands";
import { progress } from "../../sdk/cli/progress";
import { exampleText } from "../../sdk/manifest";
import { bgplb, scratchDirectory, type CliRun } from "./helpers";

const MAIN = join(__dirname, "..", "..", "sdk", "cli", "main.js");

/** Runs the built `bgplb` in a child process (real stdin, stdout and stderr). */
function bgplbProcess(args: readonly string[], input?: string): CliRun {
  const run = spawnSync(process.execPath, [MAIN, ...args], { input: input ?? "", encoding: "utf8", timeout: 60_000 });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

function longestLine(run: CliRun): number {
  return Math.max(0, ...`${run.stdout}\n${run.stderr}`.split("\n").map((line) => line.length));
}

const BILLION_LAUGHS = [
  "apiVersion: v1",
  "kind: ConfigMap",
  "metadata: {name: laughs}",
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
  "",
].join("\n");

describe("bgplb: hostile and careless input", () => {
  const dir = scratchDirectory();
  after(() => dir.remove());

  describe("YAML aliases", () => {
    it("an alias bomb is an input error at its file:line (exit 2), not an internal error", async () => {
      const file = dir.write("laughs.yaml", BILLION_LAUGHS);
      for (const verb of ["validate", "render", "import"]) {
        const run = await bgplb(verb, file);
        expect(run.code, verb).to.equal(2);
        expect(run.stderr, verb).to.contain(`${file}:5:`).and.to.contain("alias bomb").and.not.to.contain("internal error");
      }
    });

    it("an alias without an anchor before it is an input error naming the alias and its line", async () => {
      const file = dir.write("unresolved.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: *nowhere\n");
      const run = await bgplb("validate", file);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(`${file}:4:`).and.to.contain("*nowhere").and.not.to.contain("internal error");
    });

    it("aliases that expand one big anchor many times are refused before anything walks them", async () => {
      const items = Array.from({ length: 20_000 }, (_, i) => `  - 10.0.${(i >> 8) & 255}.${i & 255}/32`).join("\n");
      const repeats = Array.from({ length: 900 }, () => "  - *pool").join("\n");
      const file = dir.write("expand.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\npool: &pool\n${items}\nmany:\n${repeats}\n`);
      const run = await bgplb("validate", file);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/expand\.yaml:\d+:\d+: error: .*aliases expand/);
    });

    it("a modest alias (a shared label map) still reads", async () => {
      const text = exampleText("metallb-bfd").replace(
        "metadata:\n  name: doc-example-peer-bfd",
        "metadata:\n  labels: &shared {team: net}\n  annotations: *shared\n  name: doc-example-peer-bfd",
      );
      expect(text).to.contain("*shared");
      const run = await bgplb("render", dir.write("alias-ok.yaml", text));
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(/annotations:\n\s+team: net/);
    });
  });

  it("nesting deeper than any manifest needs is an input error (exit 2)", async () => {
    const depth = 5000;
    const file = dir.write("deep.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: ${"[".repeat(depth)}${"]".repeat(depth)}\n`);
    const run = await bgplb("validate", file);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("nested").and.not.to.contain("internal error");
  });

  describe("nothing to read", () => {
    for (const [name, text] of [
      ["empty", ""],
      ["comments and separators only", "# nothing here\n---\n# still nothing\n---\n"],
    ] as const) {
      it(`${name}: says no objects were found, exit 1 (validate, render, import)`, async () => {
        const file = dir.write(`${name.replace(/\W+/g, "-")}.yaml`, text);
        for (const verb of ["validate", "render", "import"]) {
          const run = await bgplb(verb, file);
          expect(run.code, verb).to.equal(1);
          expect(run.stderr, verb).to.contain(`no Kubernetes objects found in ${file}`);
          expect(run.stdout, verb).to.equal("");
        }
      });
    }
  });

  it("a file with thousands of errors prints the first 200 and counts the rest", async () => {
    const file = dir.write(
      "many-errors.yaml",
      Array.from(
        { length: 1000 },
        (_, i) => `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p${i}, namespace: metallb-system}\nspec: {addresses: 7}\n`,
      ).join("---\n"),
    );
    const run = await bgplb("validate", file);
    expect(run.code).to.equal(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines.filter((line) => line.startsWith(`${file}:`))).to.have.length(200);
    expect(run.stderr).to.match(/… and \d+ more \(the first 200 are shown\)\n/);
  });

  it("render --out naming a file is a usage error naming the path (exit 2), and the file is untouched", async () => {
    const file = dir.write("not-a-directory", "keep me\n");
    const run = await bgplb("render", "--example", "metallb-bfd", "--out", file);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain(`${file} is a file, not a directory`).and.not.to.contain("internal error");
    expect(spawnSync("cat", [file], { encoding: "utf8" }).stdout).to.equal("keep me\n");
  });

  describe("unknown fields", () => {
    const typo = () => dir.write("typo.yaml", exampleText("gke-shared-peers").replace("ingressVIP:", "ingresVIP:"));

    it("a typo in a known kind is a counted warning with a did-you-mean suggestion", async () => {
      const file = typo();
      const run = await bgplb("validate", file);
      expect(run.code).to.equal(0);
      expect(run.stderr).to.match(
        /typo\.yaml:\d+:\d+: warning: Cluster cluster-bm\/bm spec\.loadBalancer\.vips\.ingresVIP: unknown field \(did you mean ingressVIP\?\)/,
      );
      expect(run.stderr).to.match(/0 error\(s\), 1 warning\(s\)/);
      const json = JSON.parse((await bgplb("validate", file, "--output", "json")).stdout) as {
        summary: { warnings: number };
        manifestIssues: { message: string }[];
      };
      expect(json.summary.warnings).to.equal(1);
      expect(json.manifestIssues[0].message).to.contain("did you mean ingressVIP?");
    });

    it("--strict turns warnings into errors (exit 1); without warnings it passes", async () => {
      const run = await bgplb("validate", typo(), "--strict");
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain("--strict: warnings are errors");
      const clean = dir.write("clean.yaml", exampleText("metallb-bfd").replace("kind: BGPPeer", "kind: BGPPeer"));
      expect((await bgplb("validate", clean)).code).to.equal(0);
    });

    it("a key far from every known field gets no suggestion", async () => {
      const file = dir.write("far.yaml", exampleText("gke-shared-peers").replace("ingressVIP:", "somethingElse:"));
      const run = await bgplb("validate", file);
      expect(run.stderr).to.contain("somethingElse: unknown field, kept as is");
    });
  });

  describe("input size", () => {
    it("a file over --max-input-size is refused naming the file and the limit (exit 2)", async () => {
      const file = dir.write("sized.yaml", exampleText("metallb-bfd"));
      const run = await bgplb("validate", file, "--max-input-size", "100");
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(`${file}: error: larger than the 100B input limit (raise it with --max-input-size)`);
      expect((await bgplb("validate", file, "--max-input-size", "1MiB")).code).to.equal(0);
    });

    it("every verb that reads files takes --max-input-size and refuses a bad size", async () => {
      const file = dir.write("sized2.yaml", exampleText("metallb-bfd"));
      for (const args of [
        ["validate", file],
        ["render", file],
        ["import", file],
        ["diff", file, file],
      ]) {
        expect((await bgplb(...args, "--max-input-size", "64")).stderr, args[0]).to.contain("larger than the 64B input limit");
        const bad = await bgplb(...args, "--max-input-size", "lots");
        expect(bad.code, args[0]).to.equal(2);
        expect(bad.stderr, args[0]).to.contain('--max-input-size: "lots" is not a size');
      }
    });

    it("/dev/zero is refused at the limit, not read forever", async () => {
      const run = await bgplb("validate", "/dev/zero", "--max-input-size", "1MiB");
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("/dev/zero: error: larger than the 1MiB input limit");
    });
  });

  describe("paths that are not what they should be", () => {
    it("missing file, directory with an unreadable entry, file in place of a directory, binary and invalid UTF-8: exit 2 or 1, never 3", async () => {
      const binary = join(dir.path, "binary.yaml");
      writeFileSync(binary, Buffer.from([0, 1, 2, 255, 254, 0, 10, 0x80, 0x81]));
      const latin1 = join(dir.path, "latin1.yaml");
      writeFileSync(latin1, Buffer.concat([Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf"), Buffer.from([0xe9]), Buffer.from("}\n")]));
      const hugeLine = dir.write("huge-line.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: "${"x".repeat(2_000_000)}"}\n`);
      const notDir = dir.write("plain-file", "x");
      for (const verb of ["validate", "render", "import"]) {
        for (const path of [join(dir.path, "missing.yaml"), join(notDir, "below.yaml"), binary, latin1, hugeLine]) {
          const run = await bgplb(verb, path);
          expect(run.code, `${verb} ${path}`).to.be.oneOf([0, 1, 2]);
          expect(run.stderr, `${verb} ${path}`).not.to.contain("internal error");
          // render and import print the data itself on stdout; their messages are on stderr
          expect(longestLine(verb === "validate" ? run : { ...run, stdout: "" }), `${verb} ${path}`).to.be.at.most(1000);
        }
      }
      const missing = await bgplb("validate", join(dir.path, "missing.yaml"));
      expect(missing.stderr).to.contain("missing.yaml: no such file or directory");
    });

    it("--previous and diff take directories and files alike and name what is missing", async () => {
      const gitops = join(dir.path, "gitops");
      mkdirSync(gitops, { recursive: true });
      writeFileSync(join(gitops, "bfd.yaml"), exampleText("metallb-bfd"));
      expect((await bgplb("diff", gitops, gitops)).code).to.equal(0);
      const run = await bgplb("diff", gitops, join(dir.path, "nope"));
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("nope: no such file or directory");
    });
  });

  describe("echoed values are capped", () => {
    it("no output line exceeds 1,000 characters for huge values, keys, names and paths", async () => {
      const huge = "9".repeat(150_000);
      const word = "k".repeat(150_000);
      const cases = [
        exampleText("gke-shared-peers").replace("asn: 65002", `asn: "${huge}"`),
        exampleText("gke-shared-peers").replace("ingressVIP: 10.0.0.1", `? ${word}\n      : 10.0.0.1`),
        exampleText("metallb-bfd").replace("peerAddress: 10.0.20.1", `peerAddress: 10.0.20.${huge}`),
        exampleText("metallb-bfd").replace("name: doc-example-peer-bfd", `name: ${word}`),
        exampleText("metallb-bfd").replace("holdTime:", `labels: {${word}: ${huge}}\n  holdTime:`),
        `apiVersion: ${word}\nkind: ${word}\nmetadata: {name: ${word}}\n`,
        `${word}: [unclosed\n`,
      ];
      for (const [index, text] of cases.entries()) {
        const file = dir.write(`huge-${index}.yaml`, text);
        for (const verb of ["validate", "render", "import"]) {
          const run = await bgplb(verb, file);
          expect(run.stderr, `${verb} case ${index}`).not.to.contain("internal error");
          const lines = verb === "validate" ? `${run.stdout}\n${run.stderr}` : run.stderr;
          expect(Math.max(...lines.split("\n").map((line) => line.length)), `${verb} case ${index}`).to.be.at.most(1000);
        }
        if (index < 4) expect(Object.values(await bgplb("validate", file)).join("\n"), `case ${index}`).to.match(/…\(\d+ more\)/);
      }
      const diff = await bgplb(
        "diff",
        dir.write("diff-a.yaml", exampleText("metallb-bfd")),
        dir.write("diff-b.yaml", exampleText("metallb-bfd").replace("holdTime: 10s", `holdTime: "${huge}"`)),
      );
      expect(diff.code).to.equal(1);
      expect(longestLine(diff)).to.be.at.most(1000);
      expect(diff.stdout).to.contain("…(");
      const longPath = await bgplb("validate", join(dir.path, "p".repeat(5000)));
      expect(longPath.code).to.equal(2);
      expect(longestLine(longPath)).to.be.at.most(1000);
    });
  });

  describe("flags", () => {
    it("-v and --version print the version", async () => {
      const version = (require("../../../package.json") as { version: string }).version;
      for (const flag of ["-v", "--version"]) expect(await bgplb(flag)).to.deep.equal({ code: 0, stdout: `${version}\n`, stderr: "" });
    });

    it("demo refuses files, which it would otherwise ignore", async () => {
      const run = await bgplb("demo", "cluster.yaml");
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("demo takes no files");
    });

    it("import --example, advertised in its help, is accepted", async () => {
      expect((await bgplb("import", "--help")).stdout).to.contain("--example NAME");
      const run = await bgplb("import", "--example", "metallb-bfd", "--target", "sdk");
      expect(run.code).to.equal(0);
      expect(run.stdout).to.contain("--example metallb-bfd");
    });

    it("every flag in every command's help text parses", async () => {
      const values: Readonly<Record<string, string>> = {
        NAME: "metallb-bfd",
        CIDR: "10.0.1.0/24",
        FORMAT: "text",
        "text|json": "text",
        "pulumi|sdk": "sdk",
        SIZE: "1MiB",
        IP: "192.0.2.10",
        "H:P": "127.0.0.1:0",
      };
      const missing = join(dir.path, "absent", "input.yaml");
      let checked = 0;
      for (const command of await allCommands()) {
        for (const match of command.usage.matchAll(/^ {2,}(--[a-z][a-z-]*)(?: ([A-Z][A-Z:]*|[a-z]+\|[a-z|]+))?/gm)) {
          const [, flag, placeholder] = match;
          const value = placeholder === undefined ? [] : [values[placeholder] ?? missing];
          const extra = command.name === "advertise" ? ["--config", missing] : command.name === "diff" ? [missing, missing] : [missing];
          const run = await bgplb(command.name, flag, ...value, ...(command.name === "demo" ? [] : extra));
          expect(run.stderr, `${command.name} ${flag}`).not.to.match(/Unknown option|argument missing|does not take an argument|internal error/i);
          checked++;
        }
      }
      expect(checked).to.be.greaterThan(15);
    });
  });

  it("progress goes to a terminal's stderr once a command has worked 2 s, then at most once a second; never elsewhere", () => {
    let clock = 0;
    let shown = "";
    const onTerminal = progress({ stdout: () => {}, stderr: (t) => (shown += t), progress: true }, () => clock);
    onTerminal("reading a.yaml");
    clock = 1999;
    onTerminal("reading b.yaml");
    clock = 2000;
    onTerminal("reading c.yaml");
    clock = 2500;
    onTerminal("validating 10 objects");
    clock = 3000;
    onTerminal("rendering 10 objects");
    expect(shown).to.equal("bgplb: reading c.yaml…\nbgplb: rendering 10 objects…\n");
    let piped = "";
    const notTerminal = progress({ stdout: () => {}, stderr: (t) => (piped += t) }, () => clock);
    clock = 10_000;
    notTerminal("reading d.yaml");
    expect(piped).to.equal("");
  });

  describe("streams", () => {
    it("- reads standard input for validate, render, import and diff", () => {
      const text = exampleText("metallb-bfd");
      expect(bgplbProcess(["validate", "-"], text).code).to.equal(0);
      expect(bgplbProcess(["render", "-"], text).stdout).to.contain("kind: BGPPeer");
      expect(bgplbProcess(["import", "-", "--target", "sdk"], text).stdout).to.contain("metallb");
      const file = dir.write("stdin-diff.yaml", text);
      expect(bgplbProcess(["diff", file, "-"], text).code).to.equal(0);
      const twice = bgplbProcess(["diff", "-", "-"], text);
      expect(twice.code).to.equal(2);
      expect(twice.stderr).to.contain("standard input (-) can be read only once");
    });

    it("a closed standard input reads as empty: no objects, exit 1", () => {
      const run = spawnSync("sh", ["-c", `"${process.execPath}" "${MAIN}" validate - <&-`], { encoding: "utf8" });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain("no Kubernetes objects found in standard input");
    });

    it("render into a pipe closed by its reader (| head -1) ends quietly, like cat", async () => {
      const docs = Array.from(
        { length: 3000 },
        (_, i) =>
          `apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: pool-${i}, namespace: metallb-system}\nspec: {addresses: [10.1.${i >> 8}.${i & 255}/32]}\n`,
      );
      const file = dir.write("many.yaml", docs.join("---\n"));
      const child = spawn(process.execPath, [MAIN, "render", "--no-validate", file], { stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.stdout.once("data", () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr).to.equal("");
      expect(code).to.equal(141);
    });

    it("render --out into a directory that cannot be written is a usage error (exit 2)", async () => {
      const run = await bgplb("render", "--example", "metallb-bfd", "--out", join(dir.path, "plain-file-2", "x"));
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("cannot write").and.not.to.contain("internal error");
    });
  });
});
