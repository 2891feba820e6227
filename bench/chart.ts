/**
 * Part 6: the chart, drawn as plain SVG (no dependency): added latency (p50 and p99, each way)
 * and gateway CPU against the number of sessions, one panel each, sharing the x axis.
 */

/** One point per step. */
export interface ChartPoint {
  sessions: number;
  upP50?: number;
  upP99?: number;
  downP50?: number;
  downP99?: number;
  /** Gateway CPU, % of one core. */
  cpuPercent?: number;
  /** Gateway RSS above idle, MB. */
  rssMb?: number;
}

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  values: (number | undefined)[];
}

const WIDTH = 880;
const PANEL_HEIGHT = 220;
const MARGIN = { left: 64, right: 230, top: 36, bottom: 40 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

/** A "nice" upper bound and tick step for an axis from 0 to at least `max`. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!Number.isFinite(max) || max <= 0) return { top: 1, step: 0.2 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  return { top: Math.ceil(max / step) * step, step };
}

/** Latency above this is drawn at the top edge with its value, so a broken step keeps the rest readable. */
const LATENCY_CAP_MS = 100;

function panel(
  y0: number,
  title: string,
  unit: string,
  xs: number[],
  series: Series[],
  xMax: number,
  options: { targetLine?: { value: number; label: string }; cap?: number } = {},
): string {
  const { targetLine, cap = Number.POSITIVE_INFINITY } = options;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)).map((v) => Math.min(v, cap)));
  const low = Math.min(0, ...values);
  const { top, step } = niceScale(Math.max(...values, targetLine?.value ?? 0, 0) - low);
  const yTop = low + top;
  const x = (n: number) => MARGIN.left + (n / xMax) * plotW;
  const y = (v: number) => y0 + MARGIN.top + plotH - ((v - low) / (yTop - low)) * plotH;
  const out: string[] = [];
  out.push(`<text x="${MARGIN.left}" y="${y0 + 22}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  for (let v = Math.ceil(low / step) * step; v <= yTop + 1e-9; v += step) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${+v.toFixed(3)}</text>`);
  }
  out.push(`<text x="14" y="${y0 + MARGIN.top + plotH / 2}" font-size="11" transform="rotate(-90 14 ${y0 + MARGIN.top + plotH / 2})" text-anchor="middle">${escapeXml(unit)}</text>`);
  for (const n of xs) {
    out.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${y0 + MARGIN.top}" y2="${y0 + MARGIN.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(n)}" y="${y0 + MARGIN.top + plotH + 16}" font-size="11" text-anchor="middle">${n}</text>`);
  }
  if (targetLine) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(targetLine.value)}" y2="${y(targetLine.value)}" stroke="#c00" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${MARGIN.left + 4}" y="${y(targetLine.value) - 4}" font-size="11" fill="#c00">${escapeXml(targetLine.label)}</text>`);
  }
  series.forEach((s, i) => {
    const points = xs.map((n, j) => [n, s.values[j]] as const).filter((p): p is readonly [number, number] => p[1] !== undefined && Number.isFinite(p[1]));
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (points.length > 0) {
      const at = (v: number) => y(Math.min(v, cap)).toFixed(1);
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${points.map(([n, v]) => `${x(n).toFixed(1)},${at(v)}`).join(' ')}"/>`);
      for (const [n, v] of points) {
        out.push(`<circle cx="${x(n).toFixed(1)}" cy="${at(v)}" r="3" fill="${s.color}"/>`);
        if (v > cap) out.push(`<text x="${x(n) - 4}" y="${Number(at(v)) + 14 + i * 11}" font-size="10" text-anchor="end" fill="${s.color}">↑ ${v.toFixed(0)}</text>`);
      }
    }
    const ly = y0 + MARGIN.top + 10 + i * 18;
    out.push(`<line x1="${WIDTH - MARGIN.right + 12}" x2="${WIDTH - MARGIN.right + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${ly + 4}" font-size="11">${escapeXml(s.label)}</text>`);
  });
  return out.join('\n');
}

/** Renders the chart; `subtitle` names the machine and date. */
export function renderChart(points: readonly ChartPoint[], subtitle: string): string {
  const xs = points.map((p) => p.sessions);
  const xMax = niceScale(Math.max(...xs, 1), 5).top;
  const latency: Series[] = [
    { label: 'mic→upstream p99', color: '#1f77b4', values: points.map((p) => p.upP99) },
    { label: 'mic→upstream p50', color: '#1f77b4', dashed: true, values: points.map((p) => p.upP50) },
    { label: 'upstream→widget p99', color: '#ff7f0e', values: points.map((p) => p.downP99) },
    { label: 'upstream→widget p50', color: '#ff7f0e', dashed: true, values: points.map((p) => p.downP50) },
  ];
  const cost: Series[] = [
    { label: 'gateway CPU, % of a core', color: '#2ca02c', values: points.map((p) => p.cpuPercent) },
    { label: 'gateway RSS over idle, MB', color: '#9467bd', dashed: true, values: points.map((p) => p.rssMb) },
  ];
  const height = PANEL_HEIGHT * 2 + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(0, 'Latency the gateway adds (gateway − floor)', 'ms', xs, latency, xMax, {
      targetLine: { value: 5, label: 'target p99 5 ms' },
      cap: LATENCY_CAP_MS,
    }),
    panel(PANEL_HEIGHT, 'Gateway cost', '% of one core / MB', xs, cost, xMax),
    `<text x="${MARGIN.left + (WIDTH - MARGIN.left - MARGIN.right) / 2}" y="${height - 24}" font-size="11" text-anchor="middle">sessions</text>`,
    `<text x="${MARGIN.left}" y="${height - 6}" font-size="10" fill="#666">${escapeXml(subtitle)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
