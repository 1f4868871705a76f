import { fileURLToPath } from 'node:url';
import type { StatsSnapshot } from '../../src/index.ts';

/** Where a service finds the services it calls; filled in once they listen. */
export interface Peers {
  orders?: string;
  payments?: string;
}

/** Messages between run-demo.ts and a service process (service-host.ts). */
export type HostMessage =
  | { type: 'ready'; url: string }
  | { type: 'peers'; peers: Peers }
  | { type: 'stop' }
  | { type: 'stopped'; stats: StatsSnapshot };

export const SERVICE_NAMES = ['gateway', 'orders', 'payments'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The sampling policy every service loads. */
export const CONFIG_PATH = fileURLToPath(new URL('../logweave.yaml', import.meta.url));

/** The entry point of a service process. */
export const SERVICE_HOST_PATH = fileURLToPath(new URL('./service-host.ts', import.meta.url));
