// Temporal's overhead per agent turn in episodes that already ran (any run, any server), read from
// their histories: the median and p99, and the median of each part (activity queue, workflow task
// queue, workflow task on the worker, the rest). For a run's figures after the fact, e.g. the
// iteration benchmark's private server started again on its database file.
// Usage: node dist/bench/runOverhead.js [--address HOST:PORT] [--query VISIBILITY_QUERY] [--limit N]
// The last line printed is one JSON object with the figures.
import { Client, Connection } from '@temporalio/client';
import { fetchHistory, medianParts, quantile, turnOverheadPartsMs, turnOverheadsMs } from './iteration/historyFigures';

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const address = option(args, '--address', process.env.TEMPORAL_ADDRESS ?? 'localhost:7233');
  const query = option(args, '--query', "WorkflowType='episode' AND ExecutionStatus='Completed'");
  const limit = Number(option(args, '--limit', '500'));
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, got ${option(args, '--limit', '')}`);
  const client = new Client({ connection: await Connection.connect({ address }) });
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query })) {
    ids.push(wf.workflowId);
    if (ids.length >= limit) break;
  }
  if (ids.length === 0) throw new Error(`no workflow matches ${query} on ${address}`);
  const overheads: number[] = [];
  const parts = [];
  for (const id of ids) {
    const { events } = await fetchHistory(client, id, 'episode');
    overheads.push(...turnOverheadsMs(events));
    parts.push(...turnOverheadPartsMs(events));
  }
  await client.connection.close();
  const figures = {
    workflows: ids.length,
    turns: overheads.length,
    turnOverheadMsMedian: quantile(overheads, 0.5),
    turnOverheadMsP99: quantile(overheads, 0.99),
    turnOverheadPartsMsMedian: medianParts(parts),
  };
  console.log(`${figures.workflows} workflows, ${figures.turns} turns: overhead median ${figures.turnOverheadMsMedian} ms, p99 ${figures.turnOverheadMsP99} ms`);
  const m = figures.turnOverheadPartsMsMedian;
  console.log(`parts, median per turn (ms): activity queue ${m.activityQueue}, workflow task queue ${m.workflowTaskQueue}, workflow task on the worker ${m.workflowTaskOnWorker}, other ${m.other}`);
  console.log(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
