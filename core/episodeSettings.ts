import type { EpisodeInput } from './episodeInput';
import { policyCheckpointPath, policyName } from './policy/policyName';
import type { RunConfig } from './runConfig';
import { toRequestSampling } from './config/runSampling';

export type SharedEpisodeInput = Omit<EpisodeInput, 'task' | 'episodeKey' | 'sample' | 'attempt'>;

/** A served policy: its name and the weights a server that lacks it loads. */
export interface PolicyRef {
  name: string;
  checkpointPath: string;
}

/**
 * Episode settings every sample of a phase shares, from the run config and the phase's limits.
 * Episodes sample the run's policy at `policyVersion` (`<run>@step-N`) unless `policy` names
 * another one (an evaluated checkpoint).
 */
export function sharedEpisodeInput(
  config: RunConfig,
  limits: { maxTurns: number; contextTokens: number; maxTokensPerTurn: number },
  policyVersion: number,
  policy?: PolicyRef,
): SharedEpisodeInput {
  const served = policy ?? {
    name: policyName(config.runId, policyVersion),
    checkpointPath: policyCheckpointPath(config.runsDir, config.runId, policyVersion, config.model.basePath),
  };
  return {
    runsDir: config.runsDir,
    runId: config.runId,
    reposDir: config.tasks.reposDir,
    image: config.sandbox.image,
    sandboxLimits: config.sandbox.limits,
    hostTimeoutSeconds: config.sandbox.hostTimeoutSeconds,
    policy: {
      serverUrl: config.policyServer.url,
      model: served.name,
      checkpointPath: served.checkpointPath,
      sampling: toRequestSampling(config.sampling),
      requestTimeoutSeconds: config.policyServer.requestTimeoutSeconds,
      expectedPolicyVersion: policyVersion,
      ...(config.policyServer.tokenIn ? { tokenIn: true } : {}),
    },
    promptStyle: config.agent.promptStyle,
    limits: {
      maxTurns: limits.maxTurns,
      contextTokens: limits.contextTokens,
      maxTokensPerTurn: limits.maxTokensPerTurn,
      commandTimeoutSeconds: config.sandbox.commandTimeoutSeconds,
      maxObservationChars: config.sandbox.maxObservationChars,
      testTimeoutSeconds: config.sandbox.testTimeoutSeconds,
    },
  };
}

