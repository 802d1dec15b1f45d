import { ApplicationFailure } from '@temporalio/common';

export interface LoadPolicyInput {
  serverUrl: string;
  /** The name to serve it under, `<run>@step-000004`. */
  policy: string;
  checkpointPath: string;
  policyVersion?: number;
  timeoutSeconds?: number;
}

export interface LoadedPolicy {
  policy: string;
  path: string;
  policyVersion: number;
  /** False when the server already served these weights under this name. */
  loaded: boolean;
}

/**
 * Asks a policy server to serve a checkpoint under a name (`POST /admin/load_checkpoint`); harmless
 * to repeat. A refusal (4xx: another path under that name, a missing checkpoint, a server without
 * the route such as vLLM) is non-retryable `PolicyLoadRefused`; 5xx or no answer is retryable.
 */
export async function loadPolicy(input: LoadPolicyInput): Promise<LoadedPolicy> {
  const url = `${input.serverUrl.replace(/\/+$/, '')}/admin/load_checkpoint`;
  const what = `policy ${input.policy} from ${input.checkpointPath}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: input.checkpointPath, policy: input.policy, policy_version: input.policyVersion ?? 0 }),
      signal: AbortSignal.timeout((input.timeoutSeconds ?? 600) * 1000),
    });
  } catch (err) {
    throw ApplicationFailure.retryable(`policy server ${url} unreachable while loading ${what}: ${(err as Error).message}`, 'PolicyServerUnavailable');
  }
  const text = await response.text();
  if (response.status >= 400 && response.status < 500) {
    throw ApplicationFailure.nonRetryable(`policy server ${url} refused to load ${what}: HTTP ${response.status}: ${text.slice(0, 1000)}`, 'PolicyLoadRefused');
  }
  if (!response.ok) {
    throw ApplicationFailure.retryable(`policy server ${url} failed to load ${what}: HTTP ${response.status}: ${text.slice(0, 500)}`, 'PolicyServerUnavailable');
  }
  const body = parseJson(text) as { policy?: unknown; path?: unknown; policy_version?: unknown; loaded?: unknown };
  return {
    policy: typeof body.policy === 'string' ? body.policy : input.policy,
    path: typeof body.path === 'string' ? body.path : input.checkpointPath,
    policyVersion: typeof body.policy_version === 'number' ? body.policy_version : (input.policyVersion ?? 0),
    loaded: body.loaded !== false,
  };
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}
