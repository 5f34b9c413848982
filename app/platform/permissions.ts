import type { Role } from '../../db/schema';

// The one place that decides who may do what. Shared with components (for navigation) — no server imports here.
const STAFF = ['dashboard:view', 'terminal:charge', 'invoice:read'] as const;
const FINANCE = [...STAFF, 'invoice:write', 'charge:read', 'charge:export', 'refund:create', 'attempt:reconcile'] as const;
const MANAGER = [...FINANCE, 'report:view', 'user:manage', 'settings:manage', 'audit:read', 'refund:approve-large'] as const;

export type Permission = (typeof MANAGER)[number];

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  staff: new Set(STAFF),
  finance: new Set(FINANCE),
  manager: new Set(MANAGER),
};

/** Who does something, as domain functions record it (the IP goes into the audit log). */
export type Actor = { id: number; ip?: string | null };

/**
 * The one rule for whose payment attempts (card brand, last 4, decline codes, who keyed it) a person may see, on
 * every page that lists them: their own, or anyone's with charge history access (finance and managers).
 */
export function canSeeAttemptsOf(viewer: { id: number; role: Role }, ownerUserId: number) {
  return ownerUserId === viewer.id || seesEveryonesAttempts(viewer.role);
}

export function seesEveryonesAttempts(role: Role) {
  return can(role, 'charge:read');
}

export function can(role: Role, permission: Permission) {
  return GRANTS[role].has(permission);
}

export const ROLE_LABEL_KEYS: Record<Role, string> = { staff: 'roles.staff', finance: 'roles.finance', manager: 'roles.manager' };

export type NavItem = { to: string; labelKey: string; permission: Permission; reloadDocument?: boolean; end?: boolean };

// The terminal loads Stripe.js, which the CSP allows only on that document: reach it by a full page load.
export const NAVIGATION: NavItem[] = [
  { to: '/dashboard', labelKey: 'nav.dashboard', permission: 'dashboard:view' },
  { to: '/terminal', labelKey: 'nav.terminal', permission: 'terminal:charge', reloadDocument: true },
  { to: '/invoices', labelKey: 'nav.invoices', permission: 'invoice:read' },
  { to: '/charges', labelKey: 'nav.charges', permission: 'charge:read' },
  { to: '/reports', labelKey: 'nav.reports', permission: 'report:view' },
  { to: '/settings', labelKey: 'nav.settings', permission: 'settings:manage', end: true },
  { to: '/settings/users', labelKey: 'nav.users', permission: 'user:manage' },
  { to: '/audit', labelKey: 'nav.audit', permission: 'audit:read' },
];

export function navigationFor(role: Role) {
  return NAVIGATION.filter((item) => can(role, item.permission));
}
