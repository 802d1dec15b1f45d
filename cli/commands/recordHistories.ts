import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as workflows from '../../workflows';
import { connectClient } from '../client';

/**
 * `swe-rl record-histories --out DIR [--prefix ID] [--since ISO-TIME]`: for every workflow type the
 * workers register, the event history of its smallest completed (or continued-as-new) execution (whose id starts with
 * the prefix, started after `since`, when given: older executions ran older code) as DIR/<type>.json, the format the Temporal CLI and Web UI export. CI replays them
 * against the current code (test/unit/workflows/historyReplay.test.ts), so a change that would
 * break running workflows fails CI.
 */
export async function recordHistoriesCommand(options: { out: string; prefix?: string; since?: string }): Promise<number> {
  const { out, since } = options;
  const prefix = options.prefix ?? '';
  const after = since ? ` AND StartTime > "${new Date(since).toISOString()}"` : '';
  const client = await connectClient();
  mkdirSync(out, { recursive: true });
  let missing = 0;
  for (const type of Object.keys(workflows).sort()) {
    let best: { id: string; runId: string; events: number } | null = null;
    for await (const execution of client.workflow.list({ query: `WorkflowType="${type}" AND (ExecutionStatus="Completed" OR ExecutionStatus="ContinuedAsNew")${after}` })) {
      if (!execution.workflowId.startsWith(prefix)) continue;
      const events = execution.historyLength;
      if (!best || events < best.events) best = { id: execution.workflowId, runId: execution.runId, events };
    }
    if (!best) {
      console.error(`record-histories: no completed ${type} execution${prefix ? ` under ${prefix}` : ''}`);
      missing++;
      continue;
    }
    writeFileSync(path.join(out, `${type}.json`), exportHistory(best.id, best.runId));
    console.log(`${type}: ${best.id} (${best.events} events)`);
  }
  await client.connection.close();
  return missing ? 1 : 0;
}

/** The history as `temporal workflow show --output json` writes it: the format every Temporal tool reads. */
function exportHistory(workflowId: string, runId: string): string {
  const local = path.resolve(__dirname, '..', '..', '..', '.tools', 'bin', 'temporal');
  const binary = existsSync(local) ? local : 'temporal';
  const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const shown = spawnSync(binary, ['workflow', 'show', '--workflow-id', workflowId, '--run-id', runId, '--output', 'json', '--address', address], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (shown.status !== 0) throw new Error(`temporal workflow show ${workflowId} failed: ${shown.stderr || shown.error?.message}`);
  return shown.stdout;
}
