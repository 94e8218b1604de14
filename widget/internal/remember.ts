/**
 * What only the widget API's answers carry (a QR's symbol, how to pay), by the payment detail it belongs to.
 * A payment's later updates (its status stream, from the ledger's snapshots) come without it: a view drawn after
 * such an update still finds it here. `remember(key, value)` keeps a value given and returns it; without one it
 * returns the value last given for `key`. A handful of payments per page at most; the oldest go first.
 */
export const remembered = <T>(): ((key: string, value: T | undefined) => T | undefined) => {
  const seen = new Map<string, T>();
  return (key, value) => {
    if (value === undefined) return seen.get(key);
    seen.delete(key);
    seen.set(key, value);
    if (seen.size > 16) seen.delete(seen.keys().next().value!);
    return value;
  };
};
