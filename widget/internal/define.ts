/**
 * Guarded registration (style.md habit 4): a second copy of the script on a page (bayar.js twice, or bayar.js and
 * bayar.mjs) finds the names taken and warns once instead of throwing; the first copy's elements stay in use.
 */
export function defineElements(elements: ReadonlyArray<readonly [string, CustomElementConstructor]>): void {
  const taken: string[] = [];
  for (const [name, ctor] of elements) {
    const existing = customElements.get(name);
    if (!existing) customElements.define(name, ctor);
    else if (existing !== ctor) taken.push(name);
  }
  if (taken.length)
    console.warn(`[bayar] <${taken.join('>, <')}> already registered: the Bayar script is loaded twice on this page; this copy is ignored.`);
}
