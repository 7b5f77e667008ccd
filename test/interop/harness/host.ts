import { missingPrograms, requirePrerequisites } from "../../setup/prerequisites";

const TOOLS = ["ip", "gobgpd", "gobgp", "bird", "birdc", "vtysh", "exabgp", "/usr/lib/frr/bgpd"];

/**
 * Lets the calling suite run only on a host that can run interop tests: root
 * (for network namespaces) and every daemon installed. Otherwise it is
 * skipped with the reasons (a failure under `CI=true`).
 */
export function requireInteropHost(ctx: Mocha.Context): void {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push("root: interop tests create network namespaces (run as root)");
  const tools = missingPrograms(TOOLS);
  if (tools.length > 0) missing.push(`not installed: ${tools.join(", ")} (bash .ci/install-system-packages, as root)`);
  requirePrerequisites(ctx, missing);
}
