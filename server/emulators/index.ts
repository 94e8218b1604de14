/** Every emulator, by provider id, built with the credentials the companion's adapters use in sandbox mode. */
import type { ProviderId } from '../api-types.js';
import type { ProviderCredentials } from '../config.js';
import { createDokuEmulator } from './doku/index.js';
import { createIndodanaEmulator } from './indodana/index.js';
import { createKomerceEmulator } from './komerce/index.js';
import { createMidtransEmulator } from './midtrans/index.js';
import type { Emulator, EmulatorOptions } from './types.js';
import { createXenditEmulator } from './xendit/index.js';

export function createEmulators(
  creds: ProviderCredentials,
  opts: (id: ProviderId) => EmulatorOptions,
  only: ProviderId[],
): Map<ProviderId, Emulator> {
  const out = new Map<ProviderId, Emulator>();
  const want = (id: ProviderId) => only.includes(id);
  if (want('doku') && creds.doku) out.set('doku', createDokuEmulator(creds.doku, opts('doku')));
  if (want('indodana') && creds.indodana) out.set('indodana', createIndodanaEmulator(creds.indodana, opts('indodana')));
  if (want('komerce') && creds.komerce) out.set('komerce', createKomerceEmulator(creds.komerce, opts('komerce')));
  if (want('xendit') && creds.xendit) out.set('xendit', createXenditEmulator(creds.xendit, opts('xendit')));
  if (want('midtrans') && creds.midtrans) out.set('midtrans', createMidtransEmulator(creds.midtrans, opts('midtrans')));
  return out;
}
