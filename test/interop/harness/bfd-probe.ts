/**
 * A BFD-only endpoint for the interop lab: `node bfd-probe.js LOCAL PEER
 * INTERVAL_MS MULT [VRF]` runs the speaker's {@link BfdDriver} with one session
 * (in VRF device `VRF` when given)
 * and logs JSON lines to stdout (the driver's own "BFD state changed"
 * lines) until SIGTERM. Used where no BGP session runs, e.g. over IPv6.
 */
import { BfdDriver } from "../../../sdk/speaker/bfd-driver";
import { jsonLogger } from "../../../sdk/speaker/json-logger";

const [local, peer, interval, mult, vrf] = process.argv.slice(2);
const logger = jsonLogger(
  (l) => process.stdout.write(l),
  (l) => process.stdout.write(l),
);
const driver = new BfdDriver({ localIP: local, ...(vrf === undefined ? {} : { vrf }), logger });
driver.addPeer(peer, { desiredMinTxMs: Number(interval), requiredMinRxMs: Number(interval), detectMultiplier: Number(mult), passive: false });
driver.start().catch((error: Error) => {
  logger.log("error", error.message);
  process.exit(1);
});
process.once("SIGTERM", () => void driver.stop().then(() => process.exit(0)));
