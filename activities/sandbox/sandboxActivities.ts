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
import { EPISODE_LABEL, HOST_LABEL, KIND_LABEL, OWNER_LABEL, RUN_LABEL, SANDBOX_LABEL, WORKFLOW_RUN_LABEL, docker, isDockerStatus } from './dockerClient';
import { sandboxHostName, thisPlacement, type SandboxPlacement } from './sandboxHost';
import { withSandboxSlot } from './sandboxSlots';
import { slotFreed } from './slotSignal';
import { SANDBOX_USER, execArgv } from './execCommand';
import { diskLimitFor } from './diskLimit';
import { execContextLabels } from './execContext';

export function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InvalidInputError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidInput');
    throw err;
  }
}

export interface SandboxInfo extends SandboxPlacement {
  sandboxId: string;
  containerId: string;
  image: string;
  created: boolean;
}

/**
 * Creates and starts a hardened container named after the sandbox id, carrying its exec context
 * (user, working directory, activation) as labels for every later command. Idempotent: if the
 * container exists (a retried activity), it is started if needed and returned.
 */
export async function createSandbox(rawInput: CreateSandboxInput): Promise<SandboxInfo> {
  const input = validated(() => parseOrThrow(createSandboxInputSchema, rawInput, 'createSandbox input'));
  const existing = await inspectOrNull(input.sandboxId);
  if (existing) {
    if (!existing.State.Running) await docker().getContainer(existing.Id).start();
    return { sandboxId: input.sandboxId, containerId: existing.Id, image: existing.Config.Image, created: false, ...thisPlacement() };
  }
  // Episode sandboxes take one of the host's slots; gradings and one-off commands do not.
  return input.kind === 'episode' ? withSandboxSlot(() => createContainer(input)) : createContainer(input);
}

async function createContainer(input: ReturnType<typeof createSandboxInputSchema.parse>): Promise<SandboxInfo> {
  const existing = await inspectOrNull(input.sandboxId);
  if (existing) return { sandboxId: input.sandboxId, containerId: existing.Id, image: existing.Config.Image, created: false, ...thisPlacement() };
  const { limits } = input;
  try {
    const disk = await diskLimitFor(input.image, limits.diskMb);
    const container = await docker().createContainer({
      name: input.sandboxId,
      Image: input.image,
      Entrypoint: ['sleep'],
      Cmd: ['infinity'],
      User: input.exec?.user ?? SANDBOX_USER,
      WorkingDir: input.exec?.workdir ?? '/testbed',
      Labels: { ...ownerLabels(input), ...disk.labels, ...execContextLabels(input.exec) },
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
        ...disk.hostConfig,
      },
    });
    await container.start();
    return { sandboxId: input.sandboxId, containerId: container.id, image: input.image, created: true, ...thisPlacement() };
  } catch (err) {
    if (isDockerStatus(err, 409)) {
      // A concurrent retry won the name: that container is this sandbox.
      const winner = await inspectOrNull(input.sandboxId);
      if (winner) return { sandboxId: input.sandboxId, containerId: winner.Id, image: winner.Config.Image, created: false, ...thisPlacement() };
    }
    if (isDockerStatus(err, 404)) {
      throw ApplicationFailure.nonRetryable(
        `sandbox image ${input.image} not found on this Docker host; build it with infra/sandbox-image.sh`,
        'SandboxImageMissing',
      );
    }
    throw err;
  }
}

/** Runs one shell command in the sandbox as its exec user, in its environment; killed at the timeout. */
export async function execInSandbox(rawInput: ExecInput): Promise<ExecResult> {
  const input = validated(() => parseOrThrow(execInputSchema, rawInput, 'execInSandbox input'));
  return execArgv(input.sandboxId, ['bash', '-c', input.command], {
    timeoutSeconds: input.timeoutSeconds,
    maxOutputBytes: input.maxOutputBytes,
    workdir: input.workdir,
  });
}

/** Removes the sandbox container. Idempotent: a missing container is already destroyed. */
export async function destroySandbox(sandboxId: string): Promise<{ removed: boolean; host: string }> {
  validated(() => parseOrThrow(sandboxIdSchema, sandboxId, 'sandboxId'));
  const host = sandboxHostName();
  try {
    await docker().getContainer(sandboxId).remove({ force: true, v: true });
    slotFreed.release();
    return { removed: true, host };
  } catch (err) {
    if (isDockerStatus(err, 404)) return { removed: false, host };
    if (isDockerStatus(err, 409)) return { removed: false, host }; // removal already in progress
    throw err;
  }
}

export interface SandboxListing {
  id: string;
  name: string;
  runId: string;
  episodeId: string;
  /** The owning workflow's run, when the container was made by an activity. */
  workflowRunId?: string;
  kind: string;
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

/**
 * Who keeps a sandbox alive, as labels for the reaper. Inside an activity the owner is the calling
 * workflow (the episode, also for its grading container) and its run; outside, this process.
 */
function ownerLabels(input: CreateSandboxInput & { sandboxId: string }): Record<string, string> {
  let workflowRunId = input.workflowRunId;
  let episodeId = input.episodeId;
  try {
    const execution = Context.current().info.workflowExecution;
    if (execution) {
      workflowRunId ??= execution.runId;
      if (input.kind === 'grading') episodeId = execution.workflowId;
    }
  } catch {
    // Called by a CLI command: the owner is the process.
  }
  return {
    [SANDBOX_LABEL]: '1',
    [RUN_LABEL]: input.runId,
    [EPISODE_LABEL]: episodeId,
    [OWNER_LABEL]: input.owner ?? owner(),
    [KIND_LABEL]: input.kind ?? 'command',
    [HOST_LABEL]: sandboxHostName(),
    ...(workflowRunId ? { [WORKFLOW_RUN_LABEL]: workflowRunId } : {}),
  };
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
    workflowRunId: c.Labels[WORKFLOW_RUN_LABEL],
    kind: c.Labels[KIND_LABEL] ?? 'episode',
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
