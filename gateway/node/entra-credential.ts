/**
 * Microsoft Entra ID for the upstream and for Azure AI Search: one `DefaultAzureCredential`,
 * loaded only when an engine or a site without `api_key` first needs a token (most deployments
 * never load @azure/identity).
 */
import type { TokenCredential } from '@azure/identity';

/** A TokenCredential backed by a lazily created DefaultAzureCredential. */
export function createDefaultCredential(): TokenCredential {
  let credential: TokenCredential | undefined;
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
