/**
 * Erasing a customer's personal data (UU No. 27/2022 on Personal Data Protection: keep it no longer than needed)
 * from what the ledger stored beside a payment — the raw provider events, merchant notification bodies, history
 * snapshots and replayable API answers — while amounts, references, statuses and history stay for the financial
 * record. Pure functions: both stores run them over their rows.
 *
 * Two passes over stored text: every value the payment's customer gave (name, email, phone in the spellings
 * providers use: 0812…, 62812…, +62812…), and fields that name a person in any provider's payload (email, phone,
 * first/last name…), whatever their value, since a provider may have normalised what it echoes back.
 */
export const ERASED = '[erased]';

/** Keys that hold a person's data in provider payloads and notification bodies. */
const PERSONAL_KEYS = /^(e?mail|email_address|payer_email|customer_email|phone|phone_number|mobile|mobile_number|msisdn|customer_phone|customer_name|full_name|first_name|last_name|given_names|surname|middle_name|billing_address|shipping_address|address)$/i;

export interface CustomerLike {
  name?: string;
  email?: string;
  phone?: string;
}

/** Digits of a phone number in the forms Indonesian numbers are written: 0812…, 62812… */
export function phoneForms(phone: string): string[] {
  const d = phone.replace(/\D/g, '');
  if (d.length < 6) return [];
  if (d.startsWith('62')) return [d, `0${d.slice(2)}`];
  if (d.startsWith('0')) return [d, `62${d.slice(1)}`];
  return [d];
}

/** The strings to look for: each at least 3 characters, so erasing never shreds unrelated text. */
export function needlesFor(c: CustomerLike): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    const t = v?.trim();
    if (!t || t.length < 3) return;
    out.add(t);
    out.add(t.toLowerCase());
    out.add(encodeURIComponent(t));
    out.add(encodeURIComponent(t).replace(/%20/g, '+'));
    out.add(JSON.stringify(t).slice(1, -1));
  };
  add(c.name);
  add(c.email);
  for (const f of c.phone ? phoneForms(c.phone) : []) add(f);
  return [...out].filter((n) => n.length >= 3).sort((a, b) => b.length - a.length);
}

function scrubString(s: string, needles: string[]): string {
  let out = s;
  for (const n of needles) if (out.includes(n)) out = out.split(n).join(ERASED);
  // Phone numbers may come back with separators (+62 812-3456-7890): compare digits too.
  const digits = out.replace(/\D/g, '');
  if (digits.length >= 6 && needles.some((n) => /^\d{6,}$/.test(n) && digits.includes(n))) return ERASED;
  return out;
}

function scrubValue(v: unknown, needles: string[], key?: string): unknown {
  if (key !== undefined && PERSONAL_KEYS.test(key) && v !== null && v !== '' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'object')) {
    return typeof v === 'object' ? scrubObject(v, needles, true) : ERASED;
  }
  if (typeof v === 'string') return scrubString(v, needles);
  if (v && typeof v === 'object') return scrubObject(v, needles, false);
  return v;
}

function scrubObject(v: object, needles: string[], all: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => (all && typeof x === 'string' ? ERASED : scrubValue(x, needles)));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, all && (typeof x === 'string' || typeof x === 'number') ? ERASED : scrubValue(x, needles, k)]));
}

/**
 * The text with the customer's data erased, or null when there was nothing to erase. JSON stays JSON (the
 * personal fields are replaced); anything else (form-encoded bodies) has the customer's values replaced in place.
 */
export function scrubText(text: string, needles: string[]): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const next = needles.reduce((t, n) => t.split(n).join(ERASED), text);
    return next === text ? null : next;
  }
  // Compared re-serialised, so a body that only differs in formatting is left as stored.
  const after = JSON.stringify(scrubValue(parsed, needles));
  return after === JSON.stringify(parsed) ? null : after;
}

/** Whether a stored customer is the one an erasure request names (email case-insensitively, phone in any form). */
export function customerMatches(customerJson: string, want: { email?: string; phone?: string }): boolean {
  let c: CustomerLike;
  try {
    c = JSON.parse(customerJson) as CustomerLike;
  } catch {
    return false;
  }
  if (want.email && c.email && c.email.trim().toLowerCase() === want.email.trim().toLowerCase()) return true;
  if (want.phone && c.phone) {
    const mine = new Set(phoneForms(c.phone));
    return phoneForms(want.phone).some((f) => mine.has(f));
  }
  return false;
}

/**
 * A LIKE pattern that narrows the scan for one customer before customerMatches decides: the longest piece of the
 * email free of LIKE's wildcards, or the last four digits of the phone (stored phones may carry separators).
 */
export function customerLikePattern(want: { email?: string; phone?: string }): string {
  if (want.email) {
    const pieces = want.email.trim().toLowerCase().split(/[%_\\]/);
    return `%${pieces.reduce((a, b) => (b.length > a.length ? b : a), '')}%`;
  }
  return `%${(want.phone ?? '').replace(/\D/g, '').slice(-4)}%`;
}

/** What an erasure touched, per table (rows changed), and which payments and payment links. */
export interface PiiErasure {
  payments: number;
  /** Payment links whose customer was erased (the link's own copy; its payments count under `payments`). */
  links: number;
  providerEvents: number;
  notifications: number;
  history: number;
  idempotencyRecords: number;
  paymentIds: string[];
  linkIds: string[];
}

export const emptyErasure = (): PiiErasure => ({ payments: 0, links: 0, providerEvents: 0, notifications: 0, history: 0, idempotencyRecords: 0, paymentIds: [], linkIds: [] });
