/**
 * `npm run bench -- failover`: the cluster-speaker lab (test/e2e), a
 * LoadBalancer Service, then KILLS times: SIGKILL the speaker holding a
 * floating IP (its address removed, as when the node dies), and measure
 * from the kill to BIRD's session with that floating IP Established again
 * and to the VIP's six paths (3 LB nodes x 2 sessions) restored, sampling
 * BIRD's RIB every 50 ms for the fewest paths seen. Needs root and the e2e
 * tools (test/e2e/tools/build.sh).
 */
import { startClusterLab, CLUSTER_NAMESPACE, FLOATING_IPS, NODES } from "../test/e2e/cluster-speaker-lab";
import { clusterTools, findTools } from "../test/e2e/harness/tools";
import { runInNamespace } from "../test/interop/harness/process";
import { sleep, waitFor } from "../test/interop/harness/wait";

const KILLS = 10;
const PATHS = NODES.length * FLOATING_IPS.length;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs the failover benchmark and prints its summary lines. */
export async function failoverBench(): Promise<void> {
  const { paths, missing } = findTools(clusterTools);
  if (missing.length > 0) throw new Error(`e2e tools missing (run test/e2e/tools/build.sh): ${missing.join("; ")}`);
  const { lab, cluster } = await startClusterLab(paths.get("kubectl")!);
  let failed = false;
  try {
    const kubectl = cluster.kubectlChecked.bind(cluster);
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "bench", namespace: "default" },
        spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
      }),
    );
    const ip = await waitFor(
      "the Service's IP",
      async () => {
        const svc = JSON.parse((await kubectl(["get", "service", "bench", "-o", "json"])).stdout) as {
          status?: { loadBalancer?: { ingress?: { ip: string }[] } };
        };
        return svc.status?.loadBalancer?.ingress?.[0]?.ip;
      },
      { timeoutMs: 20_000 },
    );
    const prefix = `${ip}/32`;
    const birdPaths = async (): Promise<number> => (await lab.bird.routes()).filter((r) => r.prefix === prefix).length;
    const holderOf = async (fip: string): Promise<string> =>
      (
        JSON.parse((await kubectl(["get", "lease", `bgplb-fip-${fip.replace(/\./g, "-")}`, "-n", CLUSTER_NAMESPACE, "-o", "json"])).stdout) as {
          spec: { holderIdentity: string };
        }
      ).spec.holderIdentity;
    const steady = async (): Promise<void> => {
      await waitFor(`${PATHS} BIRD paths`, async () => ((await birdPaths()) === PATHS ? true : undefined), { timeoutMs: 30_000, intervalMs: 50 });
      for (const fip of FLOATING_IPS)
        await waitFor(`BIRD session with ${fip}`, async () => ((await lab.bird.session(fip)).established ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 50,
        });
      // the goal is about floating IPs on different nodes: wait until the restarted node counts again
      await waitFor(
        "the floating IPs on different nodes",
        async () => (new Set(await Promise.all(FLOATING_IPS.map(holderOf))).size === FLOATING_IPS.length ? true : undefined),
        { timeoutMs: 30_000 },
      );
    };
    await steady();
    const toSession: number[] = [];
    const toPaths: number[] = [];
    const fewestPerKill: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      let fewest = Number.POSITIVE_INFINITY;
      const fip = FLOATING_IPS[kill % FLOATING_IPS.length];
      const holder = await holderOf(fip);
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          fewest = Math.min(fewest, await birdPaths());
          await sleep(50);
        }
      })();
      const killedAt = Date.now();
      lab.speakers.get(holder)!.signal("SIGKILL");
      await runInNamespace(lab.ns(holder), "ip", ["addr", "del", `${fip}/32`, "dev", "eth0"]).catch(() => undefined);
      await waitFor(`BIRD session with ${fip} down`, async () => ((await lab.bird.session(fip)).established ? undefined : true), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      await waitFor(`BIRD session with ${fip} up again`, async () => ((await lab.bird.session(fip)).established ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      toSession.push((Date.now() - killedAt) / 1000);
      await waitFor(`${PATHS} BIRD paths again`, async () => ((await birdPaths()) === PATHS ? true : undefined), { timeoutMs: 30_000, intervalMs: 50 });
      toPaths.push((Date.now() - killedAt) / 1000);
      sampling = false;
      await sampler;
      fewestPerKill.push(fewest);
      console.log(
        `kill ${kill + 1}: ${holder} held ${fip}; session ${toSession[kill].toFixed(2)} s, paths ${toPaths[kill].toFixed(2)} s, fewest paths ${fewest}`,
      );
      lab.startSpeaker(holder, cluster.kubeconfig);
      await sleep(3_000);
      await steady();
    }
    console.log(
      `failover: median ${median(toPaths).toFixed(2)} s, max ${Math.max(...toPaths).toFixed(2)} s, min paths ${Math.min(...fewestPerKill)} over ${KILLS} kills (SIGKILL to the VIP's ${PATHS} BIRD paths restored)`,
    );
    console.log(
      `failover session: median ${median(toSession).toFixed(2)} s, max ${Math.max(...toSession).toFixed(2)} s (SIGKILL to BIRD's session with the floating IP Established again; lease duration 2 s)`,
    );
  } catch (error) {
    failed = true;
    console.log(`lab logs kept in ${lab.dir}`);
    throw error;
  } finally {
    await cluster.stop().catch(() => undefined);
    await lab.destroy(failed);
  }
}
