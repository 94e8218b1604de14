/**
 * dist/bayar.js: the classic-script way in (`<script src=".../bayar.js" defer>`). An IIFE cannot code-split, and
 * the widget keeps its first load small by splitting (the payment views are a separate chunk), so this
 * script only imports the ES build, dist/bayar.mjs, from its own directory. The elements are then exactly the ES
 * module's; loading this script twice, or next to bayar.mjs, imports the same module once (nothing is registered
 * twice). Module scripts are fetched in CORS mode: a page on another origin needs the companion's CORS headers on
 * /bayar.mjs and /chunks/*.
 */
const script = document.currentScript as HTMLScriptElement | null;
const entry = new URL('./bayar.mjs', script?.src || location.href).href;
import(/* @vite-ignore */ entry).catch((error: unknown) => console.error(`[bayar] could not load ${entry}`, error));

export {};
