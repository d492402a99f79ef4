import { useEffect, useState } from 'preact/hooks';
import { admin, type StoryState } from '../api.js';
import { t } from '../i18n.js';

/** The story a queue is filtered on: its title, and closing it or pre-moderating it on its own. */
export function StoryControls({ storyId }: { storyId: string }) {
  const [state, setState] = useState<StoryState | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setProblem(null);
    void admin.story(storyId).then(setState, (e: Error) => setProblem(e.message));
  }, [storyId]);
  const change = async (patch: { closed?: boolean; premoderation?: boolean }) => {
    try {
      setState(await admin.storySettings(storyId, patch));
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  if (!state) return problem ? <p class="error">{problem}</p> : null;
  const { story, settings } = state;
  return (
    <div class="panel" data-testid="story-controls">
      <a href={story.url} target="_blank" rel="noopener">
        <strong>{story.title}</strong>
      </a>{' '}
      {story.closed && <span class="badge">{t.closed}</span>} {settings.premoderation && <span class="badge">{t.premoderated}</span>}
      <div class="actions">
        <button type="button" onClick={() => void change({ closed: !story.closed })}>
          {story.closed ? t.reopen : t.closeStory}
        </button>
        <button type="button" onClick={() => void change({ premoderation: !settings.premoderation })}>
          {settings.premoderation ? t.stopPremoderateStory : t.premoderateStory}
        </button>
      </div>
      {problem && <p class="error">{problem}</p>}
    </div>
  );
}
