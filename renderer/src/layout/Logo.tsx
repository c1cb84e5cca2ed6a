/** Gateway Tray's mark: a gateway arch over a tray, drawn in the accent colour. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="30" height="30" rx="8" className="logo-bg" />
      <path d="M9 21V14a7 7 0 0 1 14 0v7" className="logo-arch" fill="none" strokeWidth="3" strokeLinecap="round" />
      <path d="M6 24h20" className="logo-arch" strokeWidth="3" strokeLinecap="round" />
      <circle cx="16" cy="14" r="2.2" className="logo-dot" />
    </svg>
  );
}
