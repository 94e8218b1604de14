import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A load: its requests take the signal, and after every wait it returns if the signal is aborted (superseded). */
export type Load = (signal: AbortSignal) => Promise<void>;

/**
 * One line of loads where only the newest counts (the checkout's flow: resume, methods, create; a method's instalment
 * plans). `start` supersedes the load before: its signal aborts, so its requests stop and its answers and errors are
 * dropped. A load cut short by the host leaving the page is aborted too, and runs again when the host comes back.
 * `signal` stays the newest load's after it finished, so a later request (a create) can tell whether a newer load
 * came while it waited. Hand-written rather than `@lit/task`: this is all the checkout needs, and the first load is
 * counted in bytes.
 */
export class LoaderController implements ReactiveController {
  private abort = new AbortController();
  /** The newest load while it runs (or after the host's leaving cut it short). */
  private load?: Load;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The newest load's signal: aborted once a newer load starts (or the host left while it ran). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Runs `load` as the newest, superseding the one before; without `load`, only supersedes. */
  start(load?: Load): void {
    this.abort.abort();
    const abort = (this.abort = new AbortController());
    this.load = load;
    // Done unless aborted: a superseded load's slot holds the newer one, a cut one's waits for the host's return.
    void load?.(abort.signal).finally(() => abort.signal.aborted || (this.load = undefined));
  }

  hostConnected(): void {
    if (this.load && this.abort.signal.aborted) this.start(this.load);
  }

  hostDisconnected(): void {
    if (this.load) this.abort.abort();
  }
}
