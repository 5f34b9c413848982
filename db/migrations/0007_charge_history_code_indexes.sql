DROP INDEX `payment_attempts_decline_created_idx`;--> statement-breakpoint
DROP INDEX `payment_attempts_failure_created_idx`;--> statement-breakpoint
-- Hand-corrected: drizzle-kit 0.31 splits an expression index at its commas.
CREATE INDEX `payment_attempts_code_created_idx` ON `payment_attempts` (coalesce(`decline_code`, `failure_code`),`created_at`);--> statement-breakpoint
CREATE INDEX `payment_attempts_auth_created_idx` ON `payment_attempts` (`created_at`) WHERE failure_code in ('authentication_required', 'requires_action_not_handled') or decline_code = 'authentication_not_handled';