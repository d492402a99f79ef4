import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { admin, type Dashboard as Data } from '../api.js';
import { followQueues } from '../live.js';
import { fmt, lang, t } from '../i18n.js';

/** A uPlot time-series chart that follows its container's width. */
function Chart({ title, data, series }: { title: string; data: uPlot.AlignedData; series: uPlot.Series[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const width = () => Math.max(280, el.clientWidth);
    // Axes, dates and numbers in the console's language (uPlot's own formats are English).
    const hour = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    const day = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short' });
    const axes: uPlot.Axis[] = [
      { values: (_u, ticks) => ticks.map((s, i) => (i === 0 || new Date(s * 1000).getHours() === 0 ? `${day.format(s * 1000)}\n${hour.format(s * 1000)}` : hour.format(s * 1000))) },
      { size: 50, values: (_u, ticks) => ticks.map((n) => fmt.number(n)) },
    ];
    const legend = { series: [{ label: t.when, value: (_u: uPlot, v: number | null) => (v === null ? '–' : fmt.date(new Date(v * 1000).toISOString())) }, ...series] };
    const plot = new uPlot({ title, width: width(), height: 220, series: legend.series, axes, scales: { x: { time: true } } }, data, el);
    const onResize = () => plot.setSize({ width: width(), height: 220 });
    window.addEventListener('resize', onResize);
    return () => (window.removeEventListener('resize', onResize), plot.destroy());
  }, [data]);
  return <div class="chart" ref={ref} role="img" aria-label={title} />;
}

/** Home: comments per hour, held against published, and the most commented stories. */
export function Dashboard({ siteId }: { siteId: string }) {
  const [d, setD] = useState<Data | null>(null);
  const [waiting, setWaiting] = useState<{ pending: number; reported: number } | null>(null);
  useEffect(() => void admin.dashboard(siteId || undefined).then(setD), [siteId]);
  // "12 en attente → traiter" follows new comments live too (live.ts), asked again once a burst is over.
  useEffect(() => {
    const update = () => void admin.counts(siteId ? { siteId } : {}).then((c) => setWaiting(c.counts), () => undefined);
    update();
    let soon: ReturnType<typeof setTimeout> | undefined;
    const stop = followQueues(
      (ids) => (!siteId || ids.includes(siteId)) && (clearTimeout(soon), (soon = setTimeout(update, 300))),
      () => undefined,
    );
    return () => (stop(), clearTimeout(soon));
  }, [siteId]);
  if (!d) return <p>{t.loading}</p>;
  const x = d.hours.map((h) => Date.parse(h.hour) / 1000);
  const total = d.hours.map((h) => h.published + h.held + h.rejected);
  const max = Math.max(1, ...d.topStories.map((s) => s.comments));
  return (
    <section>
      <h1>{t.dashboard}</h1>
      {waiting && (
        <p class="todo" data-testid="todo">
          <a href="#/queue/pending">{t.toWork(t.waitingN(waiting.pending))}</a>
          {waiting.reported > 0 && <a href="#/queue/reported">{t.toWork(t.reportedN(waiting.reported))}</a>}
        </p>
      )}
      <p data-testid="totals">
        {t.totals(d.totals.published, d.totals.held, d.totals.rejected)}
      </p>
      <div class="panel">
        <Chart title={t.perHour} data={[x, total]} series={[{ label: t.seriesComments, stroke: '#0b5cad', fill: '#0b5cad22' }]} />
      </div>
      <div class="panel">
        <Chart
          title={t.heldVsPublished}
          data={[x, d.hours.map((h) => h.published), d.hours.map((h) => h.held), d.hours.map((h) => h.rejected)]}
          series={[
            { label: t.seriesPublished, stroke: '#1e6b34' },
            { label: t.seriesHeld, stroke: '#c26b00' },
            { label: t.seriesRejected, stroke: '#a4262c' },
          ]}
        />
      </div>
      <div class="panel">
        <h2>{t.topStories}</h2>
        <table>
          <tbody>
            {d.topStories.map((s) => (
              <tr key={s.id}>
                <td>
                  <a href={s.url} target="_blank" rel="noopener">
                    {s.title}
                  </a>
                </td>
                <td style="width:40%">
                  <div class="bar" style={`width:${(s.comments / max) * 100}%`} />
                </td>
                <td>{fmt.number(s.comments)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
