import { Check, Plus, Trash2 } from 'lucide-react';
import { useCallback } from 'react';
import type { ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { ModuleSelect } from '../common/ModuleSelect.tsx';
import { useConfirm } from '../common/use-confirm.ts';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { AddProfileForm } from './AddProfileForm.tsx';
import { SetTokenForm } from './SetTokenForm.tsx';

/** Profiles: which is the default, switch, remove (asked first: its gateway goes with it), and add one. */
export function ProfilesSection({ openTokenOf }: { openTokenOf?: string } = {}) {
  const api = useApi();
  const toast = useToast();
  const profiles = useLive(useCallback(() => api.listProfiles(), [api]), ['settingsChanged']);
  const confirm = useConfirm<ProfileView>();
  const report = (e: unknown) => toast({ tone: 'bad', text: e instanceof Error ? e.message : String(e) });
  const use = (name: string) => api.useProfile({ name }).then(() => toast({ tone: 'ok', text: t('header.switched', { name }) }), report);
  const changeModule = (name: string, setting: string) =>
    api.updateProfile({ name, module: setting }).then(() => {
      profiles.reload();
      toast({ tone: 'ok', text: t('common.saved') });
    }, report);
  const remove = (p: ProfileView) => {
    confirm.close();
    api.removeProfile({ name: p.name, stopGateway: true }).then((r) => {
      profiles.reload();
      toast({ tone: 'ok', text: r.removedContainers > 0 ? t('settings.removedWithGateway', { name: p.name }) : t('settings.removed', { name: p.name }) });
    }, report);
  };
  return (
    <>
      <section aria-labelledby="profiles-h" className="card">
        <h2 id="profiles-h">{t('settings.profiles')}</h2>
        <ErrorNote error={profiles.error} onRetry={profiles.reload} />
        <ul className="profile-list">
          {(profiles.data ?? []).map((p) => (
            <li key={p.name} className="profile-item" data-profile={p.name}>
              <div className="profile-main">
                <strong>{p.name}</strong>
                <span className="muted small">{p.kind === 'local' ? t('settings.kindLocalLong') : `${t('settings.kindCloud')} · ${p.apiUrl ?? ''}`}</span>
                <span className="muted small">
                  {t('settings.profilePorts', { http: p.ports.proxyHttp, image: p.image })}
                </span>
              </div>
              {p.kind === 'cloud' ? (
                <div className="profile-token">
                  <SetTokenForm
                    key={`${p.name}-${openTokenOf === p.name}`}
                    profile={p}
                    openAtStart={openTokenOf === p.name}
                    onSet={() => {
                      profiles.reload();
                      toast({ tone: 'ok', text: t('settings.tokenSet', { name: p.name }) });
                    }}
                  />
                </div>
              ) : null}
              <div className="profile-module">
                <ModuleSelect key={`${p.name}-${p.module}`} id={`module-${p.name}`} label={t('settings.moduleOf', { name: p.name })} value={p.module} commitUrlOnBlur onChange={(setting) => void changeModule(p.name, setting)} />
              </div>
              <div className="buttons">
                {p.isDefault ? (
                  <span className="pill tone-ok">
                    <Check aria-hidden="true" size={14} />
                    {t('settings.default')}
                  </span>
                ) : (
                  <>
                    <button type="button" onClick={() => void use(p.name)} aria-label={t('settings.useLabel', { name: p.name })}>
                      {t('settings.use')}
                    </button>
                    <button type="button" className="icon-button" onClick={() => confirm.ask(p)} aria-label={t('settings.removeLabel', { name: p.name })} title={t('settings.removeLabel', { name: p.name })}>
                      <Trash2 aria-hidden="true" size={16} />
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="add-profile-h" className="card">
        <h2 id="add-profile-h">
          <Plus aria-hidden="true" size={18} /> {t('settings.addProfile')}
        </h2>
        <AddProfileForm
          onAdded={(p) => {
            profiles.reload();
            toast({ tone: 'ok', text: t('settings.added', { name: p.name }) });
          }}
        />
      </section>
      <ConfirmDialog open={confirm.open} title={t('confirm.profile.title', { name: confirm.pending?.name ?? '' })} confirmLabel={t('common.remove')} onCancel={confirm.close} onConfirm={() => confirm.pending && remove(confirm.pending)}>
        <p>{t('confirm.profile.body')}</p>
      </ConfirmDialog>
    </>
  );
}
