import type { InfraEndpoints } from '@fleet/infra';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of the local (or external) infrastructure, provided by the testkit globalSetup. */
    infra: InfraEndpoints;
  }
}
