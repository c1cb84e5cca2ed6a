import { useEffect, useState } from 'react';
import { DEFAULT_ETCD_IMAGE, NOTIFICATION_KINDS, type AppSettings, type AppSettingsPatch, type QuitBehaviour, type Theme } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';

const QUITS: QuitBehaviour[] = ['leave-running', 'stop-gateway'];
const THEMES: Theme[] = ['system', 'light', 'dark'];

/** Notifications (each kind can be muted), autostart, what Quit does to the gateway, the theme, and the etcd image. */
export function PreferencesSection({ settings: saved }: { settings: AppSettings }) {
  const api = useApi();
  // Shown at once, and replaced by what was saved when the snapshot comes back.
  const [settings, setSettings] = useState(saved);
  useEffect(() => setSettings(saved), [saved]);
  const [etcdImage, setEtcdImage] = useState(saved.etcdImage ?? '');
  useEffect(() => setEtcdImage(saved.etcdImage ?? ''), [saved.etcdImage]);
  const save = useAction(async (patch: AppSettingsPatch) => {
    setSettings((s) => ({ ...s, ...patch, notifications: { ...s.notifications, ...patch.notifications } }) as AppSettings);
    setSettings(await api.updateSettings(patch));
  });
  const muted = new Set(settings.notifications.muted);
  const toggleMute = (kind: (typeof NOTIFICATION_KINDS)[number], on: boolean) => {
    const next = new Set(muted);
    if (on) next.delete(kind);
    else next.add(kind);
    void save.run({ notifications: { muted: [...next] } });
  };
  return (
    <section aria-labelledby="prefs-h" className="card">
      <h2 id="prefs-h">{t('settings.preferences')}</h2>
      <fieldset>
        <legend>{t('settings.notifications')}</legend>
        <label className="choice">
          <input type="checkbox" checked={settings.notifications.enabled} onChange={(e) => void save.run({ notifications: { enabled: e.target.checked } })} />
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
        <input type="checkbox" checked={settings.autostart} onChange={(e) => void save.run({ autostart: e.target.checked })} />
        {t('settings.autostart')}
      </label>
      <fieldset>
        <legend>{t('settings.quit')}</legend>
        {QUITS.map((q) => (
          <label key={q} className="choice">
            <input type="radio" name="quit" value={q} checked={settings.quitBehaviour === q} onChange={() => void save.run({ quitBehaviour: q })} />
            {t(`settings.quit.${q}`)}
          </label>
        ))}
        <p className="muted" data-testid="quit-explain">
          {t(`settings.quit.${settings.quitBehaviour}.explain`)}
        </p>
      </fieldset>
      <label>
        {t('settings.theme')}
        <select value={settings.theme} onChange={(e) => void save.run({ theme: e.target.value as Theme })}>
          {THEMES.map((th) => (
            <option key={th} value={th}>
              {t(`settings.theme.${th}`)}
            </option>
          ))}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save.run({ etcdImage: etcdImage.trim() });
        }}
      >
        <label>
          {t('settings.etcdImage')}
          <input value={etcdImage} placeholder={DEFAULT_ETCD_IMAGE} onChange={(e) => setEtcdImage(e.target.value)} data-testid="etcd-image" />
        </label>
        <button type="submit" disabled={etcdImage.trim() === (settings.etcdImage ?? '')}>
          {t('common.save')}
        </button>
        <p className="muted">{t('settings.etcdImage.explain', { image: DEFAULT_ETCD_IMAGE })}</p>
      </form>
      <ErrorNote error={save.error} />
    </section>
  );
}
