import { NativeConnection } from '@temporalio/worker';

/** Where the Temporal service is: TEMPORAL_ADDRESS (default localhost:7233) and TEMPORAL_NAMESPACE. */
export function temporalAddress(): string {
  return process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
}

export function temporalNamespace(): string {
  return process.env.TEMPORAL_NAMESPACE ?? 'default';
}

export function connectWorker(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: temporalAddress() });
}
