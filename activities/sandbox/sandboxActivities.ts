import { ApplicationFailure } from '@temporalio/common';
import {
  createSandboxInputSchema,
  execInputSchema,
  sandboxIdSchema,
  type CreateSandboxInput,
  type ExecInput,
  type ExecResult,
} from '../../core/sandboxSpec';
import { InvalidInputError, parseOrThrow } from '../../core/validation';
import { Context } from '@temporalio/activity';
import { EPISODE_LABEL, OWNER_LABEL, RUN_LABEL, SANDBOX_LABEL, docker, isDockerStatus } from './dockerClient';
import { SANDBOX_USER, execArgv } from './execCommand';

export function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidInputError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidInput');
    throw err;
  }
}

export interface SandboxInfo {
  sandboxId: string;
  containerId: string;
  image: string;
  created: boolean;
}

/**
 * Creates and starts a hardened container named after the sandbox id. Idempotent: if the
 * container exists (a retried activity), it is started if needed and returned.
 */
export async function createSandbox(rawInput: CreateSandboxInput): Promise<SandboxInfo> {
  const input = validated(() => parseOrThrow(createSandboxInputSchema, rawInput, 'createSandbox input'));
  const existing = await inspectOrNull(input.sandboxId);
  if (existing) {
    if (!existing.State.Running) await docker().getContainer(existing.Id).start();
    return { sandboxId: input.sandboxId, containerId: existing.Id, image: existing.Config.Image, created: false };
  }
  const { limits } = input;
  try {
    const container = await docker().createContainer({
      name: input.sandboxId,
      Image: input.image,
      Entrypoint: ['sleep'],
      Cmd: ['infinity'],
      User: SANDBOX_USER,
      WorkingDir: '/testbed',
      Labels: { [SANDBOX_LABEL]: '1', [RUN_LABEL]: input.runId, [EPISODE_LABEL]: input.episodeId, [OWNER_LABEL]: input.owner ?? owner() },
      NetworkDisabled: !limits.network,
      HostConfig: {
        NetworkMode: limits.network ? 'bridge' : 'none',
        Memory: limits.memoryMb * 1024 * 1024,
        MemorySwap: limits.memoryMb * 1024 * 1024,
        NanoCpus: Math.round(limits.cpus * 1e9),
        PidsLimit: limits.pids,
        Privileged: false,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        AutoRemove: false,
      },
    });
    await container.start();
    return { sandboxId: input.sandboxId, containerId: container.id, image: input.image, created: true };
  } catch (err) {
    if (isDockerStatus(err, 409)) return createSandbox(rawInput); // a concurrent retry won the name
    if (isDockerStatus(err, 404)) {
      throw ApplicationFailure.nonRetryable(
        `sandbox image ${input.image} not found on this Docker host; build it with infra/sandbox-image.sh`,
        'SandboxImageMissing',
      );
    }
    throw err;
  }
}

/** Runs one shell command in the sandbox as the unprivileged user; killed at the timeout. */
export async function execInSandbox(rawInput: ExecInput): Promise<ExecResult> {
  const input = validated(() => parseOrThrow(execInputSchema, rawInput, 'execInSandbox input'));
  return execArgv(input.sandboxId, ['bash', '-c', input.command], {
    timeoutSeconds: input.timeoutSeconds,
    maxOutputBytes: input.maxOutputBytes,
    workdir: input.workdir,
  });
}

/** Removes the sandbox container. Idempotent: a missing container is already destroyed. */
export async function destroySandbox(sandboxId: string): Promise<{ removed: boolean }> {
  validated(() => parseOrThrow(sandboxIdSchema, sandboxId, 'sandboxId'));
  try {
    await docker().getContainer(sandboxId).remove({ force: true, v: true });
    return { removed: true };
  } catch (err) {
    if (isDockerStatus(err, 404)) return { removed: false };
    if (isDockerStatus(err, 409)) return { removed: false }; // removal already in progress
    throw err;
  }
}

export interface SandboxListing {
  id: string;
  name: string;
  runId: string;
  episodeId: string;
  owner: string;
  createdAt: number;
}

function owner(): string {
  try {
    Context.current();
    return 'workflow';
  } catch {
    return `pid:${process.pid}`;
  }
}

/** Lists sandbox containers, optionally only those of one run. */
export async function listSandboxes(runId?: string): Promise<SandboxListing[]> {
  const labels = [SANDBOX_LABEL + '=1', ...(runId ? [`${RUN_LABEL}=${runId}`] : [])];
  const containers = await docker().listContainers({ all: true, filters: { label: labels } });
  return containers.map((c) => ({
    id: c.Id,
    name: c.Names[0]?.replace(/^\//, '') ?? c.Id,
    runId: c.Labels[RUN_LABEL],
    episodeId: c.Labels[EPISODE_LABEL],
    owner: c.Labels[OWNER_LABEL] ?? 'workflow',
    createdAt: c.Created * 1000,
  }));
}

async function inspectOrNull(name: string) {
  try {
    return await docker().getContainer(name).inspect();
  } catch (err) {
    if (isDockerStatus(err, 404)) return null;
    throw err;
  }
}
