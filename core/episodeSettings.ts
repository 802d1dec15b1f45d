import type { EpisodeInput } from './episodeInput';
import type { RunConfig } from './runConfig';

export type SharedEpisodeInput = Omit<EpisodeInput, 'task' | 'episodeKey' | 'sample' | 'attempt'>;

/** Episode settings every sample of a phase shares, from the run config and the phase's limits. */
export function sharedEpisodeInput(
  config: RunConfig,
  limits: { maxTurns: number; contextTokens: number; maxTokensPerTurn: number },
  policyVersion: number,
): SharedEpisodeInput {
  return {
    runsDir: config.runsDir,
    runId: config.runId,
    reposDir: config.tasks.reposDir,
    image: config.sandbox.image,
    sandboxLimits: config.sandbox.limits,
    hostTimeoutSeconds: config.sandbox.hostTimeoutSeconds,
    policy: {
      serverUrl: config.policyServer.url,
      model: config.model.servedName,
      sampling: config.sampling,
      requestTimeoutSeconds: config.policyServer.requestTimeoutSeconds,
      expectedPolicyVersion: policyVersion,
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

