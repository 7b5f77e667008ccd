import { execFileSync } from "node:child_process";

const TOOLS = ["ip", "gobgpd", "gobgp", "bird", "birdc", "vtysh", "exabgp", "/usr/lib/frr/bgpd"];

function missingTools(): string[] {
  return TOOLS.filter((tool) => {
    try {
      execFileSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Skips the calling suite, saying why, unless this host can run interop
 * tests: root (for network namespaces) and every daemon installed.
 */
export function requireInteropHost(ctx: Mocha.Context): void {
  if (process.getuid?.() !== 0) {
    ctx.skip();
  }
  const missing = missingTools();
  if (missing.length > 0) {
    throw new Error(`interop tests need these programs installed: ${missing.join(", ")}`);
  }
}
