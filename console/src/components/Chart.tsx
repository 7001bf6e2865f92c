// The dashboard's two kinds of chart, drawn by uPlot (bundled, nothing loaded from elsewhere) on a
// canvas: a monthly line per group, and horizontal-category bars. A canvas says nothing to a screen
// reader: each chart is an image with a one-line description, and its caller puts a table of the
// same data beside it (the text alternative).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours distinct for common colour-vision deficiencies (Okabe-Ito), dark enough on white. */
export const PALETTE = ['#0b62a4', '#b35900', '#007a5a', '#a4286a', '#5b4a9e', '#6b6b00', '#c0392b', '#1a1a1a'];
const AXIS = { stroke: '#57606a', grid: { stroke: '#eaeef2', width: 1 }, ticks: { stroke: '#d0d7de', width: 1 } };
const HEIGHT = 220;
const number = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** A uPlot instance in a box: created once per data, destroyed with the box. */
function usePlot(make: (width: number) => uPlot.Options, data: uPlot.AlignedData, key: string) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(280, element.clientWidth || 600);
    const plot = new uPlot(make(width), data, element);
    // The canvas repeats what the description and the table say.
    for (const canvas of element.querySelectorAll('canvas')) canvas.setAttribute('aria-hidden', 'true');
    return () => plot.destroy();
    // `key` stands for the data and options: a new answer draws a new chart.
  }, [key]);
  return box;
}

interface LineProps {
  /** Seconds since the epoch, one per month. */
  starts: number[];
  /** One line per group: its name and a sum per month (null: no row). */
  lines: { label: string; values: (number | null)[] }[];
  description: string;
  timeZone: string;
}

export function MonthlyChart({ starts, lines, description, timeZone }: LineProps) {
  const key = JSON.stringify([starts, lines, timeZone]);
  const box = usePlot(
    (width) => ({
      width,
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max * 1.1] } },
      axes: [
        // One tick per month that has rows, named as the table names it.
        { ...AXIS, splits: () => starts, values: (_u, splits) => splits.map((s) => new Intl.DateTimeFormat('en', { timeZone, month: 'short', year: '2-digit' }).format(s * 1000)) },
        { ...AXIS, size: 60, values: (_u, splits) => splits.map((s) => number.format(s)) },
      ],
      series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false, points: { size: 6 } }))],
    }),
    [starts, ...lines.map((l) => l.values)] as uPlot.AlignedData,
    key,
  );
  return <div class="chart" role="img" aria-label={description} ref={box} />;
}

interface BarProps {
  bars: { label: string; value: number }[];
  description: string;
}

export function BarChart({ bars, description }: BarProps) {
  const key = JSON.stringify(bars);
  const box = usePlot(
    (width) => ({
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, bars.length - 0.5] }, y: { range: (_u, _min, max) => [0, max * 1.1] } },
      axes: [
        { ...AXIS, splits: () => bars.map((_b, i) => i), values: () => bars.map((b) => b.label), grid: { show: false } },
        { ...AXIS, size: 60, values: (_u, splits) => splits.map((s) => number.format(s)) },
      ],
      series: [{}, { label: 'Sum', fill: PALETTE[0], stroke: PALETTE[0], paths: uPlot.paths.bars!({ size: [0.6, 80] }), points: { show: false } }],
    }),
    [bars.map((_b, i) => i), bars.map((b) => b.value)] as uPlot.AlignedData,
    key,
  );
  return <div class="chart" role="img" aria-label={description} ref={box} />;
}
