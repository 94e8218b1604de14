/** Every adapter, by id. A provider missing here is a compile error in ProviderFactories. */
import { createDokuProvider } from './doku/index.js';
import { createIndodanaProvider } from './indodana/index.js';
import { createKomerceProvider } from './komerce/index.js';
import { createMidtransProvider } from './midtrans/index.js';
import type { ProviderFactories } from './registry.js';
import { createXenditProvider } from './xendit/index.js';

export const providerFactories: ProviderFactories = {
  doku: createDokuProvider,
  indodana: createIndodanaProvider,
  komerce: createKomerceProvider,
  xendit: createXenditProvider,
  midtrans: createMidtransProvider,
};
