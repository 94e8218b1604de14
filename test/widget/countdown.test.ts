import { expect } from '@open-wc/testing';
import { LitElement, html } from 'lit';
import { CountdownController } from '../../widget/controllers/countdown.js';
import type { Clock } from '../../widget/internal/clock.js';
import { FakeClock, NOW, iso, mountElement, teardownPage } from './helpers.js';

class CountdownProbe extends LitElement {
  clock?: Clock;
  expiries = 0;
  renders = 0;
  readonly steps: number[] = [];
  readonly countdown = new CountdownController(this, () => this.expiries++);
  override render() {
    this.renders++;
    if (this.steps[this.steps.length - 1] !== this.countdown.step) this.steps.push(this.countdown.step);
    return html`<span>${this.countdown.remaining}</span>`;
  }
}
customElements.define('countdown-probe', CountdownProbe);

async function probe(expiresInMs: number, clock = new FakeClock()) {
  const el = document.createElement('countdown-probe') as CountdownProbe;
  el.clock = clock;
  await mountElement(el);
  el.countdown.expiresAt = iso(NOW + expiresInMs);
  await el.updateComplete;
  return { el, clock, cd: el.countdown };
}

describe('CountdownController', () => {
  afterEach(teardownPage);

  it('computes the remaining time from the absolute deadline on every tick', async () => {
    const { cd, clock } = await probe(90_000);
    expect(cd.remaining).to.equal(90_000);
    await clock.advance(1_000);
    expect(cd.remaining).to.equal(89_000);
    // A throttled tab: timers fire late, the value is still right.
    clock.time += 30_000;
    await clock.advance(1_000);
    expect(cd.remaining).to.equal(58_000);
  });

  it('goes straight to expired after a tab slept past the deadline, and says so once', async () => {
    const { cd, clock, el } = await probe(10 * 60_000);
    await clock.sleep(60 * 60_000);
    expect(cd.expired).to.equal(true);
    expect(cd.remaining).to.equal(0);
    expect(el.expiries).to.equal(1);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('announces only at coarse steps, not every second', async () => {
    const { cd, clock, el } = await probe(12 * 60_000);
    await clock.advance(12 * 60_000);
    expect(el.renders, 'the visible countdown re-renders every second').to.be.greaterThan(700);
    // The live-region value changes only six times in twelve minutes.
    expect(el.steps.filter((s) => s !== undefined).slice(-6)).to.deep.equal([15, 10, 5, 2, 1, 0]);
    expect(cd.expired).to.equal(true);
  });

  it('restarts for a new deadline and stops when disconnected', async () => {
    const { cd, clock, el } = await probe(1000);
    await clock.advance(1000);
    expect(cd.expired).to.equal(true);
    cd.expiresAt = iso(clock.now() + 5000);
    expect(cd.expired).to.equal(false);
    el.remove();
    expect(clock.pendingTimers).to.equal(0);
  });
});
