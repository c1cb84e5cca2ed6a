import { Boxes, LayoutDashboard, Route, ScrollText, Settings, type LucideIcon } from 'lucide-react';
import type { MessageKey } from '../../../src/contract/i18n.ts';

export const SECTIONS = ['dashboard', 'routes', 'logs', 'components', 'settings'] as const;
export type SectionId = (typeof SECTIONS)[number];

export const SECTION_ICONS: Record<SectionId, LucideIcon> = { dashboard: LayoutDashboard, routes: Route, logs: ScrollText, components: Boxes, settings: Settings };
export const sectionLabel = (id: SectionId): MessageKey => `nav.${id}`;
