import { useEffect, useState } from 'preact/hooks';
import { admin } from '../api.js';

/** The story a queue is filtered on: its title, and closing it or pre-moderating it on its own. */
export function StoryControls({ storyId }: { storyId: string }) {
  const [story, setStory] = useState<{ title: string; closed: boolean } | null>(null);
  const [pre, setPre] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setProblem(null);
    void admin.story(storyId).then((r) => setStory(r.story), (e: Error) => setProblem(e.message));
  }, [storyId]);
  const change = async (patch: { closed?: boolean; premoderation?: boolean }) => {
    try {
      const r = await admin.storySettings(storyId, patch);
      setStory((s) => (s ? { ...s, closed: r.story.closed } : s));
      setPre(r.settings.premoderation);
    } catch (e) {
      // Story settings are for global moderators and admins; a moderator of one site is told so here.
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  if (!story) return problem ? <p class="error">{problem}</p> : null;
  return (
    <div class="panel" data-testid="story-controls">
      <strong>{story.title}</strong> {story.closed && <span class="badge">closed</span>} {pre && <span class="badge">pre-moderated</span>}
      <div class="actions">
        <button type="button" onClick={() => void change({ closed: !story.closed })}>
          {story.closed ? 'Reopen comments' : 'Close comments'}
        </button>
        <button type="button" onClick={() => void change({ premoderation: !pre })}>
          {pre ? 'Stop pre-moderating this story' : 'Pre-moderate this story'}
        </button>
      </div>
      {problem && <p class="error">{problem}</p>}
    </div>
  );
}
