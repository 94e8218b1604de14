/**
 * The shell of every emulated hosted page (checkout, approval, deeplink and result pages). No scripts and no
 * style attributes, only one <style> block, so the pages render under a strict Content-Security-Policy.
 */

import { escapeHtml } from '../../lib/html.js';

export { escapeHtml, idr } from '../../lib/html.js';

/** A whole page: `body` is trusted HTML (escape what goes into it), `style` the page's stylesheet. */
export function htmlPage(o: { title: string; style: string; body: string; lang?: 'id' | 'en' }): string {
  return (
    `<!doctype html><html lang="${o.lang ?? 'en'}"><head><meta charset="utf-8"><link rel="icon" href="data:,">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(o.title)}</title>` +
    `<style>${o.style}</style></head><body><main>${o.body}</main></body></html>`
  );
}
