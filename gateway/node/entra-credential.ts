/**
 * Microsoft Entra ID for the upstream: `DefaultAzureCredential`, loaded only when an engine
 * without `api_key` first needs a token (most deployments never load @azure/identity).
 */
import type { TokenSource } from '../realtime/token-cache.js';

/** A TokenSource backed by a lazily created DefaultAzureCredential. */
export function createDefaultCredential(): TokenSource {
  let credential: TokenSource | undefined;
  return {
    async getToken(scopes, options) {
      if (!credential) {
        const { DefaultAzureCredential } = await import('@azure/identity');
        credential = new DefaultAzureCredential();
      }
      return credential.getToken(scopes, options);
    },
  };
}
