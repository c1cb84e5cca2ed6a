import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { clockText } from '../common/format.ts';
import { cssColor, useThemeKey } from './use-theme-key.ts';

export interface ChartSeries {
  label: string;
  /** null: no value at that time (a hole in the line). */
  values: Array<number | null>;
  /** A CSS custom property holding its colour. */
  colorVar: string;
  /** Draw points only (no line), e.g. for heartbeats. */
  pointsOnly?: boolean;
}

const HEIGHT = 170;

/** The x scale's span in seconds: under ten minutes the axis shows seconds too. */
const spanOf = (u: uPlot): number => (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0);

/**
 * A time-series chart on uPlot: a time axis, a y axis with its unit, and a legend that shows the values
 * under the cursor. uPlot sizes and places its elements through the CSSOM (element.style), which the
 * strict CSP allows; its stylesheet is bundled. The summary is the accessible name; the canvas is drawing.
 */
export function TimeChart({ x, series, unit, summary, testId }: { x: number[]; series: ChartSeries[]; unit: string; summary: string; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const themeKey = useThemeKey();
  const shape = series.map((s) => `${s.label}:${s.colorVar}:${s.pointsOnly ? 1 : 0}`).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fg = cssColor('--muted');
    const grid = cssColor('--border');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif' };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      cursor: { points: { size: 7 } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] } },
      axes: [
        { ...axis, values: (u, ticks) => ticks.map((v) => clockText(v * 1000).slice(0, spanOf(u) < 600 ? 8 : 5)) },
        { ...axis, size: 48, label: unit, labelSize: 16, labelFont: '11px system-ui, sans-serif', values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))) },
      ],
      series: [
        { label: 'Time', value: (_u, v) => (v == null ? '—' : clockText(v * 1000)) },
        ...series.map((s) => {
          const color = cssColor(s.colorVar);
          return {
            label: s.label,
            stroke: color,
            width: s.pointsOnly ? 0 : 2,
            points: { show: true, size: s.pointsOnly ? 8 : 5, fill: color, stroke: color },
            value: (_u: uPlot, v: number | null) => (v == null ? '—' : `${v} ${unit}`),
          };
        }),
      ],
    };
    const u = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series' shape or the colours change; new data is set below.
  }, [shape, unit, themeKey]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [x, series]);

  return (
    <figure className="chart" data-testid={testId}>
      <div ref={box} role="img" aria-label={summary} className="chart-box" />
      <figcaption className="muted small">{summary}</figcaption>
    </figure>
  );
}
