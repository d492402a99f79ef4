import { useEffect, useState } from 'preact/hooks';
import { admin, type Settings } from '../api.js';
import { t } from '../i18n.js';
import { FormStatus } from './dialogs.js';

const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter(Boolean);

/** The site's word lists: banned (rejected), suspect (held) and allowed, beside the shipped lists. */
export function Words({ siteId }: { siteId: string }) {
  const [s, setS] = useState<Settings | null>(null);
  const [shipped, setShipped] = useState<{ banned: string[]; suspect: string[]; allow: string[] } | null>(null);
  const [text, setText] = useState({ banned: '', suspect: '', allow: '' });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    if (!siteId) return;
    void admin.settings(siteId).then((r) => {
      setS(r.settings);
      setShipped(r.shippedWords);
      setText({ banned: r.settings.words.banned.join('\n'), suspect: r.settings.words.suspect.join('\n'), allow: r.settings.words.allow.join('\n') });
    });
  }, [siteId]);
  if (!s || !shipped) return <p>{t.loading}</p>;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const next = { ...s, words: { useDefaults: s.words.useDefaults, banned: lines(text.banned), suspect: lines(text.suspect), allow: lines(text.allow) } };
      setS((await admin.saveSettings(siteId, next)).settings);
      setMsg({ ok: true, text: t.wordsSaved });
    } catch (err) {
      setMsg({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const list = (key: 'banned' | 'suspect' | 'allow', title: string, help: string) => (
    <div class="panel">
      <label class="field">
        <strong>{title}</strong>
        <span>{help}</span>
        <textarea rows={6} value={text[key]} onInput={(e) => setText({ ...text, [key]: (e.target as HTMLTextAreaElement).value })} data-testid={`words-${key}`} />
      </label>
      <details>
        <summary>{t.shippedList(shipped[key].length)}</summary>
        <p>{shipped[key].join(', ')}</p>
      </details>
    </div>
  );
  return (
    <form onSubmit={(e) => void save(e)}>
      <h1>{t.wordsTitle}</h1>
      <p>{t.wordsIntro}</p>
      <label>
        <input type="checkbox" checked={s.words.useDefaults} onChange={(e) => setS({ ...s, words: { ...s.words, useDefaults: (e.target as HTMLInputElement).checked } })} /> {t.useShipped}
      </label>
      {list('banned', t.bannedWords, t.bannedHelp)}
      {list('suspect', t.suspectWords, t.suspectHelp)}
      {list('allow', t.allowedWords, t.allowedHelp)}
      <p>
        <button class="primary" type="submit">
          {t.saveWords}
        </button>
      </p>
      <FormStatus msg={msg} />
    </form>
  );
}
