import type { StatusKind } from '../graph/nodeStatus';
import { html } from './dom';

export interface ToolbarActions {
  searchChanged(query: string): void;
  searchSubmitted(query: string): void;
  depthChanged(direction: 'up' | 'down', depth: number): void;
  fit(): void;
  showAll(): void;
  clearFocus(): void;
  collapseAll(): void;
  expandAll(): void;
  staleOnly(on: boolean): void;
}

export const maxDepth = 50;

/** The instance indicator's content (see instanceIndicator in graph/nodeStatus.ts). */
export interface InstanceIndicator {
  /** "local instance examples/harbor/.dagster · read 12:03". */
  text: string;
  /** Longer form for the tooltip: the source, the full read time, counts, the strip's legend. */
  title: string;
  /** The worst status of any asset, for the dot's colour; null when nothing has a record. */
  worst: StatusKind | null;
}

/**
 * The controls above the graph. The host page is an empty `#app`, so every control is built here;
 * ids are the stable hooks end-to-end tests use.
 */
export class Toolbar {
  readonly element: HTMLElement;
  readonly search: HTMLInputElement;
  private readonly searchCount: HTMLElement;
  private readonly depthUp: HTMLInputElement;
  private readonly depthDown: HTMLInputElement;
  private readonly focusChip: HTMLElement;
  private readonly focusKey: HTMLElement;
  private readonly showAllButton: HTMLButtonElement;
  private readonly staleOnlyButton: HTMLButtonElement;
  private readonly collapseAllButton: HTMLButtonElement;
  private readonly expandAllButton: HTMLButtonElement;
  private readonly fitButton: HTMLButtonElement;
  readonly status: HTMLElement;
  private readonly instance: HTMLElement;
  private readonly instanceDot: HTMLElement;
  private readonly instanceText: HTMLElement;

