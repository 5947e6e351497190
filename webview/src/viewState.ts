import { defaultViewState, graphViewStateSchema, type GraphViewState } from '../../src/protocol/graphProtocol';
import type { HostLog } from './vscodeApi';

/**
 * The view state VS Code kept for this panel (`getState()`), validated: it may come from an older
 * version of the extension or be damaged. Anything that does not match starts from the defaults
 * rather than failing the view.
 */
export function restoreViewState(saved: unknown, log: HostLog): GraphViewState {
  if (saved === undefined || saved === null) return cloneState(defaultViewState);
  const parsed = graphViewStateSchema.safeParse(saved);
  if (parsed.success) return cloneState(parsed.data);
  log.warn(`Saved graph view state was not usable and was reset: ${summariseIssues(parsed.error.issues)}`);
  return cloneState(defaultViewState);
}

export function cloneState(state: GraphViewState): GraphViewState {
  return { ...state, collapsedGroups: [...state.collapsedGroups], zoom: state.zoom ? { ...state.zoom } : null };
}

/** Paths and messages only: the rejected value may be large or contain workspace text. */
export function summariseIssues(issues: readonly { path: (string | number)[]; message: string }[]): string {
  const shown = issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  return shown.join('; ') + (issues.length > 5 ? `; and ${issues.length - 5} more` : '');
}
