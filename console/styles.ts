/** One stylesheet for the whole console (pages render inside the shell's shadow root). */
import { css } from 'lit';

export const styles = css`
  :host {
    --c-bg: #f6f7f9;
    --c-panel: #fff;
    --c-text: #1b1f24;
    --c-muted: #57606a;
    --c-border: #d0d7de;
    --c-primary: #0b5cad;
    --c-primary-text: #fff;
    --c-danger: #b42318;
    --c-ok: #1a7f37;
    --c-warn-bg: #fff4d6;
    --c-warn-text: #5c3d00;
    --radius: 8px;
    display: block;
    min-height: 100vh;
    background: var(--c-bg);
    color: var(--c-text);
    font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  *, *::before, *::after { box-sizing: border-box; }
  a { color: var(--c-primary); }
  :focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
  .skip { position: absolute; left: -9999px; top: 0; background: var(--c-panel); padding: 8px; z-index: 10; }
  .skip:focus { left: 8px; }
  header.top { background: #11263c; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; }
  header.top .brand { font-weight: 700; font-size: 17px; margin: 0; }
  header.top .who { margin-left: auto; font-size: 13px; opacity: 0.95; }
  header.top button { background: transparent; color: #fff; border: 1px solid #8aa4bf; }
  nav.main { background: #18324d; overflow-x: auto; }
  nav.main ul { display: flex; gap: 2px; margin: 0; padding: 0 8px; list-style: none; }
  nav.main a { display: block; padding: 10px 12px; color: #dbe7f3; text-decoration: none; white-space: nowrap; border-bottom: 3px solid transparent; }
  nav.main a[aria-current='page'] { color: #fff; border-bottom-color: #7cc4ff; font-weight: 600; }
  .banner { background: var(--c-warn-bg); color: var(--c-warn-text); padding: 8px 16px; border-bottom: 1px solid #e5c46b; font-weight: 600; }
  main { max-width: 1200px; margin: 0 auto; padding: 16px; }
  h1 { font-size: 22px; margin: 4px 0 16px; }
  h2 { font-size: 17px; margin: 0 0 12px; }
  .grid.cards { grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); }
  td.nowrap { white-space: nowrap; }
  .panel { background: var(--c-panel); border: 1px solid var(--c-border); border-radius: var(--radius); padding: 16px; margin-bottom: 16px; }
  .grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
  button, .button { font: inherit; padding: 8px 14px; border-radius: 6px; border: 1px solid var(--c-border); background: var(--c-panel); color: var(--c-text); cursor: pointer; text-decoration: none; display: inline-block; min-height: 40px; }
  button.primary, .button.primary { background: var(--c-primary); color: var(--c-primary-text); border-color: var(--c-primary); }
  button.danger { background: var(--c-danger); color: #fff; border-color: var(--c-danger); }
  button:disabled { opacity: 0.6; cursor: not-allowed; }
  label { display: block; font-weight: 600; font-size: 13px; margin-bottom: 4px; }
  input, select { font: inherit; padding: 8px; border: 1px solid #8c959f; border-radius: 6px; width: 100%; min-height: 40px; background: #fff; color: var(--c-text); }
  .field { margin-bottom: 12px; }
  .hint { color: var(--c-muted); font-size: 13px; }
  .error { color: var(--c-danger); font-weight: 600; }
  .ok { color: var(--c-ok); font-weight: 600; }
  .filters { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); align-items: end; }
  .filters .wide { grid-column: 1 / -1; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  table { width: 100%; border-collapse: collapse; font-size: 14px; }
  th, td { text-align: left; padding: 8px; border-bottom: 1px solid var(--c-border); vertical-align: top; }
  th { font-size: 13px; color: var(--c-muted); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .scroll { overflow-x: auto; }
  .check { display: flex; gap: 8px; align-items: center; min-height: 40px; }
  .check input { width: auto; min-height: 0; }
  .check label { margin: 0; }
  table.audit { min-width: 900px; }
  table.audit td { white-space: nowrap; }
  table.audit td.detail { white-space: normal; min-width: 280px; }
  table.audit tr.bad td:first-child { box-shadow: inset 3px 0 var(--c-danger); }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
  .st-paid, .st-refunded { color: var(--c-ok); }
  .st-pending { color: #7a4a00; }
  .st-failed, .st-expired, .st-cancelled { color: var(--c-danger); }
  .flag { color: var(--c-danger); }
  .ln-active, .ln-completed { color: var(--c-ok); }
  .ln-expired, .ln-disabled { color: var(--c-muted); }
  .radios.wrap { flex-wrap: wrap; gap: 8px 16px; }
  .radios legend, fieldset.plain legend { font-weight: 600; font-size: 13px; margin-bottom: 4px; padding: 0; }
  fieldset.plain { border: 0; padding: 0; margin: 0 0 12px; }
  .grid.two { grid-template-columns: repeat(auto-fit, minmax(min(100%, 200px), 1fr)); gap: 0 16px; }
  .grid.three { grid-template-columns: repeat(auto-fit, minmax(min(100%, 200px), 1fr)); gap: 0 16px; }
  input.qty { width: 6em; }
  .share img.qr { display: block; margin: 12px 0; width: 200px; height: 200px; max-width: 100%; border: 1px solid var(--c-border); }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
  dl.facts dt { color: var(--c-muted); }
  dl.facts dd { margin: 0; overflow-wrap: anywhere; }
  dl.facts.stack { grid-template-columns: 1fr; gap: 0; }
  dl.facts.stack dd { margin-bottom: 8px; }
  ol.timeline { list-style: none; margin: 0; padding: 0; }
  ol.timeline li { padding: 8px 0 8px 16px; border-left: 3px solid var(--c-border); position: relative; }
  ol.timeline li.bad { border-left-color: var(--c-danger); }
  ol.timeline li.console { border-left-color: var(--c-primary); }
  ol.timeline .when { color: var(--c-muted); font-size: 13px; }
  .mismatch { background: #fdecea; }
  .kpi { font-size: 24px; font-weight: 700; }
  .chart { position: relative; height: 220px; }
  .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .signin { max-width: 420px; margin: 48px auto; }
  .radios { display: flex; gap: 16px; border: 0; padding: 0; margin: 0 0 12px; }
  .radios label { display: flex; gap: 6px; align-items: center; font-weight: 400; }
  .radios input { width: auto; min-height: 0; }
  .list .row { display: grid; grid-template-columns: 1.3fr 1fr 1fr 1fr 1.2fr; gap: 8px; padding: 10px 8px; border-bottom: 1px solid var(--c-border); align-items: center; }
  .list .head { font-size: 13px; color: var(--c-muted); font-weight: 600; }
  @media (max-width: 720px) {
    main { padding: 10px; }
    .panel { padding: 12px; }
    .list .head { display: none; }
    .list .row { grid-template-columns: 1fr auto; }
    .list .row > :nth-child(3), .list .row > :nth-child(5) { grid-column: 1 / -1; }
    dl.facts { grid-template-columns: 1fr; gap: 0 0; }
    dl.facts dd { margin-bottom: 8px; }
    header.top .who { margin-left: 0; width: 100%; }
  }
`;
