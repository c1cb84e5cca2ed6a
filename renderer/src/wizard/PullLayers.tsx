import type { PullLayerView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { pullLayerRows } from './pull-layer-view.ts';

/** A row per layer being pulled: its short id, state, bytes and a bar; then how many were already here. */
export function PullLayers({ layers }: { layers: PullLayerView[] }) {
  const { rows, present } = pullLayerRows(layers);
  return (
    <div className="pull-layers">
      {rows.length > 0 ? (
        <table className="layer-table" aria-label={t('launch.layersLabel')} data-testid="pull-layer-rows">
          <thead>
            <tr>
              <th scope="col">{t('launch.layerCol')}</th>
              <th scope="col">{t('launch.layerStateCol')}</th>
              <th scope="col">{t('launch.layerBytesCol')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-layer={r.id} data-state={r.state}>
                <td>
                  <code>{r.id}</code>
                </td>
                <td>
                  <span className="layer-state">{r.stateText}</span>
                  <progress className="layer-bar" max={100} value={r.percent} aria-label={t('launch.layerBar', { id: r.id })} />
                </td>
                <td className="layer-bytes">{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {present > 0 ? (
        <p className="muted small" data-testid="pull-layers-present">
          {t('launch.layersPresent', { n: present })}
        </p>
      ) : null}
    </div>
  );
}
