// Removal of what a run left in Docker: its containers (a paused one resumed first), volumes and
// network, found by the run's label (or every faultline resource). Used by a cluster's teardown
// and by `faultline sweep`.

import type Docker from 'dockerode';
import { isGoneOrUnchanged, RUN_LABEL } from './engine.js';

/** Removes every container, volume and network labelled with the run (or all faultline ones). */
export async function removeRun(d: Docker, runId?: string, networkLingerMs = 0): Promise<{ containers: number; volumes: number; networks: number }> {
  const filter = JSON.stringify({ label: [runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL] });
  const cs = await d.listContainers({ all: true, filters: filter });
  await Promise.all(
    cs.map(async (c) => {
      try {
        // A paused node is resumed before it is killed (its processes get their SIGKILL awake).
        if (c.State === 'paused') await d.getContainer(c.Id).unpause().catch(() => undefined);
        await d.getContainer(c.Id).remove({ force: true, v: true });
      } catch (e) {
        if (!isGoneOrUnchanged(e) && !/already in progress/.test(String((e as Error)?.message))) throw e;
      }
    }),
  );
  const vs = (await d.listVolumes({ filters: filter })).Volumes ?? [];
  await Promise.all(
    vs.map(async (v) => {
      try {
        await d.getVolume(v.Name).remove();
      } catch (e) {
        if (!isGoneOrUnchanged(e)) throw e;
      }
    }),
  );
  const ns = await d.listNetworks({ filters: filter });
  if (ns.length && cs.length && networkLingerMs > 0) await new Promise((r) => setTimeout(r, networkLingerMs));
  for (const n of ns) {
    try {
      await d.getNetwork(n.Id).remove();
    } catch (e) {
      if (!isGoneOrUnchanged(e)) throw e;
    }
  }
  return { containers: cs.length, volumes: vs.length, networks: ns.length };
}
