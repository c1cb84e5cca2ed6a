import type { PullLayerView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { bytesText } from '../common/format.ts';

export interface LayerRow {
  id: string;
  state: PullLayerView['state'];
  /** What the row says: the state in words. */
  stateText: string;
  /** Bytes so far of the layer's size, or the extraction's percent. */
  detail: string;
  /** 0..100 for the row's bar: the download, then the extraction. */
  percent: number;
}

/**
 * The rows of the pull view: one per layer that has to come over the network, in Docker's order. The
 * layers already on this machine are one count (`present`), not rows: they cost nothing, and an image
 * that shares its base with one pulled before would otherwise fill the view with rows that never move.
 */
export function pullLayerRows(layers: PullLayerView[]): { rows: LayerRow[]; present: number } {
  const rows = layers
    .filter((l) => l.state !== 'present')
    .map((l): LayerRow => {
      const size = l.totalBytes > 0 ? bytesText(l.totalBytes) : t('launch.layerSizeUnknown');
      const detail =
        l.state === 'extracting'
          ? t('launch.layerExtracting', { percent: l.extractPercent })
          : l.state === 'waiting'
            ? l.totalBytes > 0 ? size : ''
            : t('launch.pullBytes', { current: bytesText(l.currentBytes), total: size });
      const downloaded = l.totalBytes > 0 ? Math.min(1, l.currentBytes / l.totalBytes) : 0;
      const percent = l.state === 'done' ? 100 : l.state === 'extracting' ? 100 : Math.floor(100 * downloaded);
      return { id: l.id, state: l.state, stateText: t(`layerState.${l.state}`), detail, percent };
    });
  return { rows, present: layers.length - rows.length };
}
