/** The Temporal namespace the CLI talks to (TEMPORAL_NAMESPACE, default `default`). */
export function temporalNamespace(): string {
  return process.env.TEMPORAL_NAMESPACE || 'default';
}

/** Where the Temporal Web UI answers (SWE_RL_WEB_UI, else localhost on TEMPORAL_UI_PORT). */
export function webUiUrl(): string {
  return process.env.SWE_RL_WEB_UI ?? `http://localhost:${process.env.TEMPORAL_UI_PORT ?? 8233}`;
}

/** The Web UI page of one workflow, in the configured namespace. */
export function workflowLink(workflowId: string, namespace = temporalNamespace()): string {
  return `${webUiUrl()}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
