/** A child's memory as the SSE phase reads it (the child runs with --expose-gc). */
export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  gc: boolean;
}

export async function memory(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Two passes: the first may only schedule finalizers that free more on the second.
  gc?.();
  await new Promise((r) => setImmediate(r));
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, gc: !!gc };
}
