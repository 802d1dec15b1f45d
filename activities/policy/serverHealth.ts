import { ApplicationFailure } from '@temporalio/common';

export interface PolicyServerHealth {
  url: string;
  models: string[];
}

/** Lists the models an OpenAI-compatible server (vLLM or the local CPU server) serves. */
export async function checkPolicyServer(baseUrl: string): Promise<PolicyServerHealth> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v1/models`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`policy server ${url} answered HTTP ${response.status}`);
  const body = (await response.json()) as { data?: { id?: unknown }[] };
  if (!Array.isArray(body.data)) {
    throw ApplicationFailure.nonRetryable(`policy server ${url} returned no "data" list of models`, 'BadPolicyResponse');
  }
  return { url, models: body.data.map((m) => String(m.id)) };
}
