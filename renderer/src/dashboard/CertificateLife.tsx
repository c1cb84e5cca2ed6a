import { ShieldCheck } from 'lucide-react';
import { t } from '../../../src/contract/i18n.ts';
import { certificateLife } from '../charts/series.ts';
import { absoluteText } from '../common/format.ts';
import { useNow } from '../hooks/use-now.ts';
import { certificateRemaining } from './cert-remaining.ts';

const W = 300;

/** How much of the gateway certificate's life is used, from its registration to its notAfter. */
export function CertificateLife({ notAfter, issuedAt }: { notAfter: string | undefined; issuedAt: string | undefined }) {
  const now = useNow(60_000);
  const life = certificateLife(notAfter, issuedAt, now);
  const left = certificateRemaining(notAfter, now);
  if (!life || !left) return <p className="muted chart-empty">{t('cert.none')}</p>;
  const tone = left.tone;
  return (
    <div className="cert-life" data-testid="cert-life">
      <p className="cert-line">
        <ShieldCheck aria-hidden="true" size={18} className={`tone-${tone}`} />
        <span data-testid="cert-left">{left.text}</span>
        {/* The expiry as a date: a second relative reading would round on its own ("in 90 days"). */}
        <span className="muted" data-testid="cert-expires">
          {t(left.ms > 0 ? 'cert.expires' : 'cert.expiredOn')} <time dateTime={new Date(notAfter!).toISOString()}>{absoluteText(notAfter)}</time>
        </span>
      </p>
      <svg viewBox={`0 0 ${W} 12`} preserveAspectRatio="none" className="cert-bar" role="img" aria-label={t('cert.used', { percent: Math.round(life.fraction * 100) })}>
        <rect x="0" y="0" width={W} height="12" rx="6" className="bar-track" />
        <rect x="0" y="0" width={Math.max(6, life.fraction * W)} height="12" rx="6" className={`bar-fill fill-${tone}`} />
      </svg>
      <p className="muted small">{t('cert.used', { percent: Math.round(life.fraction * 100) })}</p>
    </div>
  );
}
