import { Component, type ComponentChildren } from 'preact';
import { useProvided, useState } from './hooks.js';
import type { Discussion } from './useDiscussion.js';

/**
 * Provider of the widget's state and actions to every component below it, through Preact's `getChildContext` (no
 * createContext: its Provider and Consumer machinery would be bytes on every reader's page; hooks.ts says why none
 * is needed).
 */
export class DiscussionProvider extends Component<{ value: Discussion; children: ComponentChildren }> {
  // The provider itself, not its value: a component that renders again by itself (its own state) gets the context
  // it was created with (Preact keeps it from then on), and only the provider in it is sure to be current.
  override getChildContext() {
    return { d: this };
  }
  override render() {
    return this.props.children;
  }
}

/** The widget's state and actions, from any component below the root. */
export const useD = (): Discussion => useProvided<DiscussionProvider>('d').props.value;

let uid = 0;
/** An id for aria attributes, one per component instance: smaller than Preact's useId, which is made for SSR. */
export const useUid = (): string => useState(() => `a${uid++}`)[0];
