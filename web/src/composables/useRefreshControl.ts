import { inject, provide, ref, type InjectionKey, type Ref } from 'vue';

/** The default refresh interval of the page's panels. */
export const DEFAULT_INTERVAL_MS = 5000;

/** The page-wide auto-refresh setting every panel's polling follows. */
export type RefreshControl = {
  /** Milliseconds between refreshes. */
  intervalMs: Ref<number>;
  /** True while the admin has paused auto-refresh. */
  paused: Ref<boolean>;
  pause: () => void;
  resume: () => void;
  /** Counts the page's own changes (a payment answered): the fleet panels refresh on each, paused or not. */
  changes: Ref<number>;
  /** Tells the fleet panels that the page changed what they show (their next numbers must include it). */
  changed: () => void;
};

const refreshControlKey: InjectionKey<RefreshControl> = Symbol('refresh-control');

/** A standalone refresh control (running, default interval). */
export function createRefreshControl(intervalMs = DEFAULT_INTERVAL_MS): RefreshControl {
  const paused = ref(false);
  const changes = ref(0);
  return {
    intervalMs: ref(intervalMs),
    paused,
    pause: () => void (paused.value = true),
    resume: () => void (paused.value = false),
    changes,
    changed: () => void (changes.value += 1),
  };
}

/** Creates the page's refresh control and makes it available to the panels below. */
export function provideRefreshControl(intervalMs = DEFAULT_INTERVAL_MS): RefreshControl {
  const control = createRefreshControl(intervalMs);
  provide(refreshControlKey, control);
  return control;
}

/** The page's refresh control, or a private running one when a panel is used on its own (tests). */
export function useRefreshControl(): RefreshControl {
  return inject(refreshControlKey, null) ?? createRefreshControl();
}
