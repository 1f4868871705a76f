import { installReleaseNotifier } from '../context/release-notifier.ts';
import { registerSignalSecret } from '../context/signal-secret.ts';

/**
 * With a signal secret: keep tokens are believed, release calls are answered (by the HTTP
 * integrations) and sent when a trace fails here. Returns what undoes it at shutdown.
 */
export function startSignals(secret: string | undefined, report: (message: string) => void): () => void {
  if (secret === undefined) return () => undefined;
  const unregister = registerSignalSecret(secret);
  const uninstall = installReleaseNotifier(report);
  return () => {
    uninstall();
    unregister();
  };
}
