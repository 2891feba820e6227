import { describe, expect, it } from 'vitest';
import { niceScale, renderChart } from '../../bench/chart.js';

describe('chart', () => {
  it('picks a round axis top that covers the maximum', () => {
    expect(niceScale(7.3)).toEqual({ top: 8, step: 2 });
    expect(niceScale(1000).top).toBeGreaterThanOrEqual(1000);
    expect(niceScale(0)).toEqual({ top: 1, step: 0.2 });
  });

  it('draws one line per series with a point per step, and escapes the subtitle', () => {
    const svg = renderChart(
      [
        { sessions: 50, upP50: 0.2, upP99: 1, downP50: 0.3, downP99: 2, cpuPercent: 5, rssMb: 4 },
        { sessions: 200, upP50: 0.4, upP99: 3, downP50: 0.5, downP99: 4, cpuPercent: 20, rssMb: 16 },
      ],
      'CPU <x> & co',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(6);
    expect(svg.match(/<circle/g)).toHaveLength(12);
    expect(svg).toContain('CPU &lt;x&gt; &amp; co');
  });

  it('renders an empty chart when no step went through the gateway', () => {
    const svg = renderChart([], 'nothing measured');
    expect(svg).toContain('</svg>');
    expect(svg).not.toContain('<polyline');
  });

  it('draws latency past 100 ms at the top edge and labels its real value', () => {
    const svg = renderChart(
      [
        { sessions: 200, upP99: 3, downP99: 4 },
        { sessions: 400, upP99: 1917, downP99: 4 },
      ],
      'broken step',
    );
    expect(svg).toContain('↑ 1917');
    expect(svg).not.toContain('↑ 4');
  });
});
