import { CircleAlert, Wrench } from 'lucide-react';
import { useState } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { dockerHelpKey, type FixKind, type ReasonHelp } from '../view/reason-help.ts';

/**
 * One reason, said for what it is, with the button that fixes it. Docker can't be started from here, so
 * its button shows how (for this platform) and offers to check again.
 */
export function ReasonCallout({
  reason,
  help,
  detail,
  platform,
  busy,
  onFix,
  heading,
}: {
  reason: string;
  help: ReasonHelp;
  /** The core's own message: the particulars (which port, which file, which date). */
  detail?: string;
  platform?: string;
  busy?: boolean;
  onFix: (fix: FixKind) => void;
  heading?: string;
}) {
  const [showDocker, setShowDocker] = useState(false);
  return (
    <div className="callout callout-warn reason" data-testid="reason" data-reason={reason}>
      <CircleAlert aria-hidden="true" size={18} />
      <div>
        {heading ? <strong>{heading}</strong> : null}
        <p data-testid="reason-message">{t(help.message)}</p>
        {detail ? <p className="muted small" data-testid="reason-detail">{detail}</p> : null}
        {showDocker ? <p data-testid="docker-help">{t(dockerHelpKey(platform))}</p> : null}
        <div className="buttons">
          {help.fix === 'docker-help' && showDocker ? (
            <button type="button" onClick={() => onFix('retry')} disabled={busy} data-testid="reason-fix">
              <Wrench aria-hidden="true" size={16} />
              {t('fix.retry')}
            </button>
          ) : (
            <button type="button" onClick={() => (help.fix === 'docker-help' ? setShowDocker(true) : onFix(help.fix))} disabled={busy} data-testid="reason-fix">
              <Wrench aria-hidden="true" size={16} />
              {t(help.fixLabel)}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
