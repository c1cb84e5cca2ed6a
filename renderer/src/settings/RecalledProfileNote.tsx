import type { RecalledProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { RelativeTime } from '../common/RelativeTime.tsx';

/** Says where a re-added profile's ports and image come from, and lets the user take the defaults instead. */
export function RecalledProfileNote({ recalled, restore, onRestore }: { recalled: RecalledProfileView; restore: boolean; onRestore: (v: boolean) => void }) {
  const p = recalled.ports;
  return (
    <div className="callout callout-info" data-testid="recalled-profile" data-source={recalled.source}>
      <div>
        <p>
          {recalled.source === 'container' ? (
            t(recalled.running ? 'recall.containerRunning' : 'recall.container', { name: recalled.name, container: recalled.containerName ?? '' })
          ) : (
            <>
              {t('recall.removed', { name: recalled.name })} <RelativeTime at={recalled.removedAt} />.
            </>
          )}
        </p>
        <p className="muted small" data-testid="recalled-settings">
          {t('recall.settings', { http: p.proxyHttp, https: p.proxyHttps, control: p.control, prometheus: p.prometheus, image: recalled.image })}
        </p>
        <label className="choice">
          <input type="checkbox" checked={restore} onChange={(e) => onRestore(e.target.checked)} data-testid="recall-restore" />
          {t('recall.restore')}
        </label>
      </div>
    </div>
  );
}
