import { Container, Database, Server, Waypoints, type LucideIcon } from 'lucide-react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import type { Tone } from '../view/state-view.ts';
import { componentViews, type ComponentView } from './component-views.ts';

const ICONS: Record<ComponentView['id'], LucideIcon> = { engine: Container, etcd: Database, 'control-plane': Waypoints, gateway: Server };

function Badge({ tone, text }: { tone: Tone; text: string }) {
  return <span className={`pill tone-${tone}`}>{text}</span>;
}

/** The parts the gateway runs on: Docker, etcd, the control plane and the gateway container. */
export function Components({ snapshot }: { snapshot: StatusSnapshot }) {
  return (
    <div className="components">
      <p className="muted lead">{t('components.intro')}</p>
      <div className="grid-2">
        {componentViews(snapshot).map((c) => {
          const Icon = ICONS[c.id];
          return (
            <section key={c.id} className="card component" aria-labelledby={`comp-${c.id}`} data-component={c.id}>
              <div className="component-head">
                <Icon aria-hidden="true" size={22} />
                <h2 id={`comp-${c.id}`}>{t(`components.${c.id}`)}</h2>
                <Badge tone={c.tone} text={t(c.stateLabel)} />
              </div>
              <dl className="facts">
                {c.facts.map(([k, v]) => (
                  <div className="fact" key={k}>
                    <dt>{t(k)}</dt>
                    <dd>
                      <code>{v}</code>
                    </dd>
                  </div>
                ))}
              </dl>
              {c.note ? <p className="muted small">{t(c.note)}</p> : null}
            </section>
          );
        })}
      </div>
    </div>
  );
}
