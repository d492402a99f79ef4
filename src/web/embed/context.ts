import { createContext } from 'preact';
import { useContext, useState } from './hooks.js';
import type { Discussion } from './useDiscussion.js';

// Provided by <DiscussionView> before any consumer renders, hence no default value.
const Ctx = createContext<Discussion>(null as unknown as Discussion);

/** Provider of the widget's state and actions. */
export const DiscussionProvider = Ctx.Provider;

/** The widget's state and actions, from any component below the root. */
export const useD = (): Discussion => useContext(Ctx);

let uid = 0;
/** An id for aria attributes, one per component instance: smaller than Preact's useId, which is made for SSR. */
export const useUid = (): string => useState(() => `a${uid++}`)[0];