  constructor(actions: ToolbarActions) {
    this.search = html('input', {
      id: 'search',
      attrs: { type: 'search', placeholder: 'Search assets', 'aria-label': 'Search assets by key', spellcheck: 'false', autocomplete: 'off' },
    });
    this.searchCount = html('span', { id: 'search-count', className: 'search-count', attrs: { 'aria-live': 'polite' } });
    let debounce: number | undefined;
    this.search.addEventListener('input', () => {
      window.clearTimeout(debounce);
      // Re-highlighting thousands of nodes per keystroke is wasted work while the user still types.
      debounce = window.setTimeout(() => actions.searchChanged(this.search.value), 80);
    });
    this.search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        window.clearTimeout(debounce);
        actions.searchChanged(this.search.value);
        actions.searchSubmitted(this.search.value);
      } else if (event.key === 'Escape' && this.search.value !== '') {
        event.preventDefault();
        event.stopPropagation();
        this.search.value = '';
        window.clearTimeout(debounce);
        actions.searchChanged('');
      }
    });

    this.focusKey = html('span', { className: 'focus-key' });
    const clearFocus = html('button', {
      id: 'clear-focus',
      className: 'icon-button',
      text: '×',
      attrs: { type: 'button', 'aria-label': 'Clear focus', title: 'Clear focus (show the full graph)' },
    });
    clearFocus.addEventListener('click', () => actions.clearFocus());
    this.focusChip = html('span', { id: 'focus-chip', className: 'focus-chip hidden' }, [
      html('span', { className: 'focus-label', text: 'Focus' }),
      this.focusKey,
      clearFocus,
    ]);

    this.depthUp = this.depthInput('depth-up', 'Upstream depth', (d) => actions.depthChanged('up', d));
    this.depthDown = this.depthInput('depth-down', 'Downstream depth', (d) => actions.depthChanged('down', d));
    const depths = html('span', { className: 'depths', attrs: { role: 'group', 'aria-label': 'Focus depth' } }, [
      html('label', { className: 'depth-label', text: '↑ Up', attrs: { for: 'depth-up', title: 'Upstream levels shown around the focused asset' } }),
      this.depthUp,
      html('label', { className: 'depth-label', text: 'Down ↓', attrs: { for: 'depth-down', title: 'Downstream levels shown around the focused asset' } }),
      this.depthDown,
    ]);

    this.fitButton = this.button('fit', 'Fit', 'Fit the graph to the window', actions.fit);
    this.collapseAllButton = this.button('collapse-all', 'Collapse groups', 'Show each group as one node', actions.collapseAll);
    this.expandAllButton = this.button('expand-all', 'Expand groups', 'Show the assets of every group', actions.expandAll);
    this.showAllButton = this.button('show-all', 'Show full graph', 'Show every asset: no focus, no collapsed groups', actions.showAll);
    this.staleOnlyButton = this.button('stale-only', 'Stale only', 'Show only assets with stale or impacted partitions', () => actions.staleOnly(this.staleOnlyButton.getAttribute('aria-pressed') !== 'true'));
    this.staleOnlyButton.setAttribute('aria-pressed', 'false');
    this.status = html('span', { id: 'status', className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
    // Not a live region: it changes every few seconds while Dagster writes.
    this.instanceDot = html('span', { className: 'instance-dot', text: '●', attrs: { 'aria-hidden': 'true' } });
    this.instanceText = html('span', { className: 'instance-text' });
    this.instance = html('span', { id: 'instance-state', className: 'instance-state hidden', attrs: { role: 'note' } }, [this.instanceDot, this.instanceText]);

    this.element = html('div', { id: 'toolbar', className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Lineage graph controls' } }, [
      html('span', { className: 'search-box' }, [this.search, this.searchCount]),
      this.focusChip,
      depths,
      html('span', { className: 'buttons' }, [this.fitButton, this.collapseAllButton, this.expandAllButton, this.showAllButton, this.staleOnlyButton]),
      this.status,
      this.instance,
    ]);
  }

  /** The filter's state, and how many assets it would show (null: no instance state yet). */
  setStaleOnly(on: boolean, count: number | null): void {
    this.staleOnlyButton.setAttribute('aria-pressed', String(on));
    this.staleOnlyButton.classList.toggle('pressed', on);
    this.staleOnlyButton.textContent = count === null ? 'Stale only' : `Stale only (${count})`;
    this.staleOnlyButton.disabled = count === null && !on;
  }

  setSearch(query: string): void {
    if (this.search.value !== query) this.search.value = query;
  }

  setSearchCount(text: string): void {
    this.searchCount.textContent = text;
  }

  setDepths(up: number, down: number): void {
    this.depthUp.value = String(up);
    this.depthDown.value = String(down);
  }

  setFocus(key: string | null): void {
    this.focusChip.classList.toggle('hidden', key === null);
    this.focusKey.textContent = key ?? '';
    this.focusKey.title = key ?? '';
    this.element.classList.toggle('has-focus', key !== null);
  }

  setShowAll(label: string, enabled: boolean): void {
    this.showAllButton.textContent = label;
    this.showAllButton.disabled = !enabled;
  }

  setGroupButtons(canCollapse: boolean, canExpand: boolean, hasGroups: boolean): void {
    this.collapseAllButton.disabled = !canCollapse;
    this.expandAllButton.disabled = !canExpand;
    this.collapseAllButton.classList.toggle('hidden', !hasGroups);
    this.expandAllButton.classList.toggle('hidden', !hasGroups);
  }

  setFitEnabled(enabled: boolean): void {
    this.fitButton.disabled = !enabled;
  }

  setStatus(text: string, tone: 'normal' | 'busy' | 'error'): void {
    this.status.textContent = text;
    this.status.classList.toggle('busy', tone === 'busy');
    this.status.classList.toggle('error', tone === 'error');
  }

  /** Where the status strips come from and when it was read; hidden without an instance. */
  setInstance(indicator: InstanceIndicator | null): void {
    this.instance.classList.toggle('hidden', indicator === null);
    this.instanceText.textContent = indicator?.text ?? '';
    this.instance.title = indicator?.title ?? '';
    this.instance.setAttribute('aria-label', indicator ? indicator.title.replace(/\n/g, '. ') : '');
    this.instanceDot.setAttribute('class', `instance-dot tone-${indicator?.worst ?? 'none'}`);
  }

  private button(id: string, label: string, title: string, action: () => void): HTMLButtonElement {
    const button = html('button', { id, className: 'button', text: label, attrs: { type: 'button', title } });
    button.addEventListener('click', () => action());
    return button;
  }

  private depthInput(id: string, label: string, changed: (depth: number) => void): HTMLInputElement {
    const input = html('input', {
      id,
      className: 'depth-input',
      attrs: { type: 'number', min: '0', max: String(maxDepth), step: '1', 'aria-label': label, inputmode: 'numeric' },
    });
    input.addEventListener('change', () => {
      const value = Math.round(Number(input.value));
      const depth = Number.isFinite(value) ? Math.min(maxDepth, Math.max(0, value)) : 0;
      input.value = String(depth);
      changed(depth);
    });
    return input;
  }
}
