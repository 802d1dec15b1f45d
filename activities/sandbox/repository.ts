import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import * as tar from 'tar-stream';
import { repoFolderName, type Task } from '../../core/tasks/taskSchema';
import { execArgv } from './execCommand';
import { putArchive } from './files';

export type RepoTask = Pick<Task, 'instance_id' | 'repo' | 'base_commit' | 'image'>;

export interface RepositoryOptions {
  /** The sandbox's image already holds the repository at base_commit (published images). */
  repoInImage?: boolean;
  /** The image, for messages. */
  image?: string;
  /** Owner of the checkout: the sandbox's exec user (default 1000). */
  uid?: number;
}

/**
 * Puts the task's repository at /testbed, at base_commit, as a fresh one-commit git repository
 * (no history: later commits could hold the fix), owned by the sandbox's exec user. The source is
 * `reposDir/owner__name`; when the environment's image holds the repository (or, without an
 * environment, when no reposDir is given and the task names an image), that one is checked instead.
 */
export async function prepareRepository(sandboxId: string, task: RepoTask, reposDir?: string, options: RepositoryOptions = {}): Promise<{ head: string }> {
  const inImage = options.repoInImage ?? (!reposDir && Boolean(task.image));
  if (inImage) {
    const image = options.image ?? task.image;
    const head = await git(sandboxId, 'git rev-parse HEAD');
    if (!head.startsWith(task.base_commit)) {
      throw ApplicationFailure.nonRetryable(
        `task ${task.instance_id}: /testbed in image ${image} is at ${head}, not base_commit ${task.base_commit}`,
        'InvalidInput',
      );
    }
    return { head };
  }
  if (!reposDir) {
    throw ApplicationFailure.nonRetryable(
      `task ${task.instance_id}: no image holds its repository and no repos folder was given (--repos DIR)`,
      'InvalidInput',
    );
  }
  const hostRepo = path.join(reposDir, repoFolderName(task.repo));
  if (!existsSync(path.join(hostRepo, '.git')) && !existsSync(path.join(hostRepo, 'HEAD'))) {
    throw ApplicationFailure.nonRetryable(
      `task ${task.instance_id}: ${hostRepo} is not a git repository (expected --repos DIR to hold ${repoFolderName(task.repo)})`,
      'InvalidInput',
    );
  }
  assertCommitExists(hostRepo, task.base_commit, task.instance_id);
  await putArchive(sandboxId, '/testbed', owned(gitArchive(hostRepo, task.base_commit, task.instance_id), options.uid ?? 1000));
  const head = await git(
    sandboxId,
    'git init -q && git add -A && git -c user.name=swe-rl -c user.email=swe-rl@localhost ' +
      `commit -q --no-verify --allow-empty -m "base ${task.base_commit.slice(0, 12)}" && git rev-parse HEAD`,
  );
  return { head };
}

async function git(sandboxId: string, script: string): Promise<string> {
  const result = await execArgv(sandboxId, ['bash', '-c', script], { timeoutSeconds: 120, maxOutputBytes: 20_000 });
  if (result.exitCode !== 0) throw new Error(`in sandbox ${sandboxId}: \`${script}\` failed: ${result.output.trim()}`);
  return result.output.trim().split('\n').pop() ?? '';
}

function assertCommitExists(repo: string, commit: string, instanceId: string): void {
  const check = spawnSync('git', ['-C', repo, 'cat-file', '-e', `${commit}^{commit}`], { encoding: 'utf8' });
  if (check.status !== 0) {
    throw ApplicationFailure.nonRetryable(
      `task ${instanceId}: cannot read base_commit ${commit} from ${repo}: ${check.stderr.trim() || 'no such commit'}`,
      'InvalidInput',
    );
  }
}

/** `git archive` of one commit as a tar stream; a missing commit is a non-retryable task error. */
function gitArchive(repo: string, commit: string, instanceId: string): Readable {
  const child = spawn('git', ['-C', repo, 'archive', '--format=tar', `${commit}^{commit}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('close', (code) => {
    if (code !== 0) {
      child.stdout.destroy(
        ApplicationFailure.nonRetryable(
          `task ${instanceId}: cannot read base_commit ${commit} from ${repo}: ${stderr.trim()}`,
          'InvalidInput',
        ),
      );
    }
  });
  return child.stdout;
}

/**
 * Rewrites a tar stream's owners, so the unprivileged sandbox user owns the checkout. When the
 * upload ends early (the engine stopped mid-upload and the request destroyed the stream), the
 * rest of the source is dropped: adding an entry to a destroyed pack throws, and thrown from a
 * stream event it would crash the whole sandbox worker.
 */
export function owned(source: Readable, uid: number): NodeJS.ReadableStream {
  const extract = tar.extract();
  const pack = tar.pack();
  let closed = false;
  const stop = (err?: Error) => {
    if (closed) return;
    closed = true;
    source.unpipe(extract);
    source.destroy();
    extract.destroy();
    if (err) pack.destroy(err);
  };
  pack.on('close', () => stop());
  extract.on('entry', (header, stream, next) => {
    // An entry cut off with the upload errors too; nobody else listens to it.
    stream.on('error', (err: Error) => stop(err));
    if (closed) return stream.resume();
    try {
      stream.pipe(pack.entry({ ...header, uid, gid: uid, uname: 'agent', gname: 'agent' }, next));
    } catch (err) {
      stream.resume();
      stop(err as Error);
    }
  });
  extract.on('finish', () => {
    if (!closed) pack.finalize();
  });
  extract.on('error', (err) => stop(err));
  source.on('error', (err) => stop(err));
  source.pipe(extract);
  return pack as unknown as NodeJS.ReadableStream;
}
