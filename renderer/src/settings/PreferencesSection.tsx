import { useEffect, useState } from 'react';
import { DEFAULT_ETCD_IMAGE, imageRefSchema, NOTIFICATION_KINDS, type AppSettings, type AppSettingsPatch, type QuitBehaviour, type Theme } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { TextField } from '../common/TextField.tsx';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { DesktopOnly } from './DesktopOnly.tsx';

const QUITS: QuitBehaviour[] = ['leave-running', 'stop-gateway'];
const THEMES: Theme[] = ['system', 'light', 'dark'];

/**
 * Preferences apply as they are changed (a toast says so): notifications, autostart and Quit are the
 * desktop app's and say so; the theme; the etcd image, saved when the field is left or Enter is pressed.
 */
export function PreferencesSection({ settings: saved }: { settings: AppSettings }) {
  const api = useApi();
  const toast = useToast();
  // Shown at once, and replaced by what was saved when the snapshot comes back.
  const [settings, setSettings] = useState(saved);
  useEffect(() => setSettings(saved), [saved]);
  const [etcdImage, setEtcdImage] = useState(saved.etcdImage ?? '');
  useEffect(() => setEtcdImage(saved.etcdImage ?? ''), [saved.etcdImage]);
  const save = async (patch: AppSettingsPatch) => {
    setSettings((s) => ({ ...s, ...patch, notifications: { ...s.notifications, ...patch.notifications } }) as AppSettings);
    try {
      setSettings(await api.updateSettings(patch));
      toast({ tone: 'ok', text: t('common.saved') });
    } catch (e) {
      setSettings(saved);
      toast({ tone: 'bad', text: e instanceof Error ? e.message : String(e) });
    }
  };
  const etcdCheck = etcdImage.trim() === '' ? undefined : imageRefSchema.safeParse(etcdImage);
  const etcdError = etcdCheck && !etcdCheck.success ? etcdCheck.error.issues[0]?.message : undefined;
  const commitEtcd = () => {
    if (etcdError || etcdImage.trim() === (settings.etcdImage ?? '')) return;
    void save({ etcdImage: etcdImage.trim() });
  };
  const muted = new Set(settings.notifications.muted);
  const toggleMute = (kind: (typeof NOTIFICATION_KINDS)[number], on: boolean) => {
    const next = new Set(muted);
    if (on) next.delete(kind);
    else next.add(kind);
    void save({ notifications: { muted: [...next] } });
  };
  return (
    <div className="prefs">
      <section aria-labelledby="desktop-h" className="card">
        <h2 id="desktop-h">
          {t('settings.desktop')} <DesktopOnly />
        </h2>
        <p className="muted small">{t('settings.desktopExplain')}</p>
        <fieldset className="group">
          <legend>{t('settings.notifications')}</legend>
          <label className="choice">
            <input type="checkbox" checked={settings.notifications.enabled} onChange={(e) => void save({ notifications: { enabled: e.target.checked } })} />
            {t('settings.notificationsEnabled')}
          </label>
          {NOTIFICATION_KINDS.map((k) => (
            <label key={k} className="choice indent">
              <input type="checkbox" disabled={!settings.notifications.enabled} checked={!muted.has(k)} onChange={(e) => toggleMute(k, e.target.checked)} />
              {t(`settings.mute.${k}`)}
            </label>
          ))}
        </fieldset>
        <label className="choice">
          <input type="checkbox" checked={settings.autostart} onChange={(e) => void save({ autostart: e.target.checked })} />
          {t('settings.autostart')}
        </label>
        <fieldset className="group">
          <legend>{t('settings.quit')}</legend>
          {QUITS.map((q) => (
            <label key={q} className="choice">
              <input type="radio" name="quit" value={q} checked={settings.quitBehaviour === q} onChange={() => void save({ quitBehaviour: q })} />
              {t(`settings.quit.${q}`)}
            </label>
          ))}
          <p className="muted small" data-testid="quit-explain">
            {t(`settings.quit.${settings.quitBehaviour}.explain`)}
          </p>
        </fieldset>
      </section>
      <section aria-labelledby="look-h" className="card">
        <h2 id="look-h">{t('settings.preferences')}</h2>
        <div className="field">
          <label htmlFor="theme">{t('settings.theme')}</label>
          <select id="theme" value={settings.theme} onChange={(e) => void save({ theme: e.target.value as Theme })}>
            {THEMES.map((th) => (
              <option key={th} value={th}>
                {t(`settings.theme.${th}`)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id="etcd-image"
          label={t('settings.etcdImage')}
          value={etcdImage}
          onChange={setEtcdImage}
          error={etcdError}
          note={t('settings.etcdImage.explain', { image: DEFAULT_ETCD_IMAGE })}
          placeholder={DEFAULT_ETCD_IMAGE}
          onBlur={commitEtcd}
          onKeyDown={(e) => e.key === 'Enter' && commitEtcd()}
          data-testid="etcd-image"
          spellCheck={false}
        />
      </section>
    </div>
  );
}
