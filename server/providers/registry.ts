/**
 * The typed provider registry: one factory per provider id, so a missing adapter is a compile error and
 * routing can never name a provider that does not exist.
 */
import type { ProviderId } from '../api-types.js';
import type { ProviderCredentials } from '../config.js';
import type { PaymentProvider, ProviderContext } from './types.js';

type Factory<K extends ProviderId> = (creds: NonNullable<ProviderCredentials[K]>, ctx: ProviderContext) => PaymentProvider;
export type ProviderFactories = { [K in ProviderId]: Factory<K> };

export class ProviderRegistry {
  private readonly providers = new Map<ProviderId, PaymentProvider>();

  constructor(factories: Partial<ProviderFactories>, creds: ProviderCredentials, ctx: ProviderContext) {
    for (const id of Object.keys(factories) as ProviderId[]) {
      const c = creds[id];
      const f = factories[id] as Factory<typeof id> | undefined;
      if (c && f) this.providers.set(id, f(c as never, ctx));
    }
  }

  get(id: ProviderId): PaymentProvider | undefined {
    return this.providers.get(id);
  }

  require(id: ProviderId): PaymentProvider {
    const p = this.providers.get(id);
    if (!p) throw new Error(`provider ${id} is not enabled`);
    return p;
  }

  enabled(): PaymentProvider[] {
    return [...this.providers.values()];
  }
}
