import { requireInteropHost } from "./host";
import { reapStaleLabs, type Lab } from "./lab";

/**
 * Registers the hooks of a suite whose tests each build a lab: before the
 * suite, the host check (and `check`, for further prerequisites) and the
 * reaping of labs left by dead runs; after each test, the teardown of the
 * lab `current` returns (kept on disk when the test failed), then `forget`.
 */
export function labPerTest(current: () => Lab | undefined, forget: () => void, check?: (ctx: Mocha.Context) => void): void {
  before(async function () {
    requireInteropHost(this);
    check?.(this);
    await reapStaleLabs();
  });

  afterEach(async function () {
    await current()?.destroy(this.currentTest?.state === "failed");
    forget();
  });
}
