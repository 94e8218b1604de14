/**
 * What the emulated Komerce offers: the GET /api/v1/user/methods catalogue (providers.md §3.2). The emulator's
 * own copy, deliberately not shared with the adapter, so that a mistake on one side shows up as a failing test.
 *
 * The docs' sample lists BCA (10 000 – 999 999 999 999) and QRIS (10 000 – 10 000 000); the feature list names
 * "BNI, BCA, Mandiri, BRI, Permata, CIMB, BSI, BJB, etc.". [unconfirmed] bank codes other than BCA, and the
 * limits of banks other than BCA (we give them BCA's).
 */
export interface EmulatedMethod {
  payment_type: 'va' | 'qris';
  display_name: string;
  bank_code: string;
  logo_url: string;
  min_amount: number;
  max_amount: number;
  currency: 'IDR';
  /** Emulator only: first digits of issued VA numbers (made up; real prefixes are the banks'). */
  vaPrefix?: string;
}

const VA_MIN = 10_000;
const VA_MAX = 999_999_999_999;
const logo = (name: string) => `https://storage.googleapis.com/komerce/assets/logo/${name}.png`;

const bank = (code: string, display: string, vaPrefix: string): EmulatedMethod => ({
  payment_type: 'va',
  display_name: display,
  bank_code: code,
  logo_url: logo(code.toLowerCase()),
  min_amount: VA_MIN,
  max_amount: VA_MAX,
  currency: 'IDR',
  vaPrefix,
});

export const METHODS: readonly EmulatedMethod[] = [
  bank('BCA', 'Bank Central Asia', '39012'),
  bank('BNI', 'Bank Negara Indonesia', '8808'),
  bank('BRI', 'Bank Rakyat Indonesia', '26215'),
  bank('MANDIRI', 'Bank Mandiri', '88608'),
  bank('PERMATA', 'Bank Permata', '8625'),
  bank('CIMB', 'CIMB Niaga', '5919'),
  bank('BSI', 'Bank Syariah Indonesia', '9347'),
  bank('BJB', 'Bank BJB', '8017'),
  {
    payment_type: 'qris',
    display_name: 'QRIS',
    bank_code: '',
    logo_url: logo('qris'),
    min_amount: 10_000,
    max_amount: 10_000_000,
    currency: 'IDR',
  },
];

export const findBank = (code: string) => METHODS.find((m) => m.payment_type === 'va' && m.bank_code === code);
export const QRIS_METHOD = METHODS.find((m) => m.payment_type === 'qris')!;

/** The public part of a method, as GET /methods answers it. */
export const publicMethod = ({ vaPrefix: _prefix, ...m }: EmulatedMethod) => m;

/** QRIS windows are fixed at 5 minutes; VA windows default to [unconfirmed] 24 h and may not be under 1 h. */
export const QRIS_TTL_SECONDS = 300;
export const VA_DEFAULT_TTL_SECONDS = 86_400;
export const VA_MIN_TTL_SECONDS = 3600;

/** Fees for the status answer's settlement amount (§3.3 pricing): VA IDR 4 440 flat, QRIS 0.99 %. */
export const VA_FEE = 4440;
export const QRIS_FEE_RATE = 0.0099;
