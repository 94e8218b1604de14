/**
 * Every adapter, by id: one factory per provider id, so a missing adapter is a compile error here and routing can
 * never name a provider that does not exist. createApp (server/app.ts) builds the enabled ones from these.
 */
import type { ProviderId } from '../api-types.js';
import type { ProviderCredentials } from '../config.js';
import { createDokuProvider } from './doku/index.js';
import { createIndodanaProvider } from './indodana/index.js';
import { createKomerceProvider } from './komerce/index.js';
import { createMidtransProvider } from './midtrans/index.js';
import type { PaymentProvider, ProviderContext } from './types.js';
import { createXenditProvider } from './xendit/index.js';

type Factory<K extends ProviderId> = (creds: NonNullable<ProviderCredentials[K]>, ctx: ProviderContext) => PaymentProvider;
export type ProviderFactories = { [K in ProviderId]: Factory<K> };

export const providerFactories: ProviderFactories = {
  doku: createDokuProvider,
  indodana: createIndodanaProvider,
  komerce: createKomerceProvider,
  xendit: createXenditProvider,
  midtrans: createMidtransProvider,
};
