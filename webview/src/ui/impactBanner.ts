import type { ImpactOverlay } from '../../../src/protocol/graphProtocol';
import { html } from './dom';

export interface ImpactBannerActions {
  backfill(): void;
  clear(): void;
}

/**
 * The bar over the graph while an impact is shown: what was picked and what it reaches, the
 * warnings, "Backfill These…" (when something can be launched) and "Clear".
 */
export class ImpactBanner {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly warnings: HTMLElement;
  private readonly backfillButton: HTMLButtonElement;

  constructor(actions: ImpactBannerActions) {
    this.text = html('span', { className: 'impact-text' });
    this.warnings = html('span', { className: 'impact-warnings hidden' });
    this.backfillButton = html('button', { id: 'impact-backfill', className: 'button impact-button', text: 'Backfill These…', attrs: { type: 'button', title: 'Plan a backfill of these partitions and everything they reach downstream' } });
    const clear = html('button', { id: 'impact-clear', className: 'button impact-button', text: 'Clear', attrs: { type: 'button', title: 'Stop showing the impact (Escape)' } });
    this.backfillButton.addEventListener('click', () => actions.backfill());
    clear.addEventListener('click', () => actions.clear());
    this.element = html('div', { id: 'impact-banner', className: 'impact-banner hidden', attrs: { role: 'status', 'aria-live': 'polite' } }, [
      this.text,
      this.warnings,
      html('span', { className: 'impact-actions' }, [this.backfillButton, clear]),
    ]);
  }

  show(impact: ImpactOverlay | null, summary: string): void {
    this.element.classList.toggle('hidden', impact === null);
    if (impact === null) return;
    this.text.textContent = summary;
    this.warnings.classList.toggle('hidden', impact.warnings.length === 0);
    this.warnings.textContent = impact.warnings.length === 0 ? '' : `⚠ ${impact.warnings.length === 1 ? impact.warnings[0] : `${impact.warnings.length} warnings`}`;
    this.warnings.title = impact.warnings.join('\n');
    this.backfillButton.classList.toggle('hidden', !impact.launchable);
  }
}
