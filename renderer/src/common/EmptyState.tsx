import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

/** Nothing to show yet: what that means, and the next thing to do. */
export function EmptyState({ icon: Icon, title, children, action }: { icon: LucideIcon; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty-state">
      <Icon aria-hidden="true" size={28} className="empty-icon" />
      <p className="empty-title">{title}</p>
      {children ? <p className="muted">{children}</p> : null}
      {action ? <div className="buttons center">{action}</div> : null}
    </div>
  );
}
