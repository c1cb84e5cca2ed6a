import { useState } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { MODULE_KEYWORDS, moduleSettingSchema } from '../../../src/contract/ipc-contract.ts';

const isKeyword = (v: string): boolean => (MODULE_KEYWORDS as readonly string[]).includes(v);

/**
 * The profile's module setting: auto, open-agent, api7, or API7's module from a URL. The URL is checked
 * with the contract's schema as it is typed; `onChange` only ever sees a valid setting. With
 * `commitUrlOnBlur` (a setting saved at once) a URL is passed on when the field is left or Enter is
 * pressed, not on every keystroke.
 */
export function ModuleSelect({
  value,
  onChange,
  label,
  id,
  commitUrlOnBlur = false,
}: {
  value: string;
  onChange: (setting: string) => void;
  label?: string;
  id: string;
  commitUrlOnBlur?: boolean;
}) {
  const [choice, setChoice] = useState(isKeyword(value) ? value : 'url');
  const [url, setUrl] = useState(isKeyword(value) ? '' : value);
  const urlProblem = choice === 'url' && url !== '' && !moduleSettingSchema.safeParse(url).success;
  const commit = (next: string) => {
    if (next !== value && moduleSettingSchema.safeParse(next).success) onChange(next);
  };
  const pick = (next: string) => {
    setChoice(next);
    if (next !== 'url') onChange(next);
    else if (url && !commitUrlOnBlur) commit(url);
  };
  return (
    <>
      <label>
        {label ?? t('module.label')}
        <select id={id} value={choice} onChange={(e) => pick(e.target.value)} aria-describedby={`${id}-hint`}>
          {MODULE_KEYWORDS.map((k) => (
            <option key={k} value={k}>
              {t(`module.${k}`)}
            </option>
          ))}
          <option value="url">{t('module.url')}</option>
        </select>
      </label>
      {choice === 'url' ? (
        <label>
          {t('module.urlLabel')}
          <input
            type="url"
            value={url}
            required
            aria-invalid={urlProblem}
            placeholder="https://example.com/cloud_module_beta.tar.gz"
            onChange={(e) => {
              setUrl(e.target.value);
              if (!commitUrlOnBlur) commit(e.target.value);
            }}
            onBlur={() => commitUrlOnBlur && commit(url)}
            onKeyDown={(e) => {
              if (commitUrlOnBlur && e.key === 'Enter') {
                e.preventDefault();
                commit(url);
              }
            }}
          />
        </label>
      ) : null}
      <p id={`${id}-hint`} className="muted">
        {t('module.hint')}
      </p>
    </>
  );
}
