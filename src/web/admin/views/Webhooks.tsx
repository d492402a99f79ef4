import { useEffect, useState } from 'preact/hooks';
import { publisher, WEBHOOK_EVENTS, type Delivery, type Webhook } from '../api-publisher.js';
import { tp, when } from '../i18n-publisher.js';
import { FormStatus } from './dialogs.js';
import { failed, RotateButton, Secret, type Msg } from './publisher-parts.js';

/** A site's webhooks (admins): add one, test it, rotate its secret, and read the delivery log with a retry per delivery. */
export function Webhooks({ siteId, siteName }: { siteId: string; siteName: string }) {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [log, setLog] = useState<Delivery[]>([]);
  const [msg, setMsg] = useState<Msg>(null);
  const [hookMsg, setHookMsg] = useState<Msg>(null);
  const load = () => {
    if (!siteId) return;
    void publisher.webhooks(siteId).then((r) => setHooks(r.webhooks), (e) => setMsg(failed(e)));
    void publisher.deliveries(siteId).then((r) => setLog(r.deliveries), () => undefined);
  };
  useEffect(load, [siteId]);
  if (!siteId) return <p>{tp.pickSite}</p>;
  const act = async (p: Promise<unknown>, ok: string) => {
    try {
      await p;
      setHookMsg({ ok: true, text: ok });
      load();
    } catch (err) {
      setHookMsg(failed(err));
    }
  };
  return (
    <>
      <h1>{tp.webhooksTitle(siteName)}</h1>
      <p>{tp.webhooksIntro}</p>
      <HookForm
        testId="new-webhook"
        label={tp.addWebhook}
        initial={{ url: '', events: [] }}
        onSave={async (d) => {
          await publisher.addWebhook(siteId, d);
          load();
          return tp.webhookAdded;
        }}
      />
      <FormStatus msg={msg} />
      {hooks && hooks.length === 0 && <p>{tp.noWebhooks}</p>}
      {hooks?.map((h) => (
        <section key={h.id} class="panel" aria-label={h.url} data-testid="webhook">
          <h2>
            <code>{h.url}</code> <span class="badge">{h.active ? tp.active : tp.disabled}</span>
          </h2>
          <p>{h.events.join(', ')}</p>
          <details>
            <summary>{tp.edit}</summary>
            <HookForm
              label={tp.save}
              initial={{ url: h.url, events: h.events.length === WEBHOOK_EVENTS.length ? [] : h.events }}
              onSave={async (d) => {
                await publisher.updateWebhook(siteId, h.id, d);
                load();
                return tp.saved;
              }}
            />
          </details>
          <p>
            {tp.secret} <Secret label={`${tp.secret} ${h.url}`} value={h.secret} />
          </p>
          <p class="actions">
            <button type="button" class="primary" onClick={() => void act(publisher.testWebhook(siteId, h.id), tp.testSent)}>
              {tp.sendTest}
            </button>
            <button type="button" onClick={() => void act(publisher.updateWebhook(siteId, h.id, { active: !h.active }), tp.saved)}>
              {h.active ? tp.disable : tp.enable}
            </button>
            <RotateButton warning={tp.rotateHookWarn} onConfirm={() => act(publisher.updateWebhook(siteId, h.id, { rotateSecret: true }), tp.rotated)} />
            <button type="button" class="danger" onClick={() => confirm(tp.removeHookConfirm) && void act(publisher.removeWebhook(siteId, h.id), tp.saved)}>
              {tp.removeHook}
            </button>
          </p>
        </section>
      ))}
      <FormStatus msg={hookMsg} />
      <section aria-labelledby="log-h">
        <h2 id="log-h">{tp.deliveries}</h2>
        <p>
          <button type="button" onClick={load}>
            {tp.refresh}
          </button>
        </p>
        {log.length === 0 ? (
          <p>{tp.noDeliveries}</p>
        ) : (
          // Scrolls sideways on a phone rather than cutting the last columns off.
          <div style={{ overflowX: 'auto' }}>
            <table data-testid="deliveries">
              <thead>
                <tr>
                  <th scope="col">{tp.when}</th>
                  <th scope="col">{tp.event}</th>
                  <th scope="col">{tp.state}</th>
                  <th scope="col">{tp.attempts}</th>
                  <th scope="col">{tp.result}</th>
                  <th scope="col">
                    <span class="visually-hidden">{tp.retry}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {log.map((d) => (
                  <tr key={d.id}>
                    <td>{when(d.createdAt)}</td>
                    <td>
                      <details>
                        <summary>
                          <code>{d.eventType}</code>
                        </summary>
                        <pre>{d.payload}</pre>
                      </details>
                    </td>
                    <td>{tp.states[d.state] ?? d.state}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastStatus ?? d.lastError ?? '—'}</td>
                    <td>
                      <button type="button" onClick={() => void act(publisher.retry(siteId, d.id), tp.retried)}>
                        {tp.retry}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

type Draft = { url: string; events: string[] };

/** A webhook's URL and events, to add one or change one. A refused URL stays in the field as typed, with the reason. */
function HookForm({ initial, label, onSave, testId }: { initial: Draft; label: string; onSave: (d: Draft) => Promise<string>; testId?: string }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [msg, setMsg] = useState<Msg>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const ok = await onSave(draft);
      if (testId) setDraft({ url: '', events: [] });
      setMsg({ ok: true, text: ok });
    } catch (err) {
      setMsg(failed(err));
    }
  };
  const toggle = (ev: string, on: boolean) => setDraft({ ...draft, events: on ? [...draft.events, ev] : draft.events.filter((x) => x !== ev) });
  return (
    <form class="panel" onSubmit={(e) => void submit(e)} data-testid={testId}>
      <label class="field">
        {tp.url}
        <input type="text" inputMode="url" required value={draft.url} onInput={(e) => setDraft({ ...draft, url: (e.target as HTMLInputElement).value })} aria-invalid={msg && !msg.ok ? true : undefined} />
      </label>
      <fieldset>
        <legend>{tp.events}</legend>
        <div class="grid">
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev}>
              <input type="checkbox" checked={draft.events.includes(ev)} onChange={(e) => toggle(ev, (e.target as HTMLInputElement).checked)} /> <code>{ev}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <p>
        <button class="primary" type="submit">
          {label}
        </button>
      </p>
      <FormStatus msg={msg} />
    </form>
  );
}
