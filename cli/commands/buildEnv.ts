import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from '../../core/environment/resolveEnvironment';
import { runWithConcurrency } from '../../core/runWithConcurrency';
import type { Task } from '../../core/tasks/taskSchema';
import { ensureEnvironmentImage, resolveTaskEnvironment, type EnsureStatus } from '../../activities/sandbox/environmentImages';
import { readTaskFile } from '../taskFiles';

/**
 * `swe-rl build-env FILE [--repos DIR] [--only IDS] [--concurrency K] [--out DIR]`: builds or pulls
 * every environment the tasks need, once each, ahead of a run; a progress line per environment, a
 * summary, and report.json. Exits 1 when any environment could not be had.
 */
export interface BuildEnvOptions {
  file: string;
  repos?: string;
  /** Comma-separated instance ids. */
  only?: string;
  concurrency?: number;
  out?: string;
}

interface EnvironmentGroup {
  environment: Environment;
  tasks: Task[];
}

interface EnvironmentReport {
  key: string | null;
  image: string;
  source: string;
  repo: string;
  instances: string[];
  status: EnsureStatus | 'failed';
  seconds: number;
  warnings: string[];
  error?: string;
}

export async function buildEnvCommand(options: BuildEnvOptions): Promise<number> {
  const { file } = options;
  const reposDir = options.repos ? path.resolve(options.repos) : undefined;
  const outDir = path.resolve(options.out ?? path.join('.data', 'environments', path.basename(file).replace(/(#.*)?$/, '').replace(/\.[a-z]+$/i, '')));
  const loaded = await readTaskFile(file);
  if (loaded.errors.length) console.error(`${loaded.errors.length} malformed records:\n${loaded.report}`);
  const only = options.only?.split(',').filter(Boolean);
  if (only) {
    const missing = only.filter((id) => !loaded.tasks.some((t) => t.instance_id === id));
    if (missing.length) throw new Error(`--only names tasks not in ${file}: ${missing.join(', ')}`);
  }
  const tasks = only ? loaded.tasks.filter((t) => only.includes(t.instance_id)) : loaded.tasks;

  const started = Date.now();
  const groups = new Map<string, EnvironmentGroup>();
  const unresolved: EnvironmentReport[] = [];
  for (const task of tasks) {
    let environment: Environment;
    try {
      environment = await resolveTaskEnvironment(task);
    } catch (err) {
      unresolved.push(failedReport(task, (err as Error).message));
      continue;
    }
    const group = groups.get(environment.image) ?? { environment, tasks: [] };
    group.tasks.push(task);
    groups.set(environment.image, group);
  }

  const list = [...groups.values()];
  const total = list.length + unresolved.length;
  unresolved.forEach((report, i) => console.error(`[${i + 1}/${total}] ${report.repo} ${report.instances[0]}: FAILED: ${report.error}`));
  let done = unresolved.length;
  const reports = await runWithConcurrency(list, options.concurrency ?? 2, async (group): Promise<EnvironmentReport> => {
    const first = group.tasks[0];
    const label = `${first.repo} ${environmentLabel(group.environment.fallback ?? group.environment)}`;
    const instances = group.tasks.map((t) => t.instance_id);
    const groupStarted = Date.now();
    let report: EnvironmentReport;
    try {
      const ensured = await ensureEnvironmentImage(group.environment, { reposDir, log: (line) => console.error(`    ${label}: ${line}`) });
      const env = ensured.environment;
      report = {
        key: env.envKey ?? null,
        image: env.image,
        source: env.source,
        repo: first.repo,
        instances,
        status: ensured.status,
        seconds: round((Date.now() - groupStarted) / 1000),
        warnings: ensured.warnings,
      };
    } catch (err) {
      report = { ...failedReport(first, (err as Error).message, group.environment), instances, seconds: round((Date.now() - groupStarted) / 1000) };
    }
    done++;
    const outcome = report.status === 'failed' ? `FAILED: ${report.error?.replace(/\n/g, '\n    ')}` : report.status === 'cached' ? 'cached' : `${report.status} in ${report.seconds.toFixed(1)}s`;
    console.error(`[${done}/${total}] ${first.repo} ${environmentLabel({ envKey: report.key ?? undefined, image: report.image })}: ${outcome}`);
    for (const warning of report.warnings) console.error(`    unsupported: ${warning}`);
    return report;
  });

  const environments = [...unresolved, ...reports];
  const count = (status: EnvironmentReport['status']) => environments.filter((e) => e.status === status).length;
  const summary = {
    file,
    tasks: tasks.length,
    malformed: loaded.errors.length,
    seconds: round((Date.now() - started) / 1000),
    built: count('built'),
    cached: count('cached'),
    pulled: count('pulled'),
    failed: count('failed'),
    environments,
    instances: Object.fromEntries(
      environments.flatMap((e) => e.instances.map((id) => [id, { key: e.key, image: e.image, source: e.source, status: e.status }])),
    ),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(summary, null, 2));
  console.log(
    `${environments.length} environments for ${tasks.length} tasks: ${summary.built} built, ${summary.cached} cached, ${summary.pulled} pulled, ` +
      `${summary.failed} failed in ${summary.seconds}s; wrote ${path.join(outDir, 'report.json')}`,
  );
  return summary.failed > 0 ? 1 : 0;
}

function environmentLabel(env: { envKey?: string; image: string }): string {
  return env.envKey ? `env ${env.envKey.slice(0, 6)}` : `image ${env.image}`;
}

function failedReport(task: Task, error: string, env?: Environment): EnvironmentReport {
  // A published image that could not be pulled fell back to its local build: that one failed last.
  const tried = env?.fallback ?? env;
  return {
    key: tried?.envKey ?? null,
    image: tried?.image ?? '',
    source: env?.source ?? 'unresolved',
    repo: task.repo,
    instances: [task.instance_id],
    status: 'failed',
    seconds: 0,
    warnings: env?.build?.unsupported ?? [],
    error,
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
