/**
 * V8 heap settings of a long-running speaker process.
 */
import { setFlagsFromString } from "node:v8";

/**
 * Keeps V8's young generation at its initial size (two 1 MiB semi-spaces)
 * instead of letting it grow to 64 MiB while a large advertise set is
 * loaded or sent: an idle speaker never shrinks it again, so it stays
 * resident. Measured with 100,000 VIPs: RSS 144 → 114 MiB (about 300
 * octets less per route), no measurable CPU time added (more, shorter
 * scavenges). `--max-semi-space-size` would do the same but is read only
 * when the heap is set up, before any code of ours runs; the growth factor
 * is read each time the young generation would grow.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}
