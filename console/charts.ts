/**
 * Charts through Chart.js, loaded only when a chart is first drawn (its own chunk: the console's first load stays
 * small). Every chart is drawn beside a table with the same numbers, so screen readers skip the canvas.
 */
import type { Chart as ChartType } from 'chart.js';

let loading: Promise<typeof import('./chart-setup.js')> | null = null;

/** Only the controllers and elements used here are imported (chart-setup.ts), so the chunk carries nothing else. */
const chartJs = () => (loading ??= import('./chart-setup.js'));

const COLORS = ['#0b5cad', '#1a7f37', '#b35900', '#8250df', '#b42318', '#0e7c86'];

export async function drawChart(canvas: HTMLCanvasElement, kind: 'bar' | 'doughnut', labels: string[], values: number[], label: string): Promise<ChartType> {
  const { Chart } = await chartJs();
  Chart.getChart(canvas)?.destroy();
  return new Chart(canvas, {
    type: kind,
    data: { labels, datasets: [{ label, data: values, backgroundColor: kind === 'bar' ? COLORS[0] : COLORS.slice(0, values.length) }] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: kind === 'doughnut', position: 'right' } },
      ...(kind === 'bar' ? { scales: { y: { beginAtZero: true } } } : {}),
    },
  });
}
